// The capacity model: the produce rate (uncompressed bytes/s) at which each part of the deployment saturates,
// and which part saturates first. Every limit is a ceiling on the same quantity so they compare directly, and each
// follows the bytes along the path they really take (whose socket crosses the WAN, what encrypts them).
import { crossRegionReplicaCopies } from "./kafka/topology";

/**
 * The socket that carries a replication fetch across the WAN.
 * - `kafka`: Kafka's own socket (native routes, no proxy); its window is Kafka's explicit buffer as the kernel grants it.
 * - `envoy`: a sidecar's upstream connection (Envoy tcp_proxy opens one per Kafka connection); Kafka's socket ends at
 *   the sidecar on loopback, and the kernel autotunes Envoy's socket up to the node's tcp_rmem/tcp_wmem maxima.
 */
export interface ReplicationPath {
  wanSocket: "kafka" | "envoy";
  /** Usable TCP window of the socket that crosses the WAN, bytes. */
  windowBytes: number;
  /** Where that window comes from, for the report. */
  windowOrigin: string;
  /** Envoy only: its per-connection user-space buffer limit, a soft limit that pauses reads, not a window. */
  proxyBufferLimitBytes?: number;
}

/** Encryption on the data path, as the share of a broker's plain-text throughput it leaves. */
export interface EncryptionCost {
  /** e.g. "Kafka TLS" or "Istio mTLS". */
  name: string;
  /** Encrypted over plain-text per-broker throughput, in (0, 1]. */
  throughputRatio: number;
  /** The measurement behind the ratio, for the report. */
  basis: string;
}

export interface CapacityInputs {
  regions: number;
  brokersPerRegion: number;
  replicationFactor: number;
  consumerGroups: number;
  followerFetching: boolean;
  producerCrossRegionFraction: number;
  compressionRatio: number;
  /** Sustained write throughput one broker's log volume and VM allow, bytes/s. */
  brokerDiskWriteBytesPerSecond: number;
  /** Sustained egress of one broker VM, bytes/s. */
  brokerEgressBytesPerSecond: number;
  /** Egress one broker VM may send to other regions, bytes/s. */
  brokerInterRegionEgressBytesPerSecond: number;
  /** Bandwidth of the narrowest inter-region link, bytes/s, per direction. */
  narrowestLinkBytesPerSecond: number;
  /** Replication connections: the socket that crosses the WAN, the RTT of the worst path, and the per-flow rate there. */
  replicationPath: ReplicationPath;
  worstRttMs: number;
  perFlowBytesPerSecond: number;
  /** Kafka's num.replica.fetchers: connections from a follower broker to each leader broker. */
  replicaFetchers: number;
  /** replica.fetch.max.bytes: what one fetch returns per partition. */
  replicaFetchMaxBytes: number;
  /** replica.fetch.response.max.bytes: what one fetch returns in all. */
  replicaFetchResponseMaxBytes: number;
  /** Partitions the produced bytes spread over (the topic default, num.partitions). */
  partitions: number;
  /** Encryption of the data path; omitted: none. */
  encryption?: EncryptionCost;
  /** What the stack's traffic assumptions produce, uncompressed bytes/s. */
  configuredProduceBytesPerSecond: number;
}

export interface CapacityLimit {
  name: string;
  /** Produce rate (uncompressed bytes/s) at which this part saturates. */
  produceBytesPerSecond: number;
  detail: string;
}

export interface CapacityEstimate {
  ceilingProduceBytesPerSecond: number;
  bottleneck: CapacityLimit;
  limits: CapacityLimit[];
  /** Configured produce rate over the ceiling. */
  utilization: number;
}

const MB = 1e6;
const fmt = (bytesPerSecond: number) => `${(bytesPerSecond / MB).toFixed(1)} MB/s`;

/** Throughput of one TCP connection: its window over the RTT, at most the per-flow rate. */
export function connectionBytesPerSecond(windowBytes: number, rttMs: number, perFlowBytesPerSecond: number): number {
  return Math.min((windowBytes * 1000) / rttMs, perFlowBytesPerSecond);
}

/**
 * A follower's fetcher sends one fetch at a time on its connection and waits for the whole answer before the next, so
 * each fetch costs one round trip (the request out, the first byte back) plus the time the connection needs to move
 * the answer at its own rate: with S = min(replica.fetch.response.max.bytes, partitions fetched x
 * replica.fetch.max.bytes) bytes per fetch and the connection moving `connectionRate` bytes/s once the answer flows,
 * the connection carries S / (RTT + S / connectionRate) bytes/s. Short fetches leave the connection idle for a round
 * trip each (the fetch size binds); long ones approach the connection's rate (the window binds).
 */
export function fetchBytesPerSecond(
  partitionsOnConnection: number,
  fetchMaxBytes: number,
  responseMaxBytes: number,
  rttMs: number,
  connectionRateBytesPerSecond = Infinity,
): number {
  const perFetch = Math.min(responseMaxBytes, partitionsOnConnection * fetchMaxBytes);
  return perFetch / (rttMs / 1000 + perFetch / connectionRateBytesPerSecond);
}

export interface PartitionSpread {
  /** Partitions the busiest broker leads (leaders spread evenly over the brokers). */
  mostLedPerBroker: number;
  /** Of those, the most fetched by one other region (each partition has followers in `copies` of the regions - 1). */
  mostPerFollowerRegion: number;
  /** Connections one follower region opens to one leader broker: brokersPerRegion x num.replica.fetchers. */
  connectionsPerLeaderAndRegion: number;
  /** Partitions on the fullest fetch connection. */
  mostPerConnection: number;
}

/**
 * How partitions fall on fetch connections. Each (partition, follower) pair is fetched on exactly one connection from
 * the follower's broker to the leader's, chosen among that broker's num.replica.fetchers; leaders and followers
 * spread evenly (Kafka assigns partitions to fetchers by hash, so a real spread is at best this even).
 */
export function partitionSpread(
  c: Pick<CapacityInputs, "partitions" | "regions" | "brokersPerRegion" | "replicaFetchers">,
  copies: number,
): PartitionSpread {
  const mostLedPerBroker = Math.ceil(c.partitions / (c.regions * c.brokersPerRegion));
  const mostPerFollowerRegion = c.regions > 1 ? Math.ceil((mostLedPerBroker * copies) / (c.regions - 1)) : 0;
  const connectionsPerLeaderAndRegion = c.brokersPerRegion * c.replicaFetchers;
  return {
    mostLedPerBroker,
    mostPerFollowerRegion,
    connectionsPerLeaderAndRegion,
    mostPerConnection: Math.ceil(mostPerFollowerRegion / connectionsPerLeaderAndRegion),
  };
}

/**
 * Ceilings, each as a produce rate. With W = produce / compressionRatio bytes on the wire and B brokers:
 * - disks: every replica is written, so each broker writes W x RF / B;
 * - broker egress: leaders send RF-1 copies and brokers serve each consumer group once: W x (RF-1+groups) / B;
 * - broker inter-region egress: the RF-1 copies plus remote consumer fetches leave the region;
 *   these three are per-broker work, so encryption (CPU per byte on the broker or its sidecar) scales them;
 * - narrowest link: cross-region bytes spread over the regions x (regions-1) directed links;
 * - replication (window or fetch size): produce spreads evenly over the P partitions, W / P each, and each copy of a
 *   partition is fetched on one connection, so the connection with the most partitions (n) saturates first: per
 *   connection the fetcher sends one fetch at a time, each costing a round trip plus the time the WAN socket needs to
 *   move the answer at window / RTT (at most the per-flow cap and its share of the link); the ceiling is P x (that / n).
 */
export function estimateCapacity(c: CapacityInputs): CapacityEstimate {
  const brokers = c.regions * c.brokersPerRegion;
  const copies = crossRegionReplicaCopies(c.replicationFactor, c.regions);
  const remoteShare = c.regions > 1 ? (c.regions - 1) / c.regions : 0;
  const consumeRemote = c.followerFetching ? 0 : c.consumerGroups * remoteShare;
  const wireToProduce = c.compressionRatio;
  const ratio = c.encryption?.throughputRatio ?? 1;
  const encrypted = (name: string) => (c.encryption ? `${name} under ${c.encryption.name}` : name);
  const encryptionNote = c.encryption ? `; x ${ratio.toFixed(3)} for ${c.encryption.name} (${c.encryption.basis})` : "";
  const limits: CapacityLimit[] = [];

  limits.push({
    name: encrypted("broker disks"),
    produceBytesPerSecond: ((brokers * c.brokerDiskWriteBytesPerSecond) / c.replicationFactor) * wireToProduce * ratio,
    detail: `${brokers} brokers x ${fmt(c.brokerDiskWriteBytesPerSecond)} write each; every byte is written ${c.replicationFactor} times${encryptionNote}`,
  });
  const egressPerWireByte = copies + c.consumerGroups;
  if (egressPerWireByte > 0) {
    limits.push({
      name: encrypted("broker NIC egress"),
      produceBytesPerSecond: ((brokers * c.brokerEgressBytesPerSecond) / egressPerWireByte) * wireToProduce * ratio,
      detail: `${brokers} brokers x ${fmt(c.brokerEgressBytesPerSecond)}; each byte leaves brokers ${egressPerWireByte} times (${copies} replica copies + ${c.consumerGroups} consumer groups)${encryptionNote}`,
    });
  }
  const interRegionPerWireByte = copies + consumeRemote;
  if (interRegionPerWireByte > 0) {
    limits.push({
      name: encrypted("broker inter-region egress"),
      produceBytesPerSecond: ((brokers * c.brokerInterRegionEgressBytesPerSecond) / interRegionPerWireByte) * wireToProduce * ratio,
      detail: `${brokers} brokers x ${fmt(c.brokerInterRegionEgressBytesPerSecond)} to other regions; each byte leaves its region ${interRegionPerWireByte.toFixed(2)} times${encryptionNote}`,
    });
  }
  const crossRegionPerWireByte = copies + c.producerCrossRegionFraction + consumeRemote;
  if (c.regions > 1 && crossRegionPerWireByte > 0) {
    const directedLinks = c.regions * (c.regions - 1);
    limits.push({
      name: "inter-region links",
      produceBytesPerSecond: ((directedLinks * c.narrowestLinkBytesPerSecond) / crossRegionPerWireByte) * wireToProduce,
      detail: `${directedLinks} directed links, the narrowest ${fmt(c.narrowestLinkBytesPerSecond)}`,
    });
  }
  if (copies > 0) limits.push(...replicationLimits(c, copies));
  const bottleneck = limits.reduce((min, l) => (l.produceBytesPerSecond < min.produceBytesPerSecond ? l : min));
  return {
    ceilingProduceBytesPerSecond: bottleneck.produceBytesPerSecond,
    bottleneck,
    limits,
    utilization: c.configuredProduceBytesPerSecond / bottleneck.produceBytesPerSecond,
  };
}

/**
 * Replication per connection: one fetch per round trip, each answer moved at the rate of the socket that crosses the
 * WAN (its window over the RTT, at most the per-flow rate and the connection's share of the narrowest link). The limit
 * is named for the term that dominates: the window when moving an answer takes longer than the round trip, else the
 * fetch size.
 */
function replicationLimits(c: CapacityInputs, copies: number): CapacityLimit[] {
  const spread = partitionSpread(c, copies);
  const n = spread.mostPerConnection;
  const path = c.replicationPath;
  const socket =
    path.wanSocket === "kafka"
      ? "Kafka's own socket crosses the WAN"
      : `Envoy's upstream socket crosses the WAN (one per Kafka connection; Kafka's socket ends at its sidecar on loopback; Envoy's ${path.proxyBufferLimitBytes ?? "default"} B per-connection buffer limit only pauses reads while a write buffer is full, it is not a window)`;
  const where =
    `${c.partitions} partitions, at most ${spread.mostLedPerBroker} led by one broker, ${spread.mostPerFollowerRegion} of them ` +
    `fetched by one other region over ${spread.connectionsPerLeaderAndRegion} connections: at most ${n} on one`;
  // The connections that cross one directed link share it: each broker of a region fetches from each broker of
  // another over num.replica.fetchers connections. A connection moves a fetch at most at its share of the link.
  const connectionsPerDirectedLink = c.brokersPerRegion * c.brokersPerRegion * c.replicaFetchers;
  const linkShare = c.narrowestLinkBytesPerSecond / connectionsPerDirectedLink;
  const perConnection = Math.min(connectionBytesPerSecond(path.windowBytes, c.worstRttMs, c.perFlowBytesPerSecond), linkShare);
  const perFetchBytes = Math.min(c.replicaFetchResponseMaxBytes, n * c.replicaFetchMaxBytes);
  const transferMs = (perFetchBytes / perConnection) * 1000;
  // Per partition a connection gets its rate / n, which never grows with n: the fullest connection binds.
  const fetched = fetchBytesPerSecond(n, c.replicaFetchMaxBytes, c.replicaFetchResponseMaxBytes, c.worstRttMs, perConnection);
  const windowBound = transferMs >= c.worstRttMs;
  return [
    {
      name: windowBound ? "replication window" : "replica fetch size",
      produceBytesPerSecond: ((c.partitions * fetched) / n) * c.compressionRatio,
      detail:
        `${socket}: ${path.windowOrigin}; each connection moves ${fmt(perConnection)} (the least of ${path.windowBytes} B / ${c.worstRttMs} ms, the per-flow cap ${fmt(c.perFlowBytesPerSecond)} and its share of the narrowest link, ${fmt(linkShare)} over ${connectionsPerDirectedLink} connections); ` +
        `one fetch at a time of at most min(replica.fetch.response.max.bytes ${c.replicaFetchResponseMaxBytes}, partitions x replica.fetch.max.bytes ${c.replicaFetchMaxBytes}) = ${perFetchBytes} B, ` +
        `each costing the ${c.worstRttMs} ms round trip plus ${transferMs.toFixed(1)} ms to move it: ${fmt(fetched)} per connection; ${where}`,
    },
  ];
}
