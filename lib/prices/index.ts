// Price look-up: the catalog of the stack's target (its profile's), with the stack's overrides taking precedence.
import type { Cloud } from "../types";
import type { PricesConfig } from "../config/schema";
import { profileOf } from "../cloud";
import type { CloudPriceCatalog, MachineTypeEntry, PriceEntry } from "./types";

export type { CloudPriceCatalog, MachineTypeEntry, PriceEntry } from "./types";

/** The target's catalog; undefined where prices come from the stack config only. */
export function catalogFor(cloud: Cloud): CloudPriceCatalog | undefined {
  return profileOf(cloud).priceCatalog;
}

/** A price as used: the number, and where it came from. */
export interface ResolvedPrice {
  usd: number;
  /** `stack config (geo-kafka:prices.…)` for overrides, else the catalog entry's source. */
  source: string;
  asOf?: string;
}

function fromCatalog(entry: PriceEntry): ResolvedPrice {
  return { usd: entry.usd, source: entry.source, asOf: entry.asOf };
}

function fromOverride(usd: number, key: string): ResolvedPrice {
  return { usd, source: `stack config (geo-kafka:prices.${key})` };
}

/** The catalog's description of a machine type in a region (falling back to any catalogued region for its shape). */
export function machineTypeShape(cloud: Cloud, region: string, machineType: string): MachineTypeEntry | undefined {
  const catalog = catalogFor(cloud);
  if (!catalog) return undefined;
  const inRegion = catalog.regions[region]?.machineTypes[machineType];
  if (inRegion) return inRegion;
  for (const prices of Object.values(catalog.regions)) {
    if (prices.machineTypes[machineType]) return prices.machineTypes[machineType];
  }
  return undefined;
}

/** On-demand $/hour of a machine type in a region, or undefined when neither catalog nor config has it. */
export function machineTypePrice(cloud: Cloud, region: string, machineType: string, overrides: PricesConfig): ResolvedPrice | undefined {
  const override = overrides.machineTypes[machineType];
  if (override !== undefined) return fromOverride(override, `machineTypes.${machineType}`);
  const entry = catalogFor(cloud)?.regions[region]?.machineTypes[machineType];
  return entry ? fromCatalog(entry) : undefined;
}

export interface DiskPrices {
  capacityPerGiBMonth: ResolvedPrice;
  iopsPerMonth?: ResolvedPrice;
}

const GIB_PER_GB = 1e9 / 2 ** 30;

/** Disk prices per GiB-month (GB-month catalog entries are converted) and per provisioned IOPS-month. */
export function diskPrices(cloud: Cloud, region: string, diskType: string, overrides: PricesConfig): DiskPrices | undefined {
  const entry = catalogFor(cloud)?.regions[region]?.disks[diskType];
  let capacity: ResolvedPrice | undefined;
  if (overrides.diskUsdPerGiBMonth !== undefined) {
    capacity = fromOverride(overrides.diskUsdPerGiBMonth, "diskUsdPerGiBMonth");
  } else if (entry) {
    const perGiB = entry.capacity.unit === "GB-month" ? entry.capacity.usd / GIB_PER_GB : entry.capacity.usd;
    capacity = { ...fromCatalog(entry.capacity), usd: perGiB };
  }
  if (!capacity) return undefined;
  let iops: ResolvedPrice | undefined;
  if (overrides.iopsUsdPerMonth !== undefined) iops = fromOverride(overrides.iopsUsdPerMonth, "iopsUsdPerMonth");
  else if (entry?.iops) iops = fromCatalog(entry.iops);
  return { capacityPerGiBMonth: capacity, iopsPerMonth: iops };
}

/** Converts a per-GB (10^9) catalog price to per-GiB (2^30); per-GiB prices pass through. */
export function perGiB(entry: PriceEntry): number {
  return entry.unit === "GB" ? entry.usd / GIB_PER_GB : entry.usd;
}
