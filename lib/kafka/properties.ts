// Renders each Kafka node's server.properties, one section per concern (identity, listeners, quorum, rack and
// follower fetching, topic and durability defaults, socket buffers, threads, storage, TLS/SASL), like a configuration
// builder.
import { KAFKA_PORTS } from "../ports";
import type { Mesh } from "../types";
import { nodeAddress } from "./addresses";
import { KAFKA_IMAGE_VOLUMES } from "./image";
import { brokerControllerAddressBook, quorumBootstrapServers } from "./quorum";
import { KafkaNode } from "./topology";

export type Properties = Record<string, string>;

/** Paths inside the container: where volumes are mounted, and where Kafka keeps its logs. */
export const PATHS = {
  /** The node's PersistentVolumeClaim, mounted exactly where the image declares its data VOLUME. */
  data: KAFKA_IMAGE_VOLUMES.data,
  /**
   * `log.dirs` (and a controller's `metadata.log.dir`): a directory on the data volume, not its root, where a
   * filesystem's `lost+found` would look like a partition to Kafka.
   */
  logDirs: `${KAFKA_IMAGE_VOLUMES.data}/logs`,
  tls: "/etc/kafka/tls",
  config: "/etc/kafka/config",
  /** The client admin's salted SCRAM credential (a Secret), at the image's secrets VOLUME. */
  secrets: KAFKA_IMAGE_VOLUMES.secrets,
} as const;

/** KRaft's authorizer: ACLs kept in the cluster metadata. */
export const STANDARD_AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";
/** Organization of every node certificate's subject. */
export const NODE_CERT_ORGANIZATION = "geo-kafka";
/**
 * The principal every node certificate maps to. Not a name a declared user may take (lib/kafka/access checks), so no
 * SCRAM credential can become a node.
 */
export const NODE_PRINCIPAL_NAME = "geo-kafka-node";

/** `super.users` entries: the nodes and the admin. */
export function superUsers(adminUsername: string): string[] {
  return [`User:${NODE_PRINCIPAL_NAME}`, `User:${adminUsername}`];
}

export const RACK_AWARE_SELECTOR = "org.apache.kafka.common.replica.RackAwareReplicaSelector";
/** Fetcher threads per source broker: two connections per broker pair share a long path better than one. */
export const REPLICA_FETCHERS = 2;
/** Kafka's default replica.fetch.response.max.bytes (10 MiB): a fetch returns at most this per round trip. */
export const KAFKA_DEFAULT_FETCH_RESPONSE_MAX_BYTES = 10_485_760;
/** Kafka's default replica.fetch.max.bytes (1 MiB): a fetch returns at most this per partition. */
export const KAFKA_DEFAULT_REPLICA_FETCH_MAX_BYTES = 1_048_576;

export interface ClusterSettings {
  mesh: Mesh;
  /** Every node of the cluster (to name the controller quorum). */
  nodes: readonly KafkaNode[];
  defaultPartitions: number;
  replicationFactor: number;
  minInsyncReplicas: number;
  /** From lib/socket-buffers: the BDP-sized buffer, never above the node sysctls. */
  socketBufferBytes: number;
  /** vCPUs of the Kafka machine type, to size thread pools. */
  vcpus: number;
  /** The SCRAM admin, a super user beside the nodes. */
  adminUsername: string;
}

type Section = (node: KafkaNode, s: ClusterSettings) => Properties;

const identity: Section = (node) => ({
  "process.roles": node.role,
  "node.id": String(node.nodeId),
});

/**
 * Listeners, each of which authenticates its peer. CONTROLLER and REPLICATION: mutual TLS with the cluster CA in both
 * mesh modes (SCRAM cannot serve the KRaft controller listener, whose credentials would live in the metadata it
 * serves; Istio's mTLS proves only that a caller is some workload of the mesh, not a Kafka node). CLIENT: SASL/SCRAM,
 * over Kafka's TLS in Submariner mode and over the sidecar's STRICT mTLS in Istio mode (Kafka does not encrypt the
 * client path twice there). No listener accepts User:ANONYMOUS.
 */
const listeners: Section = (node, s): Properties => {
  const internal = "SSL";
  const client = s.mesh === "submariner" ? "SASL_SSL" : "SASL_PLAINTEXT";
  const host = nodeAddress(s.mesh, node);
  if (node.role === "controller") {
    // A controller serves only CONTROLLER: its map names no listener it does not run.
    return {
      "controller.listener.names": "CONTROLLER",
      "listener.security.protocol.map": `CONTROLLER:${internal}`,
      listeners: `CONTROLLER://0.0.0.0:${KAFKA_PORTS.controller}`,
      "advertised.listeners": `CONTROLLER://${host}:${KAFKA_PORTS.controller}`,
    };
  }
  return {
    "controller.listener.names": "CONTROLLER",
    "listener.security.protocol.map": `CONTROLLER:${internal},REPLICATION:${internal},CLIENT:${client}`,
    listeners: `REPLICATION://0.0.0.0:${KAFKA_PORTS.replication},CLIENT://0.0.0.0:${KAFKA_PORTS.client}`,
    "advertised.listeners": `REPLICATION://${host}:${KAFKA_PORTS.replication},CLIENT://${host}:${KAFKA_PORTS.client}`,
    "inter.broker.listener.name": "REPLICATION",
    "sasl.enabled.mechanisms": "SCRAM-SHA-512",
    "listener.name.client.sasl.enabled.mechanisms": "SCRAM-SHA-512",
    // Server side of SCRAM: credentials live in the cluster metadata, so the login module needs no user.
    "listener.name.client.scram-sha-512.sasl.jaas.config": "org.apache.kafka.common.security.scram.ScramLoginModule required;",
  };
};

/** The pod's own PEM keystore and the cluster CA: a node's identity, as a server and as a client of its peers. */
const tlsStores = (): Properties => ({
  "ssl.keystore.type": "PEM",
  "ssl.keystore.location": `${PATHS.tls}/keystore.pem`,
  "ssl.truststore.type": "PEM",
  "ssl.truststore.location": `${PATHS.tls}/ca.crt`,
  "ssl.endpoint.identification.algorithm": "https",
});

/**
 * Every node certificate (subject `CN=<pod>,O=geo-kafka`, components/kafka/tls.ts) maps to one principal, so that
 * adding a node changes no other node's `super.users`. Other certificates keep their full DN, which no ACL names.
 * Java prints the subject in RFC 2253 order, last RDN first: `CN=<pod>,O=geo-kafka`.
 */
export const NODE_PRINCIPAL_MAPPING_RULE = `RULE:^CN=[a-z0-9.-]+,O=${NODE_CERT_ORGANIZATION}$/${NODE_PRINCIPAL_NAME}/,DEFAULT`;

const security: Section = (node) => {
  const props: Properties = {
    ...tlsStores(),
    "ssl.enabled.protocols": "TLSv1.3",
    "ssl.protocol": "TLSv1.3",
    "ssl.principal.mapping.rules": NODE_PRINCIPAL_MAPPING_RULE,
    "listener.name.controller.ssl.client.auth": "required",
  };
  if (node.role === "broker") props["listener.name.replication.ssl.client.auth"] = "required";
  return props;
};

/**
 * KRaft's StandardAuthorizer on brokers and controllers (controllers authorize the brokers' registrations and the
 * admin calls sent to them). Nothing is allowed without an ACL; the nodes' own principal and the admin are super users.
 */
const authorization: Section = (_node, s) => ({
  "authorizer.class.name": STANDARD_AUTHORIZER,
  "allow.everyone.if.no.acl.found": "false",
  "super.users": superUsers(s.adminUsername).join(";"),
});

/**
 * A dynamic quorum (KIP-853): nodes find the controllers by their cross-cluster addresses; the voters themselves are
 * set when the controllers are formatted (lib/kafka/quorum). Controllers take no `controller.quorum.voters`: that
 * would make the quorum static. Brokers take it as a fallback address book only (`brokerControllerAddressBook`).
 */
const quorum: Section = (node, s) => ({
  "controller.quorum.bootstrap.servers": quorumBootstrapServers(s.mesh, s.nodes),
  ...(node.role === "broker" ? { "controller.quorum.voters": brokerControllerAddressBook(s.mesh, s.nodes) } : {}),
});

/** rack = region, and the selector without which client.rack does nothing. */
const rackAwareness: Section = (node): Properties =>
  node.role === "broker" ? { "broker.rack": node.region, "replica.selector.class": RACK_AWARE_SELECTOR } : {};

/**
 * Topic defaults, on every node. In KRaft the controller, not the broker, fills in `num.partitions` and
 * `default.replication.factor` for a CreateTopics request without them, and with Eligible Leader Replicas (on by
 * default from 4.1) it writes a cluster-level `min.insync.replicas` from its own configuration: a controller without
 * these settings would create RF-1 topics and set min.insync.replicas=1 cluster-wide.
 */
const topicDefaults: Section = (_node, s) => ({
  "num.partitions": String(s.defaultPartitions),
  "default.replication.factor": String(s.replicationFactor),
  "min.insync.replicas": String(s.minInsyncReplicas),
});

const durability: Section = (node, s): Properties =>
  node.role === "broker"
    ? {
        "offsets.topic.replication.factor": String(s.replicationFactor),
        "transaction.state.log.replication.factor": String(s.replicationFactor),
        "transaction.state.log.min.isr": String(s.minInsyncReplicas),
        "unclean.leader.election.enable": "false",
        "auto.create.topics.enable": "false",
        "auto.leader.rebalance.enable": "true",
      }
    : {};

/**
 * Socket buffers from the BDP. A fetch also returns at most replica.fetch.max.bytes per partition and
 * replica.fetch.response.max.bytes in all per round trip, so both bounds are raised to the buffer too; otherwise
 * they, not the window, cap replication: one partition at 1 MiB / RTT (about 15 MB/s at 70 ms), a fetcher at
 * 10 MiB / RTT. The response bound stays at least the per-partition one.
 */
export function replicaFetchBytes(socketBufferBytes: number): { perPartition: number; perResponse: number } {
  const perPartition = Math.max(socketBufferBytes, KAFKA_DEFAULT_REPLICA_FETCH_MAX_BYTES);
  return { perPartition, perResponse: Math.max(perPartition, KAFKA_DEFAULT_FETCH_RESPONSE_MAX_BYTES) };
}

const socketBuffers: Section = (node, s) => {
  const bytes = String(s.socketBufferBytes);
  const props: Properties = { "socket.send.buffer.bytes": bytes, "socket.receive.buffer.bytes": bytes };
  if (node.role === "broker") {
    const fetch = replicaFetchBytes(s.socketBufferBytes);
    props["replica.socket.receive.buffer.bytes"] = bytes;
    props["num.replica.fetchers"] = String(REPLICA_FETCHERS);
    props["replica.fetch.max.bytes"] = String(fetch.perPartition);
    props["replica.fetch.response.max.bytes"] = String(fetch.perResponse);
  }
  return props;
};

/** Thread pools from the machine: network threads for the NICs, I/O threads for the disk and request handling. */
export function threadCounts(vcpus: number): { network: number; io: number } {
  return { network: Math.max(3, Math.ceil(vcpus / 2)), io: Math.max(8, vcpus) };
}

const threads: Section = (node, s): Properties => {
  if (node.role !== "broker") return {};
  const t = threadCounts(s.vcpus);
  return { "num.network.threads": String(t.network), "num.io.threads": String(t.io) };
};

const storage: Section = (node): Properties =>
  node.role === "broker" ? { "log.dirs": PATHS.logDirs } : { "log.dirs": PATHS.logDirs, "metadata.log.dir": PATHS.logDirs };

const SECTIONS: readonly Section[] = [
  identity,
  listeners,
  security,
  authorization,
  quorum,
  rackAwareness,
  topicDefaults,
  durability,
  socketBuffers,
  threads,
  storage,
];

/** Every setting of one node; a key set by two sections is a programming error. */
export function nodeProperties(node: KafkaNode, settings: ClusterSettings): Properties {
  const out: Properties = {};
  for (const section of SECTIONS) {
    for (const [key, value] of Object.entries(section(node, settings))) {
      if (key in out) throw new Error(`${key} is set by two sections`);
      out[key] = value;
    }
  }
  return out;
}

/** Admin client request bounds for tools run inside a pod: they fail within seconds instead of hanging. */
export const POD_CLIENT_TIMEOUTS_MS = { request: 10_000, api: 15_000 } as const;

/**
 * Admin client settings for Kafka's tools run inside a Kafka pod (`--command-config`), as the node itself would
 * connect to its peers' REPLICATION and CONTROLLER listeners: Kafka TLS with the pod's own keystore (those listeners
 * require client certificates), as the nodes' principal.
 */
export function podClientProperties(): Properties {
  return {
    "security.protocol": "SSL",
    ...tlsStores(),
    "request.timeout.ms": String(POD_CLIENT_TIMEOUTS_MS.request),
    "default.api.timeout.ms": String(POD_CLIENT_TIMEOUTS_MS.api),
  };
}

/** server.properties text: sorted keys, one per line, so diffs stay small and reviewable. */
export function renderProperties(props: Properties): string {
  return `${Object.keys(props)
    .sort()
    .map((k) => `${k}=${props[k]}`)
    .join("\n")}\n`;
}

/** Parses server.properties text (for tests and checks): `key=value` lines, comments and blanks ignored. */
export function parseProperties(text: string): Properties {
  const out: Properties = {};
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const eq = trimmed.indexOf("=");
    if (eq <= 0) continue;
    out[trimmed.slice(0, eq).trim()] = trimmed.slice(eq + 1).trim();
  }
  return out;
}

/** Producer settings clients should use (output as a snippet). */
export function producerProperties(p: {
  compression: string;
  batchSizeBytes: number;
  lingerMs: number;
  socketBufferBytes: number;
  acks: string;
}): Properties {
  return {
    acks: p.acks,
    "enable.idempotence": "true",
    "compression.type": p.compression,
    "batch.size": String(p.batchSizeBytes),
    "linger.ms": String(p.lingerMs),
    "send.buffer.bytes": String(p.socketBufferBytes),
    "receive.buffer.bytes": String(p.socketBufferBytes),
  };
}

/** Consumer settings: client.rack makes the rack-aware selector serve the local replica. */
export function consumerProperties(p: { region: string; socketBufferBytes: number }): Properties {
  return {
    "client.rack": p.region,
    "receive.buffer.bytes": String(p.socketBufferBytes),
    "send.buffer.bytes": String(p.socketBufferBytes),
  };
}
