// What holds or locates Kafka's data, and the resource options that keep a routine command from deleting it.
//
// Pulumi's `protect` is checked when a delete step runs (pulumi/pkg resource/deploy/step.go, DeleteStep.Apply), and
// deletes run dependents first: protecting only the data holders would let a `pulumi destroy` remove every Service,
// Secret and mesh object before the first refusal. The stack therefore also registers one protected DataGuard that
// waits for every other resource. Deletes are scheduled by dependency depth (step_generator.go, ScheduleDeletes), so
// the guard alone is deleted first; its refusal marks everything it depends on as not to be deleted
// (deployment_executor.go, `erroredDeps`), and nothing is removed.

/** Kinds of object that hold Kafka's data or decide where it lives. */
export type DataHolderKind =
  /** A GKE or EKS cluster: its deletion takes the claims, and with Retain only detached disks remain. */
  | "cluster"
  /** The Kafka node pool or node group: replacing it stops a whole region's Kafka at once. */
  | "kafka-node-pool"
  /** A StorageClass of Kafka's volumes: expanding a bound claim and provisioning a new one need it. */
  | "storage-class"
  /** The Kafka namespace of a region: deleting it deletes every claim in it. */
  | "kafka-namespace"
  /** The ConfigMap whose existence tells controllers that the quorum was formatted (lib/kafka/quorum.ts). */
  | "quorum-bootstrap"
  /**
   * A cluster's Kubernetes provider: replacing it replaces every object deployed through it. Registered before
   * them, so a refused replacement stops the update before any of them is touched.
   */
  | "kubernetes-provider";

export const DATA_HOLDER_KINDS: readonly DataHolderKind[] = [
  "cluster",
  "kafka-node-pool",
  "storage-class",
  "kafka-namespace",
  "quorum-bootstrap",
  "kubernetes-provider",
];

export interface DataProtection {
  /** Pulumi refuses to delete or replace the object. */
  protect: boolean;
  /** Removing the object from the program leaves it in place instead of deleting it. */
  retainOnDelete: boolean;
}

/**
 * The resource options of a data holder. `protectData` (config `protectData`, default true) protects every kind. The
 * Kafka namespaces and the quorum ConfigMap are also retained while protected: if a single resource's protection is
 * lifted by hand (`pulumi state unprotect`), deleting it from the program still leaves it in the cluster. The others
 * are not: a StorageClass is replaced by deleting it first (its parameters are immutable), which a retained class
 * would turn into a name conflict, clusters and node pools carry their cloud's own deletion protection, and a
 * provider holds nothing in a cluster.
 */
export function dataHolderOptions(kind: DataHolderKind, protectData: boolean): DataProtection {
  switch (kind) {
    case "kafka-namespace":
    case "quorum-bootstrap":
      return { protect: protectData, retainOnDelete: protectData };
    case "cluster":
    case "kafka-node-pool":
    case "storage-class":
    case "kubernetes-provider":
      return { protect: protectData, retainOnDelete: false };
    default:
      return unreachableKind(kind);
  }
}

function unreachableKind(kind: never): never {
  throw new Error(`unknown data holder kind ${String(kind)}`);
}

/** Type token of the stack's destroy guard (components/durability/data-guard.ts). */
export const DATA_GUARD_TYPE = "geo-kafka:durability:DataGuard";
