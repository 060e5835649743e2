// The existing target's entry in the profile record: three Kubernetes clusters that already exist. Region and zone
// names are the clusters' own labels, the disk is the configured StorageClass, nothing has a catalog price, and the
// mesh follows what the clusters' network carries (existing.podsRoutable).
import { kafkaNodeSysctls } from "../../node-pools";
import type { CloudProfile } from "../profile";
import { existingConfigProblems, existingSpecProblems } from "./checks";

export const EXISTING_PROFILE: CloudProfile<"existing"> = {
  cloud: "existing",
  // Any DNS label: the region is what the clusters' topology.kubernetes.io/region labels (and rack ids) say.
  zoneInRegion: () => true,
  diskTypes: ["storage-class"],
  rangeProblems: () => [],
  configProblems: existingConfigProblems,
  specProblems: existingSpecProblems,
  toSpec: (common, config) => ({ ...common, cloud: "existing", existing: config.existing! }),
  // No catalog: nodes, disks and transfer are priced from geo-kafka:prices where given, and reported unpriced otherwise.
  costLabels: { controlPlane: "control plane", natGateway: "NAT" },
  // kube-prometheus-stack brings the operator's CRDs, so this works on clusters that have none.
  defaultScrape: "prometheus-operator",
  mesh: {
    clustersetDnsHookRequired: false,
    istioNetworkModel: (spec) => (spec.existing.podsRoutable ? "shared" : "per-cluster"),
  },
  // What the clusters' owners must set on the Kafka nodes: this stack does not manage those nodes (docs/existing.md).
  kafkaNodeSysctls,
};
