// The capacity model: the produce rate (uncompressed bytes/s) at which each part of the deployment saturates,
// and which part saturates first. Every limit is a ceiling on the same quantity so they compare directly.

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
  /** Submariner: the one active gateway per cluster carries all cross-region bytes; its egress, bytes/s. */
  meshGatewayEgressBytesPerSecond?: number;
  /** Bandwidth of the narrowest inter-region link, bytes/s, per direction. */
  narrowestLinkBytesPerSecond: number;
  /** Replication connections: the socket buffer, the RTT of the worst path, and the per-flow rate there. */
  socketBufferBytes: number;
  worstRttMs: number;
  perFlowBytesPerSecond: number;
  /** Kafka's num.replica.fetchers: connections from a follower broker to each leader broker. */
  replicaFetchers: number;
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
 * Ceilings, each as a produce rate. With W = produce / compressionRatio bytes on the wire and B brokers:
 * - disks: every replica is written, so each broker writes W x RF / B;
 * - broker egress: leaders send RF-1 copies and brokers serve each consumer group once: W x (RF-1+groups) / B;
 * - broker inter-region egress: the RF-1 copies plus remote consumer fetches leave the region;
 * - mesh gateway (Submariner): one active gateway per cluster carries all of its cluster's cross-region bytes;
 * - narrowest link: cross-region bytes spread over the regions x (regions-1) directed links;
 * - replication window: a region's leaders (W / regions) replicate to each other region over
 *   brokersPerRegion^2 x fetchers connections, each at most window / RTT.
 */
export function estimateCapacity(c: CapacityInputs): CapacityEstimate {
  const brokers = c.regions * c.brokersPerRegion;
  const copies = Math.max(0, Math.min(c.replicationFactor, c.regions) - 1);
  const remoteShare = c.regions > 1 ? (c.regions - 1) / c.regions : 0;
  const consumeRemote = c.followerFetching ? 0 : c.consumerGroups * remoteShare;
  const wireToProduce = c.compressionRatio;
  const limits: CapacityLimit[] = [];

  limits.push({
    name: "broker disks",
    produceBytesPerSecond: ((brokers * c.brokerDiskWriteBytesPerSecond) / c.replicationFactor) * wireToProduce,
    detail: `${brokers} brokers x ${fmt(c.brokerDiskWriteBytesPerSecond)} write each; every byte is written ${c.replicationFactor} times`,
  });
  const egressPerWireByte = copies + c.consumerGroups;
  if (egressPerWireByte > 0) {
    limits.push({
      name: "broker NIC egress",
      produceBytesPerSecond: ((brokers * c.brokerEgressBytesPerSecond) / egressPerWireByte) * wireToProduce,
      detail: `${brokers} brokers x ${fmt(c.brokerEgressBytesPerSecond)}; each byte leaves brokers ${egressPerWireByte} times (${copies} replica copies + ${c.consumerGroups} consumer groups)`,
    });
  }
  const interRegionPerWireByte = copies + consumeRemote;
  if (interRegionPerWireByte > 0) {
    limits.push({
      name: "broker inter-region egress",
      produceBytesPerSecond: ((brokers * c.brokerInterRegionEgressBytesPerSecond) / interRegionPerWireByte) * wireToProduce,
      detail: `${brokers} brokers x ${fmt(c.brokerInterRegionEgressBytesPerSecond)} to other regions; each byte leaves its region ${interRegionPerWireByte.toFixed(2)} times`,
    });
  }
  const crossRegionPerWireByte = copies + c.producerCrossRegionFraction + consumeRemote;
  if (c.meshGatewayEgressBytesPerSecond !== undefined && crossRegionPerWireByte > 0) {
    limits.push({
      name: "mesh gateway",
      produceBytesPerSecond: ((c.regions * c.meshGatewayEgressBytesPerSecond) / crossRegionPerWireByte) * wireToProduce,
      detail: `one active Submariner gateway per cluster at ${fmt(c.meshGatewayEgressBytesPerSecond)} carries ${crossRegionPerWireByte.toFixed(2)} cross-region bytes per byte produced`,
    });
  }
  if (c.regions > 1 && crossRegionPerWireByte > 0) {
    const directedLinks = c.regions * (c.regions - 1);
    limits.push({
      name: "inter-region links",
      produceBytesPerSecond: ((directedLinks * c.narrowestLinkBytesPerSecond) / crossRegionPerWireByte) * wireToProduce,
      detail: `${directedLinks} directed links, the narrowest ${fmt(c.narrowestLinkBytesPerSecond)}`,
    });
  }
  if (copies > 0) {
    const perConnection = connectionBytesPerSecond(c.socketBufferBytes, c.worstRttMs, c.perFlowBytesPerSecond);
    const connections = c.brokersPerRegion * c.brokersPerRegion * c.replicaFetchers;
    limits.push({
      name: "replication window",
      produceBytesPerSecond: c.regions * connections * perConnection * wireToProduce,
      detail: `${connections} fetch connections per region pair, each ${fmt(perConnection)} (${c.socketBufferBytes} B window / ${c.worstRttMs} ms, per-flow cap ${fmt(c.perFlowBytesPerSecond)})`,
    });
  }
  const bottleneck = limits.reduce((min, l) => (l.produceBytesPerSecond < min.produceBytesPerSecond ? l : min));
  return {
    ceilingProduceBytesPerSecond: bottleneck.produceBytesPerSecond,
    bottleneck,
    limits,
    utilization: c.configuredProduceBytesPerSecond / bottleneck.produceBytesPerSecond,
  };
}
