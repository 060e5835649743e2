// The whole stretched cluster as plain data: every node's rendered server.properties grouped by StatefulSet, the
// names each node answers to, bootstrap addresses, client configuration, and where cross-cluster traffic comes from.
import type { RegionSpec } from "../config/spec";
import { KAFKA_PORTS } from "../ports";
import type { Mesh } from "../types";
import { KAFKA_NAMESPACE, headlessServiceName, nodeAddress } from "./addresses";
import { ClusterSettings, Properties, consumerProperties, nodeProperties, producerProperties, renderProperties } from "./properties";
import { SCRAM_MECHANISM } from "./scram";
import { CONFIG_FILES } from "./start-script";
import { KafkaNode, KafkaRole, brokersOf } from "./topology";

/** One StatefulSet: its nodes in ordinal order and the rendered configuration file of each. */
export interface StatefulSetConfig {
  name: string;
  role: KafkaRole;
  region: string;
  regionIndex: number;
  clusterId: string;
  nodes: KafkaNode[];
  /** `server-<ordinal>.properties` -> file text. */
  files: Record<string, string>;
}

/** Every StatefulSet of the cluster with every node's rendered server.properties. */
export function renderClusterConfigs(settings: ClusterSettings): StatefulSetConfig[] {
  const bySet = new Map<string, StatefulSetConfig>();
  for (const node of settings.nodes) {
    let set = bySet.get(node.statefulSet);
    if (!set) {
      set = {
        name: node.statefulSet,
        role: node.role,
        region: node.region,
        regionIndex: node.regionIndex,
        clusterId: node.clusterId,
        nodes: [],
        files: {},
      };
      bySet.set(node.statefulSet, set);
    }
    set.nodes.push(node);
    set.files[CONFIG_FILES.serverProperties(node.ordinal)] = renderProperties(nodeProperties(node, settings));
  }
  for (const set of bySet.values()) {
    set.nodes.sort((a, b) => a.ordinal - b.ordinal);
    set.nodes.forEach((n, i) => {
      // The start script finds a pod's file by ordinal, so ordinals must be 0..n-1 like the StatefulSet's pods.
      if (n.ordinal !== i) throw new Error(`${set.name}: ordinals must run 0..${set.nodes.length - 1}`);
    });
  }
  return [...bySet.values()];
}

/** The DNS names a node's certificate must carry: its cross-cluster name and its in-cluster names. */
export function nodeDnsNames(mesh: Mesh, node: KafkaNode, namespace = KAFKA_NAMESPACE): string[] {
  const svc = headlessServiceName(node);
  const names = [
    nodeAddress(mesh, node, namespace),
    `${node.podName}.${svc}.${namespace}.svc.cluster.local`,
    `${node.podName}.${svc}.${namespace}.svc`,
  ];
  return [...new Set(names)];
}

/** The CLIENT listener addresses of one region's brokers: where clients of that region bootstrap. */
export function bootstrapServers(mesh: Mesh, nodes: readonly KafkaNode[], region: string): string {
  return brokersOf(nodes)
    .filter((b) => b.region === region)
    .sort((a, b) => a.nodeId - b.nodeId)
    .map((b) => `${nodeAddress(mesh, b)}:${KAFKA_PORTS.client}`)
    .join(",");
}

/** Kubernetes Secret (basic-auth) that holds the client admin's SCRAM username and password in every cluster, for clients. */
export const ADMIN_CREDENTIALS_SECRET = "kafka-admin-credentials";
/** Kubernetes Secret with the admin's salted SCRAM credential, mounted into Kafka containers only (lib/kafka/scram). */
export const ADMIN_SCRAM_SECRET = "kafka-admin-scram";

/** Where a client mounts the cluster CA to verify brokers (Submariner mode). The path is a convention of the snippet. */
export const CLIENT_TRUSTSTORE_PATH = "/etc/kafka-client/ca.crt";

export interface ClientConnection {
  mesh: Mesh;
  bootstrapServers: string;
  username: string;
}

/**
 * How a client connects and authenticates. Submariner mode: SASL/SCRAM over Kafka's TLS, verifying brokers against
 * the cluster CA. Istio mode: SASL/SCRAM in plaintext to the client's own sidecar, which carries it in mesh mTLS, so
 * the client must run in the mesh. The password is never rendered: the snippet names where it lives.
 */
export function clientConnectionProperties(c: ClientConnection): Properties {
  const props: Properties = {
    "bootstrap.servers": c.bootstrapServers,
    "security.protocol": c.mesh === "submariner" ? "SASL_SSL" : "SASL_PLAINTEXT",
    "sasl.mechanism": SCRAM_MECHANISM,
    "sasl.jaas.config": `org.apache.kafka.common.security.scram.ScramLoginModule required username="${c.username}" password="<password: Secret ${KAFKA_NAMESPACE}/${ADMIN_CREDENTIALS_SECRET}, key password>";`,
  };
  if (c.mesh === "submariner") {
    props["ssl.truststore.type"] = "PEM";
    props["ssl.truststore.location"] = CLIENT_TRUSTSTORE_PATH;
    props["ssl.endpoint.identification.algorithm"] = "https";
  }
  return props;
}

export interface ClientSnippets {
  region: string;
  bootstrapServers: string;
  /** producer.properties text: acks, idempotence, compression, batching and buffers from the stack, plus connection. */
  producer: string;
  /** consumer.properties text: client.rack = region (follower fetching), buffers, plus connection. */
  consumer: string;
}

export interface ClientSnippetInput {
  mesh: Mesh;
  nodes: readonly KafkaNode[];
  region: string;
  username: string;
  socketBufferBytes: number;
  producer: { acks: string; compression: string; batchSizeBytes: number; lingerMs: number };
}

export function clientSnippets(input: ClientSnippetInput): ClientSnippets {
  const bootstrap = bootstrapServers(input.mesh, input.nodes, input.region);
  const connection = clientConnectionProperties({ mesh: input.mesh, bootstrapServers: bootstrap, username: input.username });
  return {
    region: input.region,
    bootstrapServers: bootstrap,
    producer: renderProperties({ ...connection, ...producerProperties({ ...input.producer, socketBufferBytes: input.socketBufferBytes }) }),
    consumer: renderProperties({
      ...connection,
      ...consumerProperties({ region: input.region, socketBufferBytes: input.socketBufferBytes }),
    }),
  };
}

/**
 * Address ranges that cross-cluster Kafka traffic arrives from in a region's cluster: the other clusters' pod
 * addresses, which the mesh routes without translation (Submariner without Globalnet needs non-overlapping ranges;
 * Istio's single-network model routes pod IPs over the VPC peering). Where pods take node-range addresses (EKS's VPC
 * CNI) validation makes `podCidr` the node range itself, so the pod range is right on every target.
 */
export function crossClusterSourceRanges(regions: readonly RegionSpec[], selfIndex: number): string[] {
  return regions.filter((r) => r.index !== selfIndex).map((r) => r.podCidr);
}

/** Ports a node's container listens on, by role. */
export function listenerPorts(role: KafkaRole): Array<{ name: string; port: number }> {
  // `tcp-` prefixes tell Istio the protocol (it would otherwise sniff); names must be unique per container.
  return role === "broker"
    ? [
        { name: "tcp-client", port: KAFKA_PORTS.client },
        { name: "tcp-replication", port: KAFKA_PORTS.replication },
      ]
    : [{ name: "tcp-controller", port: KAFKA_PORTS.controller }];
}
