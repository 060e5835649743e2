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

export function costInputsFromSpec(spec: StackSpec): StackCostInputs {
  // Targets without a catalog (existing clusters) are priced from the stack config alone; what has no price is
  // listed in `unpriced` instead. Validation makes every catalog target's price exist.
  const catalog = catalogFor(spec.cloud);
  const prices: PriceUse[] = [];
  const unpriced: string[] = [];
  const use = (item: string, price: ResolvedPrice, unit: string): number => {
    prices.push({ item, usd: price.usd, unit, source: price.source, ...(price.asOf ? { asOf: price.asOf } : {}) });
    return price.usd;
  };
  const fromCatalogOrOverride = (
    override: number | undefined,
    key: string,
    entry: { usd: number; source: string; asOf: string } | undefined,
    usd = entry?.usd,
  ): ResolvedPrice | undefined =>
    override !== undefined
      ? { usd: override, source: `stack config (geo-kafka:prices.${key})` }
      : entry && usd !== undefined
        ? { usd, source: entry.source, asOf: entry.asOf }
        : undefined;

  const inputs: CostInputs = { hoursPerMonth: HOURS_PER_MONTH, nodes: [], disks: [], traffic: undefined as never };
  const { kafka, nodePools } = spec;
  for (const region of spec.regions) {
    for (const pool of ["kafka", "system"] as const) {
      const { machineType, countPerRegion } = nodePools[pool];
      const price = machineTypePrice(spec.cloud, region.name, machineType, spec.prices);
      if (!price) {
        unpriced.push(
          `${countPerRegion} ${pool} node(s) ${machineType} in ${region.name} (geo-kafka:prices.machineTypes["${machineType}"])`,
        );
        continue;
      }
      inputs.nodes.push({
        label: `${region.name} ${pool} ${machineType}`,
        count: countPerRegion,
        usdPerHour: use(`${machineType} (${region.name})`, price, "$/h"),
      });
    }
    const disk = diskPrices(spec.cloud, region.name, kafka.disk.type, spec.prices);
    if (!disk) {
      unpriced.push(
        `${kafka.brokersPerRegion} x ${kafka.disk.sizeGiB} GiB broker and ${kafka.controllersPerRegion} x ${kafka.controllerDiskSizeGiB} GiB controller volumes in ${region.name} (geo-kafka:prices.diskUsdPerGiBMonth)`,
      );
      continue;
    }
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
  // Control planes and NAT gateways are counted where the stack creates them (a catalog target) or the config prices them.
  const controlPlane = fromCatalogOrOverride(spec.prices.controlPlaneUsdPerHour, "controlPlaneUsdPerHour", catalog?.controlPlane);
  if (controlPlane) {
    inputs.controlPlanes = {
      label: profile.costLabels.controlPlane,
      count: regions,
      usdPerHour: use("control plane per cluster", controlPlane, "$/h"),
    };
  }
  const nat = fromCatalogOrOverride(spec.prices.natUsdPerHour, "natUsdPerHour", catalog?.natHour);
  if (nat) {
    inputs.gateways = { label: profile.costLabels.natGateway, count: regions, usdPerHour: use("NAT gateway per region", nat, "$/h") };
  }
  const interRegion = fromCatalogOrOverride(
    spec.prices.interRegionUsdPerGiB,
    "interRegionUsdPerGiB",
    catalog?.interRegion,
    catalog ? perGiB(catalog.interRegion) : undefined,
  );
  if (!interRegion) unpriced.push("inter-region transfer (geo-kafka:prices.interRegionUsdPerGiB)");
  const interZone = fromCatalogOrOverride(
    spec.prices.interZoneUsdPerGiB,
    "interZoneUsdPerGiB",
    catalog?.interZone,
    catalog ? perGiB(catalog.interZone) : undefined,
  );
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
    interRegionUsdPerGiB: interRegion ? use("inter-region transfer", interRegion, "$/GiB") : 0,
    ...(interZone ? { interZoneUsdPerGiB: use("inter-zone transfer", interZone, "$/GiB") } : {}),
    zonesPerRegion: Math.min(...spec.regions.map((r) => r.zones.length)),
  };
  if (unpriced.length > 0) inputs.unpriced = unpriced;
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
