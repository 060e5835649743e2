// The gke target's entry in the profile record: GCP region and zone names, pd-ssd, VPC-native pod ranges, the GKE
// catalog, its checks, and the sysctls its Kafka node pools get.
import { KNOWN_REGIONS } from "../../config/regions";
import { kafkaNodeSysctls } from "../../node-pools";
import type { CloudProfile } from "../profile";
import { gkeConfigProblems, gkeSpecProblems } from "./checks";
import { GKE_PRICES } from "./prices";
import { GKE_KUBERNETES_VERSIONS } from "../versions";

export const GKE_PROFILE: CloudProfile<"gke"> = {
  cloud: "gke",
  knownRegions: KNOWN_REGIONS.gke,
  zoneInRegion: (zone, region) => zone.startsWith(region),
  diskTypes: ["pd-ssd"],
  rangeProblems: () => [],
  configProblems: gkeConfigProblems,
  specProblems: gkeSpecProblems,
  toSpec: (common, config) => ({
    ...common,
    cloud: "gke",
    gcp: config.gcp!,
    kubernetesVersion: common.kubernetesVersion ?? GKE_KUBERNETES_VERSIONS.defaultVersion,
  }),
  kubernetesVersions: GKE_KUBERNETES_VERSIONS,
  priceCatalog: GKE_PRICES,
  costLabels: { controlPlane: "GKE cluster fee", natGateway: "Cloud NAT" },
  defaultScrape: "gke-managed",
  encryptionBenchmark: "gke",
  mesh: {
    clustersetDnsHookRequired: true,
    // VPC-native pod ranges are subnet secondary ranges that the VPC peerings exchange.
    istioNetworkModel: "shared",
  },
  // linuxNodeConfig.sysctls of the Kafka node pool (docs/gke.md lists GKE's allowed keys).
  kafkaNodeSysctls,
};
