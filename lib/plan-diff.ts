// Compares two offline plans (plan.json): resources added, changed and removed, by region, and the cost delta.
import { GLOBAL_GROUP, Plan, PlanResource, regionOf } from "./plan";

export interface ChangedResource {
  type: string;
  name: string;
  /** Top-level input keys whose values differ. */
  keys: string[];
}

export interface RegionDiff {
  added: PlanResource[];
  removed: PlanResource[];
  changed: ChangedResource[];
}

export interface CostDelta {
  baseUsdPerMonth: number;
  headUsdPerMonth: number;
  deltaUsdPerMonth: number;
  baseUsdPerMillionMessages: number;
  headUsdPerMillionMessages: number;
}

export interface PlanDiff {
  regions: Map<string, RegionDiff>;
  cost?: CostDelta;
  counts: { added: number; removed: number; changed: number };
}

const key = (r: PlanResource) => `${r.type}::${r.name}`;

function regionNames(plan: Plan): string[] {
  const regions = plan.outputs.regions;
  return Array.isArray(regions) ? regions.map((r) => String((r as { name: unknown }).name)) : [];
}

function costOf(plan: Plan): { perMonth: number; perMessage: number } | undefined {
  const c = plan.outputs.costEstimate as { totalUsdPerMonth?: unknown; usdPerMessage?: unknown } | undefined;
  if (!c || typeof c.totalUsdPerMonth !== "number" || typeof c.usdPerMessage !== "number") return undefined;
  return { perMonth: c.totalUsdPerMonth, perMessage: c.usdPerMessage };
}

/** Stable JSON: object keys sorted, so key order never reads as a change. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

export function diffPlans(base: Plan, head: Plan): PlanDiff {
  const regions = [...new Set([...regionNames(head), ...regionNames(base)])];
  const baseByKey = new Map(base.resources.map((r) => [key(r), r]));
  const headByKey = new Map(head.resources.map((r) => [key(r), r]));
  const baseByName = new Map(base.resources.map((r) => [r.name, r]));
  const headByName = new Map(head.resources.map((r) => [r.name, r]));
  const out = new Map<string, RegionDiff>();
  const bucket = (region: string) => {
    if (!out.has(region)) out.set(region, { added: [], removed: [], changed: [] });
    return out.get(region)!;
  };
  for (const r of [...regions, GLOBAL_GROUP]) bucket(r);

  for (const r of head.resources) {
    const before = baseByKey.get(key(r));
    const region = regionOf(r, headByName, regions);
    if (!before) {
      bucket(region).added.push(r);
      continue;
    }
    const keys = [...new Set([...Object.keys(before.inputs), ...Object.keys(r.inputs)])]
      .filter((k) => canonical(before.inputs[k]) !== canonical(r.inputs[k]))
      .sort();
    if (before.parent !== r.parent) keys.push("(parent)");
    if (before.provider !== r.provider) keys.push("(provider)");
    // A pull request that lifts protection must say so in its diff (docs/durability.md).
    if ((before.protect ?? false) !== (r.protect ?? false)) keys.push("(protect)");
    if ((before.retainOnDelete ?? false) !== (r.retainOnDelete ?? false)) keys.push("(retainOnDelete)");
    if (keys.length > 0) bucket(region).changed.push({ type: r.type, name: r.name, keys });
  }
  for (const r of base.resources) {
    if (!headByKey.has(key(r))) bucket(regionOf(r, baseByName, regions)).removed.push(r);
  }
  for (const [name, diff] of out) if (diff.added.length + diff.removed.length + diff.changed.length === 0) out.delete(name);

  const b = costOf(base);
  const h = costOf(head);
  const counts = { added: 0, removed: 0, changed: 0 };
  for (const d of out.values()) {
    counts.added += d.added.length;
    counts.removed += d.removed.length;
    counts.changed += d.changed.length;
  }
  return {
    regions: out,
    counts,
    ...(b && h
      ? {
          cost: {
            baseUsdPerMonth: b.perMonth,
            headUsdPerMonth: h.perMonth,
            deltaUsdPerMonth: h.perMonth - b.perMonth,
            baseUsdPerMillionMessages: b.perMessage * 1e6,
            headUsdPerMillionMessages: h.perMessage * 1e6,
          },
        }
      : {}),
  };
}

function money(x: number): string {
  const sign = x < 0 ? "-" : "+";
  return `${sign}$${Math.abs(x).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Plain text for a terminal or a CI log. */
export function renderPlanDiff(diff: PlanDiff): string {
  const lines = [`plan diff: ${diff.counts.added} to add, ${diff.counts.changed} to change, ${diff.counts.removed} to remove`];
  for (const [region, d] of diff.regions) {
    lines.push("", `${region}:`);
    for (const r of d.added) lines.push(`  + ${r.type}  ${r.name}`);
    for (const r of d.changed) lines.push(`  ~ ${r.type}  ${r.name}  (${r.keys.join(", ")})`);
    for (const r of d.removed) lines.push(`  - ${r.type}  ${r.name}`);
  }
  if (diff.cost) {
    const c = diff.cost;
    lines.push(
      "",
      `cost: $${c.baseUsdPerMonth.toFixed(2)}/month -> $${c.headUsdPerMonth.toFixed(2)}/month (${money(c.deltaUsdPerMonth)}/month); per million messages $${c.baseUsdPerMillionMessages.toFixed(4)} -> $${c.headUsdPerMillionMessages.toFixed(4)}`,
    );
  }
  return lines.join("\n");
}

/** Markdown for a pull-request comment. */
export function renderPlanDiffMarkdown(diff: PlanDiff, title = "Plan diff"): string {
  const lines = [
    `### ${title}`,
    "",
    `**${diff.counts.added}** to add, **${diff.counts.changed}** to change, **${diff.counts.removed}** to remove.`,
  ];
  if (diff.regions.size > 0) {
    lines.push("", "| region | change | type | name | inputs |", "| --- | :---: | --- | --- | --- |");
    for (const [region, d] of diff.regions) {
      for (const r of d.added) lines.push(`| ${region} | + | \`${r.type}\` | ${r.name} | |`);
      for (const r of d.changed) lines.push(`| ${region} | ~ | \`${r.type}\` | ${r.name} | ${r.keys.join(", ")} |`);
      for (const r of d.removed) lines.push(`| ${region} | − | \`${r.type}\` | ${r.name} | |`);
    }
  }
  if (diff.cost) {
    const c = diff.cost;
    lines.push(
      "",
      `Cost: $${c.baseUsdPerMonth.toFixed(2)} → $${c.headUsdPerMonth.toFixed(2)} per month (**${money(c.deltaUsdPerMonth)}**); per million messages $${c.baseUsdPerMillionMessages.toFixed(4)} → $${c.headUsdPerMillionMessages.toFixed(4)}.`,
    );
  }
  return lines.join("\n");
}
