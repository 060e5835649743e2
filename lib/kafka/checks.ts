// Checks on the inputs of the stretched Kafka component, run before anything is created: every problem is
// collected with the input path it concerns, so the component can throw them together.
import { IDS_PER_REGION, KafkaNode } from "./topology";

export interface InputProblem {
  /** Path of the offending input, e.g. `clusters[1].region` or `spec.kafka.brokersPerRegion`. */
  propertyPath: string;
  reason: string;
}

export interface KafkaDeploymentInput {
  specRegions: readonly string[];
  clusterRegions: readonly string[];
  specMesh: string;
  layerMesh: string;
  socketBufferBytes: number;
  brokersPerRegion: number;
  controllersPerRegion: number;
  /** Kafka pool nodes per region (nodePools.kafka.countPerRegion). */
  kafkaNodesPerRegion: number;
  machineType: string;
  /** False when the catalog does not know the machine type (and no shape was passed). */
  shapeKnown: boolean;
  /** From lib/kafka/sizing; ignored when the shape is unknown. */
  sizingProblems: readonly string[];
  clientNamespaces: readonly string[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function kafkaDeploymentProblems(input: KafkaDeploymentInput): InputProblem[] {
  const problems: InputProblem[] = [];
  if (input.clusterRegions.length !== input.specRegions.length) {
    problems.push({ propertyPath: "clusters", reason: `${input.clusterRegions.length} clusters for ${input.specRegions.length} regions` });
  }
  input.clusterRegions.forEach((region, i) => {
    if (i < input.specRegions.length && region !== input.specRegions[i]) {
      problems.push({ propertyPath: `clusters[${i}].region`, reason: `is ${region}, but regions[${i}] is ${input.specRegions[i]}` });
    }
  });
  if (input.layerMesh !== input.specMesh) {
    problems.push({ propertyPath: "mesh.mode", reason: `is ${input.layerMesh}, but spec.mesh.mode is ${input.specMesh}` });
  }
  if (!Number.isInteger(input.socketBufferBytes) || input.socketBufferBytes <= 0) {
    problems.push({ propertyPath: "socketBufferBytes", reason: `must be a positive integer (got ${input.socketBufferBytes})` });
  }
  for (const [key, count] of [
    ["brokersPerRegion", input.brokersPerRegion],
    ["controllersPerRegion", input.controllersPerRegion],
  ] as const) {
    // Node ids leave room for IDS_PER_REGION of each role per region (lib/kafka/topology).
    if (!Number.isInteger(count) || count < 1 || count > IDS_PER_REGION) {
      problems.push({ propertyPath: key, reason: `must be an integer from 1 to ${IDS_PER_REGION} (got ${count})` });
    }
  }
  // Required anti-affinity puts one pod of a StatefulSet per node.
  const needed = Math.max(input.brokersPerRegion, input.controllersPerRegion);
  if (input.kafkaNodesPerRegion < needed) {
    problems.push({
      propertyPath: "kafkaNodes.countPerRegion",
      reason: `${input.kafkaNodesPerRegion} Kafka nodes per region cannot hold ${needed} pods of one StatefulSet at one per node`,
    });
  }
  if (!input.shapeKnown) {
    problems.push({
      propertyPath: "kafkaNodes.machineType",
      reason: `the shape (vCPUs, memory) of ${input.machineType} is not known; pass machineShape`,
    });
  } else {
    for (const reason of input.sizingProblems) problems.push({ propertyPath: "machineShape", reason });
  }
  input.clientNamespaces.forEach((ns, i) => {
    if (!DNS_LABEL.test(ns))
      problems.push({ propertyPath: `clientNamespaces[${i}]`, reason: `${JSON.stringify(ns)} is not a namespace name` });
  });
  return problems;
}

/** RFC 5280 (appendix A, ub-common-name): a certificate's common name holds at most 64 characters. */
export const MAX_COMMON_NAME_LENGTH = 64;

/**
 * The common name of a node's certificate: its pod name, short and unique across the clusters. Its DNS names, which
 * are what TLS clients verify, are the certificate's subject alternative names (lib/kafka/cluster nodeDnsNames); the
 * cross-cluster name alone runs to about a hundred characters, beyond what a common name may hold.
 */
export function nodeCommonName(node: Pick<KafkaNode, "podName">): string {
  return node.podName;
}

/**
 * Certificate common names beyond RFC 5280's limit, one problem per region (its longest name), under the cluster id
 * that makes them long.
 */
export function certificateNameProblems(nodes: readonly KafkaNode[]): InputProblem[] {
  const longest = new Map<number, KafkaNode>();
  for (const n of nodes) {
    const seen = longest.get(n.regionIndex);
    if (nodeCommonName(n).length > MAX_COMMON_NAME_LENGTH && (!seen || nodeCommonName(n).length > nodeCommonName(seen).length))
      longest.set(n.regionIndex, n);
  }
  return [...longest.values()]
    .sort((a, b) => a.regionIndex - b.regionIndex)
    .map((n) => ({
      propertyPath: `regions[${n.regionIndex}].clusterId`,
      reason:
        `${n.clusterId} makes the certificate common name ${nodeCommonName(n)} ${nodeCommonName(n).length} characters long; ` +
        `RFC 5280 allows ${MAX_COMMON_NAME_LENGTH}`,
    }));
}
