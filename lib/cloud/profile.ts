// What every deployment target must provide, as one typed record: adding a target to `Cloud` makes `tsc` list each
// entry of lib/cloud/index.ts's PROFILES that is missing, and each field below that the new profile leaves out.
import type { BenchmarkedPlatform } from "../capacity-data";
import type { ClusterRanges } from "../cidr";
import type { ParsedConfig, ScrapeModeConfig } from "../config/schema";
import type { RegionList } from "../config/regions";
import type { CommonStackSpec, SpecOf } from "../config/spec";
import type { CloudPriceCatalog } from "../prices/types";
import type { Problem } from "../problems";
import type { NodeSysctls } from "../socket-buffers";
import type { Cloud, DiskType, IstioNetworkModel } from "../types";
import type { KubernetesVersionCatalog } from "./versions";

/** The Kafka disk of a stack, as the disk checks see it. */
export interface KafkaDiskConfig {
  type: string;
  sizeGiB: number;
  iopsPerGiB?: number;
}

export interface CloudProfile<C extends Cloud> {
  cloud: C;
  /** The regions this target has (a list with its source); undefined: any DNS label names a region. */
  knownRegions?: RegionList;
  /** Whether a zone name belongs to a region (GCP and AWS zones start with their region's name). */
  zoneInRegion(zone: string, region: string): boolean;
  /** Disk types this project provisions (or accepts) for Kafka logs on this target. */
  diskTypes: readonly DiskType[];
  /**
   * Set when pods take addresses from the node range (AWS VPC CNI): a `podCidr` is then refused with `reason`, and
   * the planned pod range is the node range.
   */
  podsTakeNodeRange?: { reason: string };
  /** Limits on the planned ranges of each cluster (VPC and service-range sizes). */
  rangeProblems(clusters: readonly ClusterRanges[]): Problem[];
  /** Checks of the target's own keys and of what its network supports (the mesh), on the parsed config. */
  configProblems(config: Partial<ParsedConfig>): Problem[];
  /** Checks that need the whole typed spec (subnet plans, name limits). */
  specProblems(spec: SpecOf<C>): Problem[];
  /** The spec variant from the common part and the parsed config (the target's own keys). */
  toSpec(common: CommonStackSpec, config: ParsedConfig): SpecOf<C>;
  /**
   * The Kubernetes versions this target's clusters may run, with their support dates; undefined where the stack does not
   * create the clusters (their owners choose the version).
   */
  kubernetesVersions?: KubernetesVersionCatalog;
  /** The price catalog of machine types, disks, transfer and control planes; undefined: prices come from config only. */
  priceCatalog?: CloudPriceCatalog;
  /** Labels of the fixed costs in reports. */
  costLabels: { controlPlane: string; natGateway: string };
  /** Scraping that works on a fresh cluster of this target, and the modes it accepts. */
  defaultScrape: ScrapeModeConfig;
  /** Whose encryption benchmark (lib/capacity-data.ts) the capacity model applies; undefined: no capacity estimate. */
  encryptionBenchmark?: BenchmarkedPlatform;
  /** What the target's network means for the mesh layer. */
  mesh: {
    /** Why Submariner cannot run on this target's CNI; undefined where it can. */
    submarinerUnsupported?: string;
    /** Whether the cluster DNS needs a hook to forward clusterset.local to Lighthouse (kube-dns has no CoreDNS forward). */
    clustersetDnsHookRequired: boolean;
    /** How Istio maps this target's clusters to networks. */
    istioNetworkModel: IstioNetworkModel | ((spec: SpecOf<C>) => IstioNetworkModel);
  };
  /**
   * The kernel settings this target applies to Kafka nodes, given the socket-buffer plan: what the plan renders into
   * node pools or user data (and what the Kafka lab applies).
   */
  kafkaNodeSysctls(socketBufferSysctls: NodeSysctls): Record<string, string>;
}
