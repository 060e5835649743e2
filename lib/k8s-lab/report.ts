// The Kubernetes lab's results as data: per-cluster outcomes, chart and CRD records, upgrade results, and the checks
// CI counts. Pure, so the shaping and the pass/fail rules are tested.
import type { DestroyGuardRun } from "./destroy-guard";
import type { ProviderDiffAnswer } from "./provider-diff";
import Table from "cli-table3";
import type { LabCheck } from "../kafka-lab/report";

export type { LabCheck };

export interface Rejection {
  kind: string;
  name: string;
  /** The API server's own message (or Helm's, for a chart that does not render). */
  message: string;
  /** The plan resource (or Helm release) the object came from. */
  from: string;
}

export interface CrdRecord {
  /** `plural.group` */
  name: string;
  /** What installed it: a chart, an operator's published CRDs, a plan resource, or the cloud. */
  source: string;
  /** Set when only a minimal schema was available (the cloud's own CRD cannot be obtained offline). */
  minimal?: true;
}

export interface ChartRecord {
  release: string;
  chart: string;
  /** The version the plan pins. */
  version: string;
  /** Where the rendered templates came from (module and version), when rendered. */
  renderedFrom?: string;
  /** How the rendered source differs from the pinned release, when it is not exactly that release. */
  differsFromPinned?: string;
  rendered: number;
  applied: number;
  /** Value paths the chart's values.schema.json does not declare. */
  unknownValues?: string[];
  notChecked?: string;
}

export interface ClusterReport {
  region: string;
  applied: number;
  rejected: Rejection[];
  /** Custom resources that could not be judged because the chart that installs their CRD could not be obtained. */
  notChecked: Array<{ kind: string; name: string; reason: string }>;
  crds: CrdRecord[];
  charts: ChartRecord[];
  /** API server warnings (deprecations and the like), object by object. */
  warnings: string[];
}

export interface UpgradeReport {
  change: string;
  edit: string;
  /** Objects changed, created and deleted relative to the shipped plan, over all clusters. */
  changed: number;
  created: number;
  deleted: number;
  /** What the API server refused when the change was applied in place. */
  refused: Array<{ region: string; kind: string; name: string; message: string }>;
  /** How each refusal is handled (the plan's replace-on-change, or nothing). */
  handledBy: string;
  /** Objects still refused after the handling: a half-applied stack. */
  failed: Array<{ region: string; kind: string; name: string; message: string }>;
}

export interface Refusal {
  region: string;
  kind: string;
  name: string;
  message: string;
}

export interface UpgradeOutcome {
  changed: number;
  created: number;
  deleted: number;
  refused: Refusal[];
  replaced: Array<Refusal & { paths: string[] }>;
  failed: Refusal[];
}

/** One upgrade's record from the outcomes of every cluster (and both directions). */
export function upgradeRecord(change: string, edit: string, outcomes: UpgradeOutcome[]): UpgradeReport {
  const sum = (f: (o: UpgradeOutcome) => number) => outcomes.reduce((n, o) => n + f(o), 0);
  const refused = outcomes.flatMap((o) => o.refused);
  const replaced = outcomes.flatMap((o) => o.replaced);
  const failed = outcomes.flatMap((o) => o.failed);
  const paths = [...new Set(replaced.flatMap((r) => r.paths.map((p) => p.replace(/\[\d+\].*$/, ""))))];
  const handled: string[] = [];
  if (replaced.length > 0)
    handled.push(
      `replace on change (the plan's replaceOnChanges ${paths.join(", ")}): ${replaced.length} object(s) deleted and created again`,
    );
  if (failed.length > 0) handled.push(`nothing for ${failed.length} refused change(s): a half-applied stack`);
  const handledBy = handled.length > 0 ? handled.join("; ") : "in place";
  return {
    change,
    edit,
    changed: sum((o) => o.changed),
    created: sum((o) => o.created),
    deleted: sum((o) => o.deleted),
    refused,
    handledBy,
    failed,
  };
}

export interface K8sLabReport {
  stack: string;
  kubernetesVersion: string;
  clusters: ClusterReport[];
  upgrades: UpgradeReport[];
  checks: LabCheck[];
  wallSeconds: number;
  /** The pulumi-kubernetes provider's DiffConfig answers for the plan's providers (lib/k8s-lab/provider-diff.ts). */
  providerDiffs?: ProviderDiffAnswer[];
  /** The Pulumi engine's destroy of the plan's graph and of its control (lib/k8s-lab/destroy-guard.ts). */
  destroyGuard?: { shipped: DestroyGuardRun; control: DestroyGuardRun };
}

/** One check per cluster (everything accepted), per chart (rendered and applied, or why not), and per upgrade. */
export function labChecks(clusters: readonly ClusterReport[], upgrades: readonly UpgradeReport[]): LabCheck[] {
  const checks: LabCheck[] = [];
  for (const c of clusters) {
    checks.push({
      name: `apply ${c.region}`,
      ok: c.rejected.length === 0 && c.applied > 0,
      detail:
        c.rejected.length === 0
          ? `${c.applied} objects accepted${c.notChecked.length > 0 ? `, ${c.notChecked.length} not checked` : ""}`
          : `${c.rejected.length} rejected: ${c.rejected.map((r) => `${r.kind} ${r.name}: ${r.message}`).join("; ")}`,
    });
    for (const chart of c.charts) {
      if (chart.notChecked !== undefined) continue;
      const unknown = chart.unknownValues ?? [];
      checks.push({
        name: `chart ${c.region} ${chart.release}`,
        ok: chart.rendered > 0 && chart.applied === chart.rendered && unknown.length === 0,
        detail:
          `${chart.chart} ${chart.version}: ${chart.applied} of ${chart.rendered} rendered objects accepted` +
          (unknown.length > 0 ? `; values not in values.schema.json: ${unknown.join(", ")}` : ""),
      });
    }
  }
  for (const u of upgrades) {
    checks.push({
      name: `upgrade: ${u.change}`,
      ok: u.failed.length === 0,
      detail:
        `${u.edit}: ${u.changed} changed, ${u.created} created, ${u.deleted} deleted; ` +
        (u.refused.length === 0 ? "nothing refused" : `${u.refused.length} refused, handled by ${u.handledBy}`) +
        (u.failed.length > 0 ? `; still refused: ${u.failed.map((f) => `${f.region} ${f.kind} ${f.name}: ${f.message}`).join("; ")}` : ""),
    });
  }
  return checks;
}

/** The human summary: per cluster the counts and every rejection, then charts, upgrades and the checks. */
export function renderReport(report: K8sLabReport): string {
  const lines: string[] = [`Kubernetes ${report.kubernetesVersion}, stack ${report.stack}`];
  for (const a of report.providerDiffs ?? [])
    lines.push(`provider ${a.name}: ${a.error ?? `${a.changes}, replaces [${(a.replaces ?? []).join(", ")}]`}`);
  for (const c of report.clusters) {
    lines.push(
      `${c.region}: ${c.applied} accepted, ${c.rejected.length} rejected, ${c.notChecked.length} not checked, ${c.crds.length} CRDs`,
    );
    for (const r of c.rejected) lines.push(`  REJECTED ${r.kind} ${r.name} (${r.from}): ${r.message}`);
    for (const n of c.notChecked) lines.push(`  not checked ${n.kind} ${n.name}: ${n.reason}`);
    for (const ch of c.charts) {
      const what = ch.notChecked
        ? `not checked: ${ch.notChecked}`
        : `${ch.applied}/${ch.rendered} applied from ${ch.renderedFrom}${ch.differsFromPinned ? ` (${ch.differsFromPinned})` : ""}`;
      lines.push(`  chart ${ch.release} (${ch.chart} ${ch.version}): ${what}`);
    }
    for (const crd of c.crds.filter((d) => d.minimal)) lines.push(`  minimal CRD ${crd.name}: ${crd.source}`);
  }
  if (report.upgrades.length > 0) {
    const table = new Table({
      head: ["change", "refused", "handled by"],
      colWidths: [28, 60, 50],
      wordWrap: true,
      style: { head: [], border: [] },
    });
    for (const u of report.upgrades)
      table.push([u.change, u.refused.map((r) => `${r.region} ${r.kind} ${r.name}: ${r.message}`).join("\n") || "-", u.handledBy]);
    lines.push(table.toString());
  }
  const table = new Table({ head: ["check", "result", "detail"], colWidths: [40, 8, 90], wordWrap: true, style: { head: [], border: [] } });
  for (const c of report.checks)
    table.push([c.name, c.ok ? "ok" : "FAILED", c.detail.length > 600 ? `${c.detail.slice(0, 600)}...` : c.detail]);
  const failed = report.checks.filter((c) => !c.ok).length;
  lines.push(table.toString(), `${report.checks.length - failed} passed, ${failed} failed (${report.wallSeconds} s)`);
  return lines.join("\n");
}
