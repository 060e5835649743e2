// The one stable name of every Kafka node that resolves and routes from all three clusters, per mesh mode.
// Submariner: a headless Service per StatefulSet, exported; pods get `<pod>.<cluster-id>.<svc>.<ns>.svc.clusterset.local`.
// Istio: per-pod names of headless services do not cross Istio networks (istio/istio#38327), so every node gets
// its own ClusterIP Service, created in every cluster, named after the pod: `<pod>.<ns>.svc.cluster.local`.
import type { Mesh } from "../types";
import { KafkaNode } from "./topology";

export const KAFKA_NAMESPACE = "kafka";

/** Headless Service of a StatefulSet (Submariner mode exports it). */
export function headlessServiceName(node: Pick<KafkaNode, "statefulSet">): string {
  return node.statefulSet;
}

/** Per-node ClusterIP Service (Istio mode); the pod name is already unique across clusters. */
export function nodeServiceName(node: Pick<KafkaNode, "podName">): string {
  return node.podName;
}

/** The host name every cluster uses for this node. */
export function nodeAddress(mesh: Mesh, node: KafkaNode, namespace = KAFKA_NAMESPACE): string {
  return mesh === "submariner"
    ? `${node.podName}.${node.clusterId}.${headlessServiceName(node)}.${namespace}.svc.clusterset.local`
    : `${nodeServiceName(node)}.${namespace}.svc.cluster.local`;
}
