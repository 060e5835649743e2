// The eks target's entry in the profile record: AWS region and zone names, io1, pods on VPC addresses, the EKS
// catalog, its checks, and the sysctls its Kafka nodes' user data sets.
import { KNOWN_REGIONS } from "../../config/regions";
import { kafkaNodeSysctls } from "../../node-pools";
import type { CloudProfile } from "../profile";
import { EKS_SUBMARINER_UNSUPPORTED, eksConfigProblems, eksRangeProblems, eksSpecProblems } from "./checks";
import { EKS_PRICES } from "./prices";
import { EKS_KUBERNETES_VERSIONS } from "../versions";
import { PATH_MTU_SYSCTLS } from "./user-data";

export const EKS_PROFILE: CloudProfile<"eks"> = {
  cloud: "eks",
  knownRegions: KNOWN_REGIONS.eks,
  zoneInRegion: (zone, region) => zone.startsWith(region),
  diskTypes: ["io1"],
  podsTakeNodeRange: { reason: "on eks pods take addresses from the VPC range (AWS VPC CNI); set nodeCidr instead" },
  rangeProblems: eksRangeProblems,
  configProblems: eksConfigProblems,
  specProblems: eksSpecProblems,
  // io1 is the only disk type eks accepts, and its checks require iopsPerGiB.
  toSpec: (common) => ({
    ...common,
    cloud: "eks",
    kubernetesVersion: common.kubernetesVersion ?? EKS_KUBERNETES_VERSIONS.defaultVersion,
    kafka: { ...common.kafka, disk: { ...common.kafka.disk, iopsPerGiB: common.kafka.disk.iopsPerGiB! } },
  }),
  kubernetesVersions: EKS_KUBERNETES_VERSIONS,
  priceCatalog: EKS_PRICES,
  costLabels: { controlPlane: "EKS cluster fee", natGateway: "NAT gateway" },
  defaultScrape: "prometheus-operator",
  encryptionBenchmark: "eks",
  mesh: {
    submarinerUnsupported: EKS_SUBMARINER_UNSUPPORTED,
    clustersetDnsHookRequired: false,
    // The VPC CNI gives pods VPC addresses, routed over the peerings (with external SNAT, peers see them).
    istioNetworkModel: "shared",
  },
  // The Kafka launch template's user data: the Kafka node settings plus path MTU probing.
  kafkaNodeSysctls: (socketBufferSysctls) => ({
    ...kafkaNodeSysctls(socketBufferSysctls),
    ...Object.fromEntries(PATH_MTU_SYSCTLS.map((s) => [s.key, s.value])),
  }),
};
