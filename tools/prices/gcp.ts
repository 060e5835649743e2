// Readers of the GCP price sources: Cyclenerd's pricing.yml (GCE prices per region, generated from Google's Cloud
// Billing Catalog API) and the per-series SQL files of Cyclenerd/google-cloud-compute-machine-types, which transcribe
// the Compute Engine documentation's default per-VM egress bandwidth into `UPDATE ... WHERE name LIKE` rules.
import { parse } from "yaml";
import type { GeneratedDisk, GeneratedMachineType } from "../../lib/prices/generated";

/** GCP families kept in the catalog: the general-purpose and compute series people choose for Kafka brokers. */
export const GCP_FAMILIES = ["c3", "c3d", "c4", "e2", "n2", "n2d", "n4", "t2d"] as const;

/** The GCP disk types the cost model prices, keyed by pricing.yml's `compute.storage` name. */
const GCP_DISKS = { ssd: "pd-ssd" } as const;

interface PricingYml {
  about?: { generated?: string; timestamp?: number };
  compute?: {
    instance?: Record<string, { cost?: Record<string, { hour?: number }>; cpu?: number; ram?: number }>;
    storage?: Record<string, { cost?: Record<string, { month?: number }>; type?: string }>;
  };
}

/** One bandwidth rule of a series file: a SQL LIKE pattern on the machine type name and the Gbit/s it sets. */
export interface BandwidthRule {
  pattern: string;
  gbps: number;
}

/** SQL LIKE (`%` any run, `_` one character; case-insensitive, as SQLite compares ASCII) as a regular expression. */
export function likeToRegExp(pattern: string): RegExp {
  const body = pattern
    .split("")
    .map((c) => (c === "%" ? ".*" : c === "_" ? "." : c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, "i");
}

/**
 * The bandwidth rules of one series file, in file order. The build that reads these files runs the statements in
 * order, so for a name matched by several patterns the last one wins (e.g. `c3-%-4%` then `c3-%-44%`).
 */
export function parseBandwidthRules(sql: string): BandwidthRule[] {
  const withoutComments = sql.replace(/\/\*[\s\S]*?\*\//g, " ");
  const rules: BandwidthRule[] = [];
  const statement = /UPDATE\s+instances\s+SET\s+([\s\S]*?)\s+WHERE\s+name\s+LIKE\s+'([^']+)'/gi;
  for (const match of withoutComments.matchAll(statement)) {
    const bandwidth = /\bbandwidth\s*=\s*'(\d+(?:\.\d+)?)'/i.exec(match[1]);
    if (bandwidth) rules.push({ pattern: match[2], gbps: Number(bandwidth[1]) });
  }
  return rules;
}

/** The documented default egress ceiling of a machine type under a series' rules, or undefined when none matches. */
export function bandwidthFor(name: string, rules: readonly BandwidthRule[]): BandwidthRule | undefined {
  let found: BandwidthRule | undefined;
  for (const rule of rules) if (likeToRegExp(rule.pattern).test(name)) found = rule;
  return found;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** pricing.yml's own date (`about.generated`, e.g. "Thu Jul 30 06:13:17 2026") as YYYY-MM-DD. */
export function pricingYmlDate(doc: PricingYml): string {
  const generated = doc.about?.generated ?? "";
  const m = /^\w{3} (\w{3}) +(\d{1,2}) [\d:]+ (\d{4})$/.exec(generated.trim());
  if (!m || !MONTHS.includes(m[1])) throw new Error(`pricing.yml: about.generated is not a date: "${generated}"`);
  return `${m[3]}-${String(MONTHS.indexOf(m[1]) + 1).padStart(2, "0")}-${m[2].padStart(2, "0")}`;
}

export interface GcpRead {
  asOf: string;
  machineTypes: Record<string, GeneratedMachineType>;
  disks: Record<string, GeneratedDisk>;
}

/**
 * Reads pricing.yml and the series bandwidth rules: every machine type of the kept families, with its on-demand
 * $/hour in each region that prices it, its vCPUs and memory, and its egress ceiling. Throws on a kept type that no
 * bandwidth rule covers, rather than guessing.
 */
export function readGcp(pricingYml: string, rulesBySeries: Record<string, readonly BandwidthRule[]>): GcpRead {
  const doc = parse(pricingYml, { maxAliasCount: -1 }) as PricingYml;
  const instances = doc.compute?.instance ?? {};
  const machineTypes: Record<string, GeneratedMachineType> = {};
  const problems: string[] = [];
  for (const name of Object.keys(instances).sort()) {
    const family = GCP_FAMILIES.find((f) => name.startsWith(`${f}-`));
    if (!family) continue;
    const { cost, cpu, ram } = instances[name];
    const usdPerHour: Record<string, number> = {};
    for (const region of Object.keys(cost ?? {}).sort()) {
      const hour = cost![region].hour;
      if (typeof hour === "number" && hour > 0) usdPerHour[region] = hour;
    }
    if (Object.keys(usdPerHour).length === 0) continue;
    if (typeof cpu !== "number" || typeof ram !== "number") {
      problems.push(`${name}: no cpu/ram in pricing.yml`);
      continue;
    }
    const rule = bandwidthFor(name, rulesBySeries[family] ?? []);
    if (!rule) {
      problems.push(`${name}: no bandwidth rule in instances/series/${family}.sql`);
      continue;
    }
    machineTypes[name] = {
      vcpus: cpu,
      memoryGiB: ram,
      egressGbps: rule.gbps,
      bandwidthRule: `egressGbps = default per-VM egress of rule '${rule.pattern}' in instances/series/${family}.sql`,
      usdPerHour,
    };
  }
  if (problems.length > 0) throw new Error(`GCP sources incomplete:\n  ${problems.join("\n  ")}`);

  const disks: Record<string, GeneratedDisk> = {};
  for (const [key, diskType] of Object.entries(GCP_DISKS)) {
    const storage = doc.compute?.storage?.[key];
    if (storage?.type !== diskType) throw new Error(`pricing.yml: compute.storage.${key} is not ${diskType}`);
    const capacityUsd: Record<string, number> = {};
    for (const region of Object.keys(storage.cost ?? {}).sort()) {
      const month = storage.cost![region].month;
      if (typeof month === "number" && month > 0) capacityUsd[region] = month;
    }
    disks[diskType] = { capacityUnit: "GiB-month", capacityUsd };
  }
  return { asOf: pricingYmlDate(doc), machineTypes, disks };
}
