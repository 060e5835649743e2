// Renders a cost estimate (and the capacity ceiling beside it): the preview log summary, a pull-request
// markdown table, and the JSON shape of `npm run cost -- --json` and the `costEstimate` stack output.
import type { CapacityEstimate } from "./capacity";
import { CostEstimate, HOURS_PER_MONTH } from "./cost";
import type { PriceUse } from "./cost-from-spec";

const MB = 1e6;

/** Dollars with precision that fits the magnitude: $1,234.56, $0.0421, $0.00000123. */
export function usd(value: number): string {
  if (value === 0) return "$0";
  const abs = Math.abs(value);
  if (abs >= 100) return `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  if (abs >= 0.01) return `$${value.toFixed(4).replace(/0{1,2}$/, "")}`;
  return `$${value.toPrecision(3)}`;
}

function mbps(bytesPerSecond: number): string {
  return `${(bytesPerSecond / MB).toFixed(bytesPerSecond >= 100 * MB ? 0 : 1)} MB/s`;
}

const LABELS: Record<string, string> = {
  compute: "compute (nodes)",
  storage: "storage (disks, IOPS)",
  controlPlane: "control planes",
  gateways: "NAT gateways",
  replicationTransfer: "replication across regions",
  produceTransfer: "produce to remote leaders",
  consumeTransfer: "consume from remote leaders",
  interZoneTransfer: "clients across zones",
};

/** The JSON shape of the estimate: the documented keys, breakdown in $/h. */
export function estimateJson(estimate: CostEstimate) {
  return {
    fixedUsdPerHour: estimate.fixedUsdPerHour,
    variableUsdPerHour: estimate.variableUsdPerHour,
    totalUsdPerHour: estimate.totalUsdPerHour,
    totalUsdPerMonth: estimate.totalUsdPerMonth,
    usdPerMessage: estimate.usdPerMessage,
    usdPerGiB: estimate.usdPerGiB,
    breakdown: { ...estimate.breakdown },
    ...(estimate.unpriced ? { unpriced: [...estimate.unpriced] } : {}),
  };
}

/** The `costEstimate` stack output: the estimate, the capacity ceiling, and the prices it used. */
export function costEstimateOutput(estimate: CostEstimate, capacity?: CapacityEstimate, prices: readonly PriceUse[] = []) {
  return {
    ...estimateJson(estimate),
    usdPerMillionMessages: estimate.usdPerMessage * 1e6,
    flowsBytesPerSecond: { ...estimate.flows },
    ...(capacity
      ? {
          capacity: {
            ceilingProduceBytesPerSecond: capacity.ceilingProduceBytesPerSecond,
            bottleneck: capacity.bottleneck.name,
            utilization: capacity.utilization,
          },
        }
      : {}),
    prices: prices.map((p) => ({ ...p })),
  };
}

/** The summary `pulumi preview` logs: a handful of lines a reviewer reads in CI output. */
export function renderSummary(stack: string, estimate: CostEstimate, capacity?: CapacityEstimate): string {
  const b = estimate.breakdown;
  const fixed = ["compute", "storage", "controlPlane", "gateways"].filter((k) => b[k as keyof typeof b] !== undefined);
  const variable = ["replicationTransfer", "produceTransfer", "consumeTransfer", "interZoneTransfer"].filter(
    (k) => b[k as keyof typeof b] !== undefined,
  );
  const part = (keys: string[]) => keys.map((k) => `${LABELS[k]} ${usd(b[k as keyof typeof b]!)}`).join(", ");
  const lines = [
    `cost estimate for stack ${stack}: ${usd(estimate.totalUsdPerHour)}/h = ${usd(estimate.totalUsdPerMonth)}/month; ${usd(estimate.usdPerMessage * 1e6)} per million messages, ${usd(estimate.usdPerGiB)} per GiB produced`,
    `  fixed ${usd(estimate.fixedUsdPerHour)}/h: ${part(fixed)}`,
    `  variable ${usd(estimate.variableUsdPerHour)}/h: ${part(variable)}`,
  ];
  if (estimate.unpriced) lines.push(`  not priced (left out of the totals): ${estimate.unpriced.join("; ")}`);
  if (capacity) {
    lines.push(
      `  capacity: ceiling ${mbps(capacity.ceilingProduceBytesPerSecond)} produced (bottleneck: ${capacity.bottleneck.name}); configured traffic uses ${(capacity.utilization * 100).toFixed(0)}%`,
    );
  }
  return lines.join("\n");
}

/** A table for a pull-request comment. */
export function renderMarkdown(
  stack: string,
  estimate: CostEstimate,
  capacity?: CapacityEstimate,
  prices: readonly PriceUse[] = [],
): string {
  // Hours per month as the estimate counted them (a total of zero, all unpriced, has no ratio to take).
  const hoursPerMonth = estimate.totalUsdPerHour > 0 ? estimate.totalUsdPerMonth / estimate.totalUsdPerHour : HOURS_PER_MONTH;
  const rows = Object.entries(estimate.breakdown).map(([k, v]) => `| ${LABELS[k] ?? k} | ${usd(v)} | ${usd(v * hoursPerMonth)} |`);
  const out = [
    `### Cost estimate: stack \`${stack}\``,
    "",
    "| item | $/hour | $/month |",
    "| --- | ---: | ---: |",
    ...rows,
    `| **fixed** | **${usd(estimate.fixedUsdPerHour)}** | **${usd(estimate.fixedUsdPerHour * hoursPerMonth)}** |`,
    `| **variable** | **${usd(estimate.variableUsdPerHour)}** | **${usd(estimate.variableUsdPerHour * hoursPerMonth)}** |`,
    `| **total** | **${usd(estimate.totalUsdPerHour)}** | **${usd(estimate.totalUsdPerMonth)}** |`,
    "",
    `Per million messages: **${usd(estimate.usdPerMessage * 1e6)}**; per GiB produced: **${usd(estimate.usdPerGiB)}**.`,
  ];
  if (estimate.unpriced) out.push("", "Not priced, left out of the totals:", "", ...estimate.unpriced.map((u) => `- ${u}`));
  if (capacity) {
    out.push(
      "",
      `Throughput ceiling: **${mbps(capacity.ceilingProduceBytesPerSecond)}** produced, bottleneck **${capacity.bottleneck.name}** (${capacity.bottleneck.detail}); the configured traffic uses ${(capacity.utilization * 100).toFixed(0)}% of it.`,
      "",
      "| limit | ceiling (produced) | why |",
      "| --- | ---: | --- |",
      ...capacity.limits.map((l) => `| ${l.name} | ${mbps(l.produceBytesPerSecond)} | ${l.detail} |`),
    );
  }
  if (prices.length > 0) {
    out.push("", "<details><summary>Prices used</summary>", "", "| item | price | source | as of |", "| --- | ---: | --- | --- |");
    for (const p of prices) out.push(`| ${p.item} | ${p.usd} ${p.unit} | ${p.source} | ${p.asOf ?? ""} |`);
    out.push("", "</details>");
  }
  return out.join("\n");
}
