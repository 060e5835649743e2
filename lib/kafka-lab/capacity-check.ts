// The capacity model against real Kafka: which settings and round-trip times the Kafka lab's capacity phase measures,
// the model inputs that describe the lab's own setup (so estimateCapacity predicts exactly what the lab measures),
// and the comparison of the two.
//
// The lab's setup mirrors the model's assumptions on a small scale: two brokers, one in each of two regions joined by
// one emulated link; two topics of `partitionsPerDirection` partitions, one led by each broker and followed by the
// other (RF 2, leaders spread evenly over the regions, as the model assumes); a producer in each region writing to its
// own region's leader (no cross-region produce), no consumers. What the lab measures is the sum of both followers'
// replication rates; what the model predicts is the produce ceiling of that deployment.
import { CapacityInputs, estimateCapacity } from "../capacity";
import { KAFKA_DEFAULT_FETCH_RESPONSE_MAX_BYTES, KAFKA_DEFAULT_REPLICA_FETCH_MAX_BYTES } from "../kafka/properties";
import {
  KAFKA_DEFAULT_REPLICA_SOCKET_RECEIVE_BUFFER_BYTES,
  KAFKA_DEFAULT_SOCKET_RECEIVE_BUFFER_BYTES,
  KAFKA_DEFAULT_SOCKET_SEND_BUFFER_BYTES,
  grantedBufferBytes,
} from "../socket-buffers";

/** Round-trip times the phase sets on the link, ms. */
export const CAPACITY_RTTS_MS = [10, 30, 65] as const;
/** The small replica.fetch.max.bytes each setting is also measured with: one fetch per round trip then binds. */
export const SMALL_FETCH_MAX_BYTES = 65_536;
/** Partitions led by each broker (and followed by the other); a multiple of num.replica.fetchers. */
export const PARTITIONS_PER_DIRECTION = 8;
/** Record and producer batch sizes: batches well under the small fetch size, so a fetch returns whole batches. */
export const RECORD_BYTES = 1024;
export const BATCH_BYTES = 16_384;
/** The RTT at which the lab's own ceiling (CPU, disk, delay line) is measured, with no rate limit on the link. */
export const CEILING_RTT_MS = 1;
/** Total produce rates the ceiling measurement steps through, bytes/s, until the followers fall behind. */
export const CEILING_STEPS_BYTES_PER_SECOND = [16e6, 32e6] as const;
/**
 * The link's rate in the phase, Mbit/s: far above what the rows replicate, so that no row is bound by TCP's
 * congestion control on a full emulated link (measured: a saturated link carried 60-90% of its rate, depending on its
 * queue and segment offload, which no fixed factor predicts within 20%; the throughput phase checks the link share on
 * its own). The rows are then bound by what the model is about: windows, fetch sizes and round trips, and the lab's
 * own ceiling.
 */
export const CAPACITY_LINK_MBIT = 400;
/** Each producer writes this much over its direction's share of the prediction: enough to saturate what the model
 * predicts with room to show a prediction 20% low, without spending the CPU the replication needs. */
export const PRODUCE_OVER_PREDICTION = 1.3;

export type BufferSetting = "kafka-defaults" | "stack";

/** The broker settings that decide replication over the WAN, as a broker's properties hold them. */
export interface ReplicationSettings {
  socketSendBufferBytes: number;
  socketReceiveBufferBytes: number;
  replicaSocketReceiveBufferBytes: number;
  replicaFetchMaxBytes: number;
  replicaFetchResponseMaxBytes: number;
  replicaFetchers: number;
}

/** The property keys of ReplicationSettings, in the same order. */
export const REPLICATION_KEYS: Record<keyof ReplicationSettings, string> = {
  socketSendBufferBytes: "socket.send.buffer.bytes",
  socketReceiveBufferBytes: "socket.receive.buffer.bytes",
  replicaSocketReceiveBufferBytes: "replica.socket.receive.buffer.bytes",
  replicaFetchMaxBytes: "replica.fetch.max.bytes",
  replicaFetchResponseMaxBytes: "replica.fetch.response.max.bytes",
  replicaFetchers: "num.replica.fetchers",
};

/** Kafka's defaults for each key (what a broker runs when its file does not set it). */
export const KAFKA_REPLICATION_DEFAULTS: ReplicationSettings = {
  socketSendBufferBytes: KAFKA_DEFAULT_SOCKET_SEND_BUFFER_BYTES,
  socketReceiveBufferBytes: KAFKA_DEFAULT_SOCKET_RECEIVE_BUFFER_BYTES,
  replicaSocketReceiveBufferBytes: KAFKA_DEFAULT_REPLICA_SOCKET_RECEIVE_BUFFER_BYTES,
  replicaFetchMaxBytes: KAFKA_DEFAULT_REPLICA_FETCH_MAX_BYTES,
  replicaFetchResponseMaxBytes: KAFKA_DEFAULT_FETCH_RESPONSE_MAX_BYTES,
  replicaFetchers: 1,
};

/** What a broker runs with, read from its properties; a key it does not set has Kafka's default. */
export function replicationSettings(props: Readonly<Record<string, string>>): ReplicationSettings {
  const out = { ...KAFKA_REPLICATION_DEFAULTS };
  for (const [field, key] of Object.entries(REPLICATION_KEYS) as Array<[keyof ReplicationSettings, string]>) {
    const v = props[key];
    if (v === undefined) continue;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${key}=${v} is not a positive integer`);
    out[field] = n;
  }
  return out;
}

/** One broker configuration the phase measures at every RTT. */
export interface CapacityConfig {
  setting: BufferSetting;
  fetchMaxBytes: number;
  /** What the two brokers run with. */
  settings: ReplicationSettings;
}

/**
 * The four configurations: Kafka's default buffers and the stack's, each with the fetch size that setting renders
 * (Kafka's 1 MiB default, or the stack's) and with SMALL_FETCH_MAX_BYTES. The fetcher count is the stack's in all.
 */
export function capacityConfigs(stack: ReplicationSettings): CapacityConfig[] {
  const defaults: ReplicationSettings = { ...KAFKA_REPLICATION_DEFAULTS, replicaFetchers: stack.replicaFetchers };
  const out: CapacityConfig[] = [];
  for (const [setting, base] of [
    ["stack", stack],
    ["kafka-defaults", defaults],
  ] as const) {
    for (const fetchMaxBytes of [base.replicaFetchMaxBytes, SMALL_FETCH_MAX_BYTES]) {
      out.push({ setting, fetchMaxBytes, settings: { ...base, replicaFetchMaxBytes: fetchMaxBytes } });
    }
  }
  return out;
}

/** How a configuration changes a broker's properties: the keys it sets, and those it removes (Kafka's default then). */
export function propertyEdits(config: CapacityConfig, rendered: ReplicationSettings): { set: Record<string, string>; remove: string[] } {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const [field, key] of Object.entries(REPLICATION_KEYS) as Array<[keyof ReplicationSettings, string]>) {
    const want = config.settings[field];
    if (want === rendered[field]) continue;
    if (want === KAFKA_REPLICATION_DEFAULTS[field] && field !== "replicaFetchers") remove.push(key);
    else set[key] = String(want);
  }
  return { set, remove };
}

/** What the lab itself gives: its link, its kernel's rmem_max/wmem_max, and its measured ceiling. */
export interface LabCapacityFacts {
  /** The emulated link's rate, bytes/s per direction. */
  linkBytesPerSecond: number;
  /** net.core.rmem_max and wmem_max on the lab host (an explicit buffer is granted at most this). */
  coreMaxBytes: number;
  /** Replication the two brokers sustain together at CEILING_RTT_MS with no link limit: the lab's CPU and disk, bytes/s. */
  ceilingBytesPerSecond: number;
}

/**
 * The window of one replication connection: the follower's receive buffer and the leader's send buffer each bound the
 * bytes in flight, both as the kernel grants them under rmem_max/wmem_max.
 */
export function replicationWindowBytes(settings: ReplicationSettings, coreMaxBytes: number): number {
  return Math.min(
    grantedBufferBytes(settings.replicaSocketReceiveBufferBytes, coreMaxBytes),
    grantedBufferBytes(settings.socketSendBufferBytes, coreMaxBytes),
  );
}

/**
 * The model's inputs for the lab's setup. The lab's measured ceiling stands for both per-broker limits (each broker
 * writes every byte once, as leader or follower, and sends it once: disk and NIC ceilings of ceiling x 2 / 2); the
 * link for the inter-region links and the per-flow rate. No encryption term: the ceiling was measured with the same
 * listeners, so it already includes what TLS costs there.
 */
export function labCapacityInputs(config: CapacityConfig, rttMs: number, lab: LabCapacityFacts): CapacityInputs {
  const windowBytes = replicationWindowBytes(config.settings, lab.coreMaxBytes);
  return {
    regions: 2,
    brokersPerRegion: 1,
    replicationFactor: 2,
    consumerGroups: 0,
    followerFetching: true,
    producerCrossRegionFraction: 0,
    compressionRatio: 1,
    brokerDiskWriteBytesPerSecond: lab.ceilingBytesPerSecond,
    brokerEgressBytesPerSecond: lab.ceilingBytesPerSecond,
    brokerInterRegionEgressBytesPerSecond: lab.ceilingBytesPerSecond,
    narrowestLinkBytesPerSecond: lab.linkBytesPerSecond,
    replicationPath: {
      wanSocket: "kafka",
      windowBytes,
      windowOrigin: `window = min(replica.socket.receive.buffer.bytes ${config.settings.replicaSocketReceiveBufferBytes}, socket.send.buffer.bytes ${config.settings.socketSendBufferBytes}) B under rmem_max/wmem_max ${lab.coreMaxBytes} B`,
    },
    worstRttMs: rttMs,
    perFlowBytesPerSecond: lab.linkBytesPerSecond,
    replicaFetchers: config.settings.replicaFetchers,
    replicaFetchMaxBytes: config.fetchMaxBytes,
    replicaFetchResponseMaxBytes: config.settings.replicaFetchResponseMaxBytes,
    partitions: 2 * PARTITIONS_PER_DIRECTION,
    configuredProduceBytesPerSecond: 0,
  };
}

/** One row of figures.capacityCheck. */
export interface CapacityRow {
  rttMs: number;
  setting: BufferSetting;
  fetchMaxBytes: number;
  predictedBytesPerSecond: number;
  measuredBytesPerSecond: number | null;
  /** (predicted - measured) / measured; null when nothing was measured. */
  error: number | null;
  /** The model's binding limit for this row. */
  bottleneck: string;
  /** Why the measurement failed, where it did. */
  failure?: string;
}

export function capacityRow(
  config: CapacityConfig,
  rttMs: number,
  lab: LabCapacityFacts,
  measuredBytesPerSecond: number | null,
  failure?: string,
): CapacityRow {
  const estimate = estimateCapacity(labCapacityInputs(config, rttMs, lab));
  const predicted = Math.round(estimate.ceilingProduceBytesPerSecond);
  const measured = measuredBytesPerSecond === null ? null : Math.round(measuredBytesPerSecond);
  return {
    rttMs,
    setting: config.setting,
    fetchMaxBytes: config.fetchMaxBytes,
    predictedBytesPerSecond: predicted,
    measuredBytesPerSecond: measured,
    error: measured === null || measured <= 0 ? null : Math.round(((predicted - measured) / measured) * 1000) / 1000,
    bottleneck: estimate.bottleneck.name,
    ...(failure !== undefined ? { failure } : {}),
  };
}

/** The target: every row measured, each prediction within `tolerance` of its measurement. */
export function capacityRowsWithin(rows: readonly CapacityRow[], tolerance = 0.2): { ok: boolean; misses: CapacityRow[] } {
  const misses = rows.filter((r) => r.error === null || Math.abs(r.error) > tolerance);
  return { ok: rows.length > 0 && misses.length === 0, misses };
}

/** The assignment of a direction's topic: every partition led by `leader`, followed by `follower`. */
export function directionAssignment(leader: number, follower: number): string {
  return Array.from({ length: PARTITIONS_PER_DIRECTION }, () => `${leader},${follower}`).join(";");
}
