// Capacity-model inputs from a validated stack: disk and VM limits from lib/capacity-data.ts, machine shapes
// from the price catalog, links and buffers from the stack's own plan.
import { CapacityInputs } from "./capacity";
import { DISK_THROUGHPUT, VM_LIMITS } from "./capacity-data";
import { StackSpec } from "./config/validate";
import { REPLICA_FETCHERS } from "./kafka/properties";
import { machineTypeShape } from "./prices";
import { SocketBufferPlan } from "./socket-buffers";
import { flowBytesPerSecond, worstPaths } from "./topology";

const MIB = 2 ** 20;
const GBIT = 1e9 / 8;

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
  if (!kafkaShape || !vm || disk === undefined) return undefined;
  const { byRtt } = worstPaths(spec.links);
  const sustainedEgressGbps = kafkaShape.baselineEgressGbps ?? kafkaShape.egressGbps;
  let gateway: number | undefined;
  if (spec.mesh.mode === "submariner") {
    const gw = machineTypeShape(spec.cloud, spec.regions[0].name, spec.nodePools.system.machineType);
    if (gw) gateway = (gw.baselineEgressGbps ?? gw.egressGbps) * GBIT;
  }
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
    ...(gateway !== undefined ? { meshGatewayEgressBytesPerSecond: gateway } : {}),
    narrowestLinkBytesPerSecond: Math.min(...spec.links.map((l) => l.bandwidthBytesPerSecond)),
    socketBufferBytes: buffers.socketBufferBytes,
    worstRttMs: byRtt.rttMs,
    perFlowBytesPerSecond: flowBytesPerSecond(byRtt),
    // The brokers' own setting (lib/kafka/properties), which also raises replica.fetch.response.max.bytes to the buffer.
    replicaFetchers: REPLICA_FETCHERS,
    configuredProduceBytesPerSecond: spec.traffic.produceBytesPerSecond,
  };
}
