// Readers of the AWS price sources that are machine-readable and pinned: Karpenter's generated on-demand price maps
// (read from the AWS Pricing API by hack/code/prices_gen), ec2instances.info's all-region `instances.json` (built from
// the AWS Price List API), the Cluster Autoscaler's generated instance shapes, and
// the network bandwidth of instance types, from Karpenter's generated baseline table and its stored snapshot of the
// EC2 documentation's general-purpose network table (baseline / burst).
import type { GeneratedMachineType } from "../../lib/prices/generated";

/** AWS families kept in the catalog: general-purpose, memory-optimized and storage-optimized shapes used for Kafka. */
export const AWS_FAMILIES = ["i3en", "i4i", "m5", "m6g", "m6i", "m7i", "r5", "r6g", "r6i", "r7i"] as const;

export function awsFamilyOf(instanceType: string): string | undefined {
  return AWS_FAMILIES.find((f) => instanceType.startsWith(`${f}.`));
}

/** Karpenter's `zz_generated.pricing_*.go`: the date in its header and $/hour per region and instance type. */
export function parseKarpenterPrices(goSource: string): { asOf: string; regions: Record<string, Record<string, number>> } {
  const generatedAt = /^\/\/ generated at (\d{4}-\d{2}-\d{2})T/m.exec(goSource);
  if (!generatedAt) throw new Error("Karpenter price file: no '// generated at' line");
  const regions: Record<string, Record<string, number>> = {};
  let current: Record<string, number> | undefined;
  for (const line of goSource.split("\n")) {
    const region = /^\s*"([a-z]{2}(?:-gov)?-[a-z]+-\d+)":\s*\{\s*$/.exec(line);
    if (region) {
      current = regions[region[1]] = {};
      continue;
    }
    if (!current) continue;
    for (const entry of line.matchAll(/"([a-z0-9-]+\.[a-z0-9-]+)":\s*(\d+(?:\.\d+)?)/g)) current[entry[1]] = Number(entry[2]);
  }
  return { asOf: generatedAt[1], regions };
}

/** A region's code, as opposed to a Local Zone (`us-east-1-atl-1`) or Wavelength zone (`us-west-2-wl1-sea1`). */
const AWS_REGION = /^[a-z]{2}(?:-gov)?-[a-z]+-\d+$/;

/**
 * ec2instances.info's `instances.json`: on-demand Linux $/hour per region of the kept families' types. Local Zones and
 * Wavelength zones are left out (a cluster's nodes run in the region's own zones), as are prices that are not a
 * positive number (the file writes a type a region does not offer as absent or "N/A").
 */
export function parseEc2InstancesInfo(json: string): { regions: Record<string, Record<string, number>> } {
  const rows = JSON.parse(json) as Array<{ instance_type?: unknown; pricing?: Record<string, { linux?: { ondemand?: unknown } }> }>;
  if (!Array.isArray(rows)) throw new Error("instances.json: not a list of instance types");
  const regions: Record<string, Record<string, number>> = {};
  for (const row of rows) {
    const name = row.instance_type;
    if (typeof name !== "string" || !awsFamilyOf(name)) continue;
    for (const [region, prices] of Object.entries(row.pricing ?? {})) {
      if (!AWS_REGION.test(region)) continue;
      const usd = Number(prices.linux?.ondemand);
      if (Number.isFinite(usd) && usd > 0) (regions[region] ??= {})[name] = usd;
    }
  }
  return { regions };
}

/** The Cluster Autoscaler's `ec2_instance_types.go`: its StaticListLastUpdateTime and vCPUs / memory per type. */
export function parseAutoscalerShapes(goSource: string): { asOf: string; shapes: Record<string, { vcpus: number; memoryGiB: number }> } {
  const updated = /StaticListLastUpdateTime\s*=\s*"(\d{4}-\d{2}-\d{2})"/.exec(goSource);
  if (!updated) throw new Error("ec2_instance_types.go: no StaticListLastUpdateTime");
  const shapes: Record<string, { vcpus: number; memoryGiB: number }> = {};
  const block = /InstanceType:\s*"([^"]+)",\s*VCPU:\s*(\d+),\s*MemoryMb:\s*(\d+),/g;
  for (const m of goSource.matchAll(block)) shapes[m[1]] = { vcpus: Number(m[2]), memoryGiB: Number(m[3]) / 1024 };
  return { asOf: updated[1], shapes };
}

/** Karpenter's `zz_generated.bandwidth.go`: documented baseline bandwidth per instance type, Mbit/s. */
export function parseKarpenterBandwidth(goSource: string): Record<string, number> {
  const megabits: Record<string, number> = {};
  for (const m of goSource.matchAll(/^\s*"([a-z0-9-]+\.[a-z0-9-]+)":\s*(\d+),/gm)) megabits[m[1]] = Number(m[2]);
  return megabits;
}

/**
 * The "Network specifications" table of the EC2 docs' general-purpose page (`#gp_network`): per type, the baseline
 * and, for "up to" shapes, the burst bandwidth in Gbit/s ("0.75 / 10.0" or "25").
 */
export function parseDocsNetworkTable(html: string): Record<string, { baselineGbps: number; burstGbps?: number }> {
  const start = html.indexOf('id="gp_network"');
  if (start < 0) throw new Error("EC2 docs page: no #gp_network table");
  const table = html.slice(start, html.indexOf("</table>", start));
  const rows: Record<string, { baselineGbps: number; burstGbps?: number }> = {};
  const row =
    /<tr>\s*<td[^>]*>\s*([a-z0-9-]+\.[a-z0-9-]+)(?:\s*<sup>\d+<\/sup>)?\s*<\/td>\s*<td[^>]*>\s*([\d.]+)(?:\s*\/\s*([\d.]+))?\s*<\/td>/g;
  for (const m of table.matchAll(row)) {
    rows[m[1]] = { baselineGbps: Number(m[2]), ...(m[3] !== undefined ? { burstGbps: Number(m[3]) } : {}) };
  }
  return rows;
}

export interface AwsInputs {
  /**
   * Per price file: its source id and what it prices. The first file that prices a region is that region's one
   * source: a later file never adds to it or overrides it, so every price of a region has the same source and date.
   */
  prices: Array<{ id: string; regions: Record<string, Record<string, number>> }>;
  shapes: Record<string, { vcpus: number; memoryGiB: number }>;
  baselineMegabits: Record<string, number>;
  docsTable: Record<string, { baselineGbps: number; burstGbps?: number }>;
  ids: { shapes: string; baseline: string; docs: string };
}

export interface AwsRead {
  machineTypes: Record<string, GeneratedMachineType>;
  regionSources: Record<string, string>;
}

/**
 * Every instance type of the kept families that a price file prices, with its shape and egress figures. The egress
 * ceiling is the docs table's burst (or flat) figure where the table has the type, else the baseline (the table read
 * covers general-purpose types only): `baselineEgressGbps` is set only where it differs from the ceiling. Throws on a
 * priced type without a shape or a bandwidth figure, rather than guessing.
 */
export function readAws(inputs: AwsInputs): AwsRead {
  const machineTypes: Record<string, GeneratedMachineType> = {};
  const regionSources: Record<string, string> = {};
  const problems: string[] = [];
  for (const file of inputs.prices) {
    for (const region of Object.keys(file.regions).sort()) {
      if (regionSources[region] !== undefined) continue;
      regionSources[region] = file.id;
      for (const [name, usd] of Object.entries(file.regions[region])) {
        if (!awsFamilyOf(name) || !(usd > 0)) continue;
        const shape = inputs.shapes[name];
        if (!shape) {
          problems.push(`${name}: no shape in ${inputs.ids.shapes}`);
          continue;
        }
        let machine = machineTypes[name];
        if (!machine) {
          const docs = inputs.docsTable[name];
          const baseline = inputs.baselineMegabits[name];
          if (!docs && baseline === undefined) {
            problems.push(`${name}: no bandwidth in ${inputs.ids.docs} or ${inputs.ids.baseline}`);
            continue;
          }
          const egress = docs
            ? {
                ceiling: docs.burstGbps ?? docs.baselineGbps,
                baseline: docs.baselineGbps,
                rule: `baseline / burst from ${inputs.ids.docs}`,
              }
            : {
                ceiling: baseline! / 1000,
                baseline: baseline! / 1000,
                rule: `baseline from ${inputs.ids.baseline}; burst ceiling not in the sources read, so egressGbps is the baseline`,
              };
          machine = machineTypes[name] = {
            vcpus: shape.vcpus,
            memoryGiB: shape.memoryGiB,
            egressGbps: egress.ceiling,
            ...(egress.baseline !== egress.ceiling ? { baselineEgressGbps: egress.baseline } : {}),
            bandwidthRule: egress.rule,
            usdPerHour: {},
          };
        }
        machine.usdPerHour[region] = usd;
      }
    }
  }
  if (problems.length > 0) throw new Error(`AWS sources incomplete:\n  ${problems.join("\n  ")}`);
  const sorted: Record<string, GeneratedMachineType> = {};
  for (const name of Object.keys(machineTypes).sort()) {
    const m = machineTypes[name];
    sorted[name] = { ...m, usdPerHour: Object.fromEntries(Object.entries(m.usdPerHour).sort(([a], [b]) => a.localeCompare(b))) };
  }
  const sortedSources = Object.fromEntries(Object.entries(regionSources).sort(([a], [b]) => a.localeCompare(b)));
  return { machineTypes: sorted, regionSources: sortedSources };
}
