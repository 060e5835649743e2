// Capacity-model inputs from a validated stack: disk and VM limits from lib/capacity-data.ts, machine shapes
// from the price catalog, links and buffers from the stack's own plan, and the data path its mesh gives Kafka.
import { CapacityInputs, EncryptionCost, ReplicationPath } from "./capacity";
import {
  AUTOTUNED_WINDOW_SHARE,
  DISK_THROUGHPUT,
  ENVOY_PER_CONNECTION_BUFFER_LIMIT_BYTES,
  BenchmarkedPlatform,
  KAFKA_ENCRYPTION_BENCHMARK,
  VM_LIMITS,
} from "./capacity-data";
import type { StackSpec } from "./config/spec";
import { REPLICA_FETCHERS, replicaFetchBytes } from "./kafka/properties";
import { machineTypeShape } from "./prices";
import { SocketBufferPlan, wanSocket } from "./socket-buffers";
import { flowBytesPerSecond, worstPaths } from "./topology";
import { profileOf } from "./cloud";
import type { Mesh } from "./types";

const MIB = 2 ** 20;
const GBIT = 1e9 / 8;

/** The replication path of a mesh: the socket-buffer plan's WAN socket, described for the report. */
export function replicationPath(mesh: Mesh, buffers: SocketBufferPlan): ReplicationPath {
  const socket = wanSocket(buffers, mesh);
  switch (socket.owner) {
    case "kafka":
      return {
        wanSocket: "kafka",
        windowBytes: socket.windowBytes,
        windowOrigin: `window = Kafka's socket buffer ${buffers.socketBufferBytes} B, granted under rmem_max ${buffers.coreMaxBytes} B`,
      };
    case "envoy":
      return {
        wanSocket: "envoy",
        windowBytes: socket.windowBytes,
        windowOrigin: `window = ${AUTOTUNED_WINDOW_SHARE.value} x tcp_rmem/tcp_wmem max ${buffers.tcpAutotuneMaxBytes} B (kernel autotuning, the rest is overhead)`,
        proxyBufferLimitBytes: ENVOY_PER_CONNECTION_BUFFER_LIMIT_BYTES.value,
      };
  }
}

/**
 * What encrypts the bytes in each mode (lib/kafka/properties listeners): Kafka's own TLS with Submariner, the sidecars'
 * STRICT mTLS with Istio, and the benchmark row that measured it.
 */
const ENCRYPTION_BY_MESH: Record<Mesh, { name: string; row: "kafkaTls" | "istioMtls" }> = {
  submariner: { name: "Kafka TLS", row: "kafkaTls" },
  istio: { name: "Istio mTLS", row: "istioMtls" },
};

/** The benchmark's own encrypted / plain per-broker throughput, on the same cloud. */
export function encryptionCost(cloud: BenchmarkedPlatform, mesh: Mesh): EncryptionCost {
  const run = KAFKA_ENCRYPTION_BENCHMARK[cloud];
  const { name, row } = ENCRYPTION_BY_MESH[mesh];
  return {
    name,
    throughputRatio: run[row].value / run.plain.value,
    basis: `Banzai Cloud Kafka-on-Istio benchmark, ${cloud.toUpperCase()}: ${run[row].value} / ${run.plain.value} MB/s per broker`,
  };
}

/**
 * io1 throughput is stepped (EBS provisioned-IOPS docs, see DISK_THROUGHPUT.io1 notes): up to 32,000 IOPS a volume
 * reaches 256 KiB x IOPS but at most 500 MiB/s; above that it grows by 16 KiB per IOPS, up to 1,000 MiB/s at 64,000.
 */
export function io1VolumeMiBps(iops: number, kiBpsPerIops: number): number {
  if (iops <= 32_000) return Math.min((iops * kiBpsPerIops) / 1024, 500);
  return Math.min((iops * 16) / 1024, 1000);
}

/** Sustained write throughput of one broker volume on its VM, bytes/s, or undefined when not modelled. */
export function brokerDiskWriteBytesPerSecond(spec: StackSpec): number | undefined {
  const model = DISK_THROUGHPUT[spec.kafka.disk.type as keyof typeof DISK_THROUGHPUT];
  const vm = VM_LIMITS[spec.nodePools.kafka.machineType];
  if (!model || !vm) return undefined;
  const { sizeGiB, iopsPerGiB } = spec.kafka.disk;
  let volumeMiBps = model.maxWriteMiBpsPerVolume.value;
  if (model.writeMiBpsPerGiB) volumeMiBps = Math.min(volumeMiBps, model.writeMiBpsPerGiB.value * sizeGiB);
  if (model.throughputKiBpsPerIops && iopsPerGiB !== undefined)
    volumeMiBps = Math.min(volumeMiBps, io1VolumeMiBps(iopsPerGiB * sizeGiB, model.throughputKiBpsPerIops.value));
  return Math.min(volumeMiBps, vm.diskWriteMiBps.value) * MIB;
}

export function capacityInputsFromSpec(spec: StackSpec, buffers: SocketBufferPlan): CapacityInputs | undefined {
  const kafkaShape = machineTypeShape(spec.cloud, spec.regions[0].name, spec.nodePools.kafka.machineType);
  const vm = VM_LIMITS[spec.nodePools.kafka.machineType];
  const disk = brokerDiskWriteBytesPerSecond(spec);
  // The encryption ratios were measured on some platforms only; elsewhere the model has no figure to apply.
  const benchmark = profileOf(spec.cloud).encryptionBenchmark;
  if (!kafkaShape || !vm || disk === undefined || benchmark === undefined) return undefined;
  const { byRtt } = worstPaths(spec.links);
  const sustainedEgressGbps = kafkaShape.baselineEgressGbps ?? kafkaShape.egressGbps;
  const fetch = replicaFetchBytes(buffers.socketBufferBytes);
  return {
    regions: spec.regions.length,
    brokersPerRegion: spec.kafka.brokersPerRegion,
    replicationFactor: spec.kafka.replicationFactor,
    consumerGroups: spec.traffic.consumerGroups,
    followerFetching: spec.traffic.followerFetching,
    producerCrossRegionFraction: spec.traffic.producerCrossRegionFraction,
    compressionRatio: spec.traffic.compressionRatio,
    brokerDiskWriteBytesPerSecond: disk,
    brokerEgressBytesPerSecond: sustainedEgressGbps * GBIT,
    brokerInterRegionEgressBytesPerSecond: Math.min(vm.interRegionEgressGbps.value, sustainedEgressGbps) * GBIT,
    narrowestLinkBytesPerSecond: Math.min(...spec.links.map((l) => l.bandwidthBytesPerSecond)),
    replicationPath: replicationPath(spec.mesh.mode, buffers),
    worstRttMs: byRtt.rttMs,
    perFlowBytesPerSecond: flowBytesPerSecond(byRtt),
    // The brokers' own settings (lib/kafka/properties), so the model fetches what the rendered brokers fetch.
    replicaFetchers: REPLICA_FETCHERS,
    replicaFetchMaxBytes: fetch.perPartition,
    replicaFetchResponseMaxBytes: fetch.perResponse,
    // The traffic model names no topic: it is taken to be one created with the default (num.partitions).
    partitions: spec.kafka.defaultPartitions,
    encryption: encryptionCost(benchmark, spec.mesh.mode),
    configuredProduceBytesPerSecond: spec.traffic.produceBytesPerSecond,
  };
}
