// The validated stack: what every layer after validation works from. Declared apart from the checks that build it,
// so that checks, plans and components can all import these types without an import circle.
import type { RegionLink } from "../topology";
import type { ExistingConfig, GcpConfig, ObservabilitySpec, ParsedConfig } from "./schema";

export interface RegionSpec {
  /** Position in `regions`, stable across the program. */
  index: number;
  name: string;
  zones: string[];
  /** DNS label naming this region's cluster in the mesh. */
  clusterId: string;
  nodeCidr: string;
  podCidr: string;
  serviceCidr: string;
}

/** What every target's spec holds, whatever the target. */
export interface CommonStackSpec extends Omit<ParsedConfig, "cloud" | "regions" | "links" | "observability" | "gcp" | "existing"> {
  regions: RegionSpec[];
  /** One link per region pair, oriented in `regions` order. */
  links: RegionLink[];
  observability: ObservabilitySpec;
}

/** Stack gke: three GKE clusters in one GCP project. */
export interface GkeStackSpec extends CommonStackSpec {
  cloud: "gke";
  gcp: GcpConfig;
  /** The clusters' Kubernetes minor version, defaulted (lib/cloud/versions.ts). */
  kubernetesVersion: string;
}

/** Stack eks: three EKS clusters. io1 volumes always carry provisioned IOPS. */
export interface EksStackSpec extends CommonStackSpec {
  cloud: "eks";
  /** The clusters' Kubernetes minor version, defaulted (lib/cloud/versions.ts). */
  kubernetesVersion: string;
  kafka: CommonStackSpec["kafka"] & { disk: CommonStackSpec["kafka"]["disk"] & { iopsPerGiB: number } };
}

/** Stack existing: three Kubernetes clusters that already exist; no cloud resource is created. */
export interface ExistingStackSpec extends CommonStackSpec {
  cloud: "existing";
  existing: ExistingConfig;
}

/** The validated, defaulted configuration, one variant per target, keyed on `cloud`. */
export type StackSpec = GkeStackSpec | EksStackSpec | ExistingStackSpec;

/** The spec variant of one target. */
export type SpecOf<C extends StackSpec["cloud"]> = Extract<StackSpec, { cloud: C }>;

/** Exactly three regions: one replica and one controller per region survive the loss of any one. */
export const REQUIRED_REGION_COUNT = 3;
