// The cost model: fixed $/h (nodes, disks, control planes, gateways) plus variable $/h (bytes that cross
// regions or zones), divided into $/message and $/GiB produced. Pure arithmetic over explicit prices.
import { crossRegionReplicaCopies } from "./kafka/topology";

export const HOURS_PER_MONTH = 730;
export const BYTES_PER_GIB = 2 ** 30;

export interface NodeLine {
  label?: string;
  count: number;
  usdPerHour: number;
}

export interface DiskLine {
  label?: string;
  count: number;
  sizeGiB: number;
  usdPerGiBMonth: number;
  /** Provisioned IOPS per disk (io1). */
  iops?: number;
  usdPerIopsMonth?: number;
}

export interface HourlyLine {
  label?: string;
  count: number;
  usdPerHour: number;
}

export interface TrafficInputs {
  /** Uncompressed bytes produced per second, all producers together. */
  produceBytesPerSecond: number;
  messagesPerSecond: number;
  replicationFactor: number;
  regions: number;
  /** Share of produced bytes sent to a leader in another region. */
  producerCrossRegionFraction: number;
  /** Consumers read a replica in their own region. */
  followerFetching: boolean;
  consumerGroups: number;
  /** Uncompressed / on-the-wire size: 4 means a quarter of the bytes cross the wire. */
  compressionRatio: number;
  interRegionUsdPerGiB: number;
  /** Price of bytes that cross zones inside a region; omitted: not counted. */
  interZoneUsdPerGiB?: number;
  /** Zones per region that clients and brokers spread over (for the share of in-region bytes crossing zones). */
  zonesPerRegion?: number;
}

export interface CostInputs {
  hoursPerMonth: number;
  nodes: NodeLine[];
  disks: DiskLine[];
  controlPlanes?: HourlyLine;
  /** NAT gateways billed by the hour. */
  gateways?: HourlyLine;
  traffic: TrafficInputs;
  /** What the deployment uses but no price covers (left out of every total), each saying which price would. */
  unpriced?: string[];
}

/** Every entry is US dollars per hour. `gateways` and `interZoneTransfer` appear only when priced. */
export interface CostBreakdown {
  compute: number;
  storage: number;
  controlPlane: number;
  replicationTransfer: number;
  produceTransfer: number;
  consumeTransfer: number;
  gateways?: number;
  interZoneTransfer?: number;
}

/** Bytes per second that the model bills, after compression. */
export interface TrafficFlows {
  wireBytesPerSecond: number;
  replicationCrossRegionBytesPerSecond: number;
  produceCrossRegionBytesPerSecond: number;
  consumeCrossRegionBytesPerSecond: number;
  interZoneBytesPerSecond: number;
}

export interface CostEstimate {
  fixedUsdPerHour: number;
  variableUsdPerHour: number;
  totalUsdPerHour: number;
  totalUsdPerMonth: number;
  usdPerMessage: number;
  usdPerGiB: number;
  breakdown: CostBreakdown;
  flows: TrafficFlows;
  /** Present when something could not be priced: the totals leave these out. */
  unpriced?: string[];
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** $/h of moving `bytesPerSecond` continuously at `usdPerGiB`. */
export function transferUsdPerHour(bytesPerSecond: number, usdPerGiB: number): number {
  return ((bytesPerSecond * 3600) / BYTES_PER_GIB) * usdPerGiB;
}

/**
 * Which bytes cross regions and zones.
 * - Replication: the leader's region keeps one replica; each other replica, one per region (rack = region),
 *   is a cross-region copy: min(RF, regions) - 1 copies of every byte.
 * - Produce: the share of producer bytes sent to a leader in another region.
 * - Consume: without follower fetching, a consumer reads the leader, which is in another region for
 *   (regions - 1) / regions of partitions when consumers and leaders spread evenly; with it, none.
 * - Inter-zone: in-region client traffic (local produce, local consumption) reaches a broker in another
 *   zone for (zones - 1) / zones of it.
 */
export function trafficFlows(t: TrafficInputs): TrafficFlows {
  const wire = t.produceBytesPerSecond / t.compressionRatio;
  const crossRegionCopies = crossRegionReplicaCopies(t.replicationFactor, t.regions);
  const remoteLeaderShare = t.regions > 1 ? (t.regions - 1) / t.regions : 0;
  const consumeRemoteShare = t.followerFetching ? 0 : remoteLeaderShare;
  const zones = t.zonesPerRegion ?? 1;
  const zoneShare = zones > 1 ? (zones - 1) / zones : 0;
  const localProduce = wire * (1 - t.producerCrossRegionFraction);
  const localConsume = wire * t.consumerGroups * (1 - consumeRemoteShare);
  return {
    wireBytesPerSecond: wire,
    replicationCrossRegionBytesPerSecond: wire * crossRegionCopies,
    produceCrossRegionBytesPerSecond: wire * t.producerCrossRegionFraction,
    consumeCrossRegionBytesPerSecond: wire * t.consumerGroups * consumeRemoteShare,
    interZoneBytesPerSecond: (localProduce + localConsume) * zoneShare,
  };
}

export function estimateCost(inputs: CostInputs): CostEstimate {
  const { traffic: t } = inputs;
  const flows = trafficFlows(t);
  const breakdown: CostBreakdown = {
    compute: sum(inputs.nodes.map((n) => n.count * n.usdPerHour)),
    storage: sum(
      inputs.disks.map((d) => (d.count * (d.sizeGiB * d.usdPerGiBMonth + (d.iops ?? 0) * (d.usdPerIopsMonth ?? 0))) / inputs.hoursPerMonth),
    ),
    controlPlane: inputs.controlPlanes ? inputs.controlPlanes.count * inputs.controlPlanes.usdPerHour : 0,
    replicationTransfer: transferUsdPerHour(flows.replicationCrossRegionBytesPerSecond, t.interRegionUsdPerGiB),
    produceTransfer: transferUsdPerHour(flows.produceCrossRegionBytesPerSecond, t.interRegionUsdPerGiB),
    consumeTransfer: transferUsdPerHour(flows.consumeCrossRegionBytesPerSecond, t.interRegionUsdPerGiB),
  };
  if (inputs.gateways) breakdown.gateways = inputs.gateways.count * inputs.gateways.usdPerHour;
  if (t.interZoneUsdPerGiB !== undefined)
    breakdown.interZoneTransfer = transferUsdPerHour(flows.interZoneBytesPerSecond, t.interZoneUsdPerGiB);

  const fixedUsdPerHour = breakdown.compute + breakdown.storage + breakdown.controlPlane + (breakdown.gateways ?? 0);
  const variableUsdPerHour =
    breakdown.replicationTransfer + breakdown.produceTransfer + breakdown.consumeTransfer + (breakdown.interZoneTransfer ?? 0);
  const totalUsdPerHour = fixedUsdPerHour + variableUsdPerHour;
  const producedGiBPerHour = (t.produceBytesPerSecond * 3600) / BYTES_PER_GIB;
  return {
    fixedUsdPerHour,
    variableUsdPerHour,
    totalUsdPerHour,
    totalUsdPerMonth: totalUsdPerHour * inputs.hoursPerMonth,
    usdPerMessage: totalUsdPerHour / (t.messagesPerSecond * 3600),
    usdPerGiB: totalUsdPerHour / producedGiBPerHour,
    breakdown,
    flows,
    ...(inputs.unpriced && inputs.unpriced.length > 0 ? { unpriced: [...inputs.unpriced] } : {}),
  };
}
