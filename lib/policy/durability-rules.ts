// The durability rule over a plan: what holds or locates Kafka's data is protected, the stack's destroy guard waits for
// everything, Kubernetes providers name their cluster, and Kafka StatefulSets leave pods and claims when deleted.
import { KAFKA_NAMESPACE } from "../kafka/addresses";
import { QUORUM_BOOTSTRAP_CONFIG_MAP } from "../kafka/quorum";
import { ORPHAN_DELETION_ANNOTATION } from "../kafka/replacement";
import { DATA_GUARD_TYPE, DataHolderKind, dataHolderOptions } from "../durability/protection";
import { KAFKA_NODE_LABEL } from "../node-pools";
import { K8S_PROVIDER_TYPE } from "../plan";
import { PolicyResource, PolicyRule, Violation, get, str, violation } from "./plan-access";

/** Which data holder a resource of the plan is, if any. */
export function dataHolderKind(r: Pick<PolicyResource, "type" | "inputs">): DataHolderKind | undefined {
  switch (r.type) {
    case "gcp:container/cluster:Cluster":
    case "aws:eks/cluster:Cluster":
      return "cluster";
    case "gcp:container/nodePool:NodePool":
      return str(get(r.inputs, "nodeConfig", "labels", KAFKA_NODE_LABEL.key)) === KAFKA_NODE_LABEL.value ? "kafka-node-pool" : undefined;
    case "aws:eks/nodeGroup:NodeGroup":
      return str(get(r.inputs, "labels", KAFKA_NODE_LABEL.key)) === KAFKA_NODE_LABEL.value ? "kafka-node-pool" : undefined;
    case "kubernetes:storage.k8s.io/v1:StorageClass":
      return "storage-class";
    case "kubernetes:core/v1:Namespace":
      return str(get(r.inputs, "metadata", "name")) === KAFKA_NAMESPACE ? "kafka-namespace" : undefined;
    case "kubernetes:core/v1:ConfigMap":
      return str(get(r.inputs, "metadata", "name")) === QUORUM_BOOTSTRAP_CONFIG_MAP ? "quorum-bootstrap" : undefined;
    case K8S_PROVIDER_TYPE:
      return "kubernetes-provider";
    default:
      return undefined;
  }
}

function isKafkaStatefulSet(r: PolicyResource): boolean {
  return r.type === "kubernetes:apps/v1:StatefulSet" && str(get(r.inputs, "metadata", "namespace")) === KAFKA_NAMESPACE;
}

/** Custom resources: what a provider creates (components have none), providers included. */
function isCustom(r: PolicyResource): boolean {
  return r.custom ?? (r.provider !== null || r.type.startsWith("pulumi:providers:"));
}

export const dataProtected: PolicyRule = {
  id: "data-protected",
  description:
    "Clusters, Kafka node pools, StorageClasses, Kafka namespaces, the quorum ConfigMap and Kubernetes providers are " +
    "protected; a protected DataGuard waits for every other resource; every Kubernetes provider has a clusterIdentifier; " +
    "Kafka StatefulSets orphan their pods and keep their claims. A stack whose guard is unprotected (protectData: false) " +
    "is being torn down on purpose and is exempt from the protection checks.",
  check(resources) {
    const out: Violation[] = [];
    const holders = resources.flatMap((r) => {
      const kind = dataHolderKind(r);
      return kind ? [{ r, kind }] : [];
    });

    // Whatever protectData says, a credential change must not replace a provider, and a StatefulSet deletion must
    // not take pods or claims with it.
    for (const { r, kind } of holders) {
      if (kind === "kubernetes-provider" && get(r.inputs, "clusterIdentifier") === undefined)
        out.push(violation(this.id, r, "no clusterIdentifier: a kubeconfig change would replace every object deployed through it"));
    }
    for (const r of resources.filter(isKafkaStatefulSet)) {
      const policy = str(get(r.inputs, "metadata", "annotations", ...Object.keys(ORPHAN_DELETION_ANNOTATION)));
      if (policy !== Object.values(ORPHAN_DELETION_ANNOTATION)[0])
        out.push(violation(this.id, r, "deleting it would delete its pods: no orphan deletion annotation"));
      for (const when of ["whenDeleted", "whenScaled"]) {
        const value = str(get(r.inputs, "spec", "persistentVolumeClaimRetentionPolicy", when)) ?? "Retain";
        if (value !== "Retain") out.push(violation(this.id, r, `persistentVolumeClaimRetentionPolicy.${when} is ${value}, not Retain`));
      }
    }

    if (holders.length === 0) return out;
    const guards = resources.filter((r) => r.type === DATA_GUARD_TYPE);
    if (guards.length !== 1) {
      const what = guards.length === 0 ? "no" : `${guards.length}`;
      out.push(violation(this.id, holders[0].r, `the plan holds Kafka data but has ${what} ${DATA_GUARD_TYPE} (one is needed)`));
      return out;
    }
    const guard = guards[0];
    // A deliberate tear-down: the guard itself says so.
    if (guard.protect !== true) return out;

    const waitsFor = new Set(guard.dependsOn ?? []);
    const missed = resources.filter((r) => r !== guard && isCustom(r) && !waitsFor.has(r.name)).map((r) => r.name);
    if (missed.length > 0)
      out.push(
        violation(
          this.id,
          guard,
          `does not wait for ${missed.length} resource(s), which a destroy could delete before it refuses: ${missed.slice(0, 5).join(", ")}${missed.length > 5 ? ", ..." : ""}`,
        ),
      );

    for (const { r, kind } of holders) {
      const wanted = dataHolderOptions(kind, true);
      if (r.protect !== true) out.push(violation(this.id, r, `${kind} is not protected`));
      // Known on the offline plan; the policy SDK does not report retainOnDelete.
      if (r.retainOnDelete !== undefined && r.retainOnDelete !== wanted.retainOnDelete)
        out.push(violation(this.id, r, `${kind}: retainOnDelete is ${r.retainOnDelete}, not ${wanted.retainOnDelete}`));
      if (kind === "cluster" && get(r.inputs, "deletionProtection") !== true)
        out.push(violation(this.id, r, "the cloud's deletionProtection is off"));
    }
    return out;
  },
};
