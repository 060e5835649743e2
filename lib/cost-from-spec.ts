// Builds the cost model's inputs from a validated stack: what the stack creates, priced from the catalog
// of its cloud with the stack's overrides, each price kept with its source.
import { profileOf } from "./cloud";
import { CostInputs, HOURS_PER_MONTH } from "./cost";
import { StackSpec } from "./config/spec";
import { ResolvedPrice, catalogFor, diskPrices, machineTypePrice, perGiB } from "./prices";

/** One price the estimate used, for the report's sources table. */
export interface PriceUse {
  item: string;
  usd: number;
  unit: string;
  source: string;
  asOf?: string;
}

export interface StackCostInputs {
  inputs: CostInputs;
  prices: PriceUse[];
}

/** Messages per second: given, or produced bytes over the message size. */
export function messagesPerSecond(spec: StackSpec): number {
  return spec.traffic.messagesPerSecond ?? spec.traffic.produceBytesPerSecond / spec.traffic.messageSizeBytes!;
}

function must<T>(value: T | undefined, what: string): T {
  // Validation guarantees every price exists; reaching this is a programming error.
  if (value === undefined) throw new Error(`no price for ${what}`);
  return value;
}

export function costInputsFromSpec(spec: StackSpec): StackCostInputs {
  const catalog = must(catalogFor(spec.cloud), `a price catalog for ${spec.cloud}`);
  const prices: PriceUse[] = [];
  const use = (item: string, price: ResolvedPrice, unit: string): number => {
    prices.push({ item, usd: price.usd, unit, source: price.source, ...(price.asOf ? { asOf: price.asOf } : {}) });
    return price.usd;
  };
  const fromCatalogOrOverride = (
    override: number | undefined,
    key: string,
    entry: { usd: number; source: string; asOf: string },
    usd = entry.usd,
  ): ResolvedPrice =>
    override !== undefined
      ? { usd: override, source: `stack config (geo-kafka:prices.${key})` }
      : { usd, source: entry.source, asOf: entry.asOf };

  const inputs: CostInputs = { hoursPerMonth: HOURS_PER_MONTH, nodes: [], disks: [], traffic: undefined as never };
  const { kafka, nodePools } = spec;
  for (const region of spec.regions) {
    for (const pool of ["kafka", "system"] as const) {
      const { machineType, countPerRegion } = nodePools[pool];
      const price = must(machineTypePrice(spec.cloud, region.name, machineType, spec.prices), `${machineType} in ${region.name}`);
      inputs.nodes.push({
        label: `${region.name} ${pool} ${machineType}`,
        count: countPerRegion,
        usdPerHour: use(`${machineType} (${region.name})`, price, "$/h"),
      });
    }
    const disk = must(diskPrices(spec.cloud, region.name, kafka.disk.type, spec.prices), `${kafka.disk.type} in ${region.name}`);
    const iopsFor = (sizeGiB: number) => (kafka.disk.iopsPerGiB !== undefined ? Math.round(kafka.disk.iopsPerGiB * sizeGiB) : undefined);
    const iops = iopsFor(kafka.disk.sizeGiB);
    const controllerIops = iopsFor(kafka.controllerDiskSizeGiB);
    inputs.disks.push({
      label: `${region.name} controller ${kafka.disk.type}`,
      count: kafka.controllersPerRegion,
      sizeGiB: kafka.controllerDiskSizeGiB,
      usdPerGiBMonth: disk.capacityPerGiBMonth.usd,
      ...(controllerIops !== undefined && disk.iopsPerMonth ? { iops: controllerIops, usdPerIopsMonth: disk.iopsPerMonth.usd } : {}),
    });
    inputs.disks.push({
      label: `${region.name} broker ${kafka.disk.type}`,
      count: kafka.brokersPerRegion,
      sizeGiB: kafka.disk.sizeGiB,
      usdPerGiBMonth: use(`${kafka.disk.type} capacity (${region.name})`, disk.capacityPerGiBMonth, "$/GiB-month"),
      ...(iops !== undefined && disk.iopsPerMonth
        ? { iops, usdPerIopsMonth: use(`${kafka.disk.type} IOPS (${region.name})`, disk.iopsPerMonth, "$/IOPS-month") }
        : {}),
    });
  }
  const regions = spec.regions.length;
  const profile = profileOf(spec.cloud);
  inputs.controlPlanes = {
    label: profile.costLabels.controlPlane,
    count: regions,
    usdPerHour: use(
      "control plane per cluster",
      fromCatalogOrOverride(spec.prices.controlPlaneUsdPerHour, "controlPlaneUsdPerHour", catalog.controlPlane),
      "$/h",
    ),
  };
  inputs.gateways = {
    label: profile.costLabels.natGateway,
    count: regions,
    usdPerHour: use("NAT gateway per region", fromCatalogOrOverride(spec.prices.natUsdPerHour, "natUsdPerHour", catalog.natHour), "$/h"),
  };
  const t = spec.traffic;
  inputs.traffic = {
    produceBytesPerSecond: t.produceBytesPerSecond,
    messagesPerSecond: messagesPerSecond(spec),
    replicationFactor: kafka.replicationFactor,
    regions,
    producerCrossRegionFraction: t.producerCrossRegionFraction,
    followerFetching: t.followerFetching,
    consumerGroups: t.consumerGroups,
    compressionRatio: t.compressionRatio,
    interRegionUsdPerGiB: use(
      "inter-region transfer",
      fromCatalogOrOverride(spec.prices.interRegionUsdPerGiB, "interRegionUsdPerGiB", catalog.interRegion, perGiB(catalog.interRegion)),
      "$/GiB",
    ),
    interZoneUsdPerGiB: use(
      "inter-zone transfer",
      fromCatalogOrOverride(spec.prices.interZoneUsdPerGiB, "interZoneUsdPerGiB", catalog.interZone, perGiB(catalog.interZone)),
      "$/GiB",
    ),
    zonesPerRegion: Math.min(...spec.regions.map((r) => r.zones.length)),
  };
  return { inputs, prices: dedupePrices(prices) };
}

function dedupePrices(prices: PriceUse[]): PriceUse[] {
  const seen = new Set<string>();
  return prices.filter((p) => {
    const key = `${p.item}|${p.usd}|${p.source}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
