// Applies one cluster's part of a plan to its API server as Pulumi would: plan objects by server-side apply, Helm
// releases rendered and applied in Helm's order, CRDs only from what the cluster's part installs, and an edited plan
// over the applied one (changed objects updated in place or replaced as the plan marks them, removed ones deleted).
import * as path from "node:path";
import { ApplyItem, HELM_RELEASE_TYPE, KubeObject, groupOf, isBuiltInGroup } from "../../lib/k8s-lab/objects";
import { ChartRecord, ClusterReport, CrdRecord, Rejection, UpgradeOutcome } from "../../lib/k8s-lab/report";
import { CRD_SOURCES } from "../../lib/k8s-lab/sources";
import { changedPaths, replacedBy } from "../../lib/k8s-lab/upgrades";
import type { PlanResource } from "../../lib/plan";
import { CHART_CRDS } from "../../lib/policy/rules";
import * as fs from "node:fs";
import { ModuleResult } from "./build";
import { ReleaseInputs, renderRelease } from "./helm";
import { Discovery, Endpoint, FIELD_MANAGER, apply, remove, waitEstablished } from "./kube";

/** Pulumi's annotation that sets how the provider deletes an object (children orphaned or not). */
const DELETION_POLICY_ANNOTATION = "pulumi.com/deletionPropagationPolicy";

export class ClusterApplier {
  readonly discovery: Discovery;
  readonly report: ClusterReport;
  /** What each plan resource put into the cluster (a release: all its rendered objects), as last applied. */
  private readonly applied = new Map<string, KubeObject[]>();
  /** API groups whose CRDs would come from a chart that could not be obtained: group -> reason. */
  private readonly uncheckedGroups = new Map<string, string>();

  constructor(
    readonly region: string,
    readonly ep: Endpoint,
    private readonly modules: Record<string, ModuleResult>,
    private readonly workDir: string,
  ) {
    this.discovery = new Discovery(ep);
    this.report = { region, applied: 0, rejected: [], notChecked: [], crds: [], charts: [], warnings: [] };
    fs.mkdirSync(workDir, { recursive: true });
  }

  /** A CRD the cloud or an operator's published manifests provide, applied before anything that needs it. */
  async installCrd(crd: KubeObject, record: Omit<CrdRecord, "name">): Promise<boolean> {
    const name = crd.metadata.name ?? "?";
    const outcome = await apply(this.ep, this.discovery, crd);
    if (!outcome.ok) {
      this.report.rejected.push({ kind: "CustomResourceDefinition", name, message: outcome.message, from: record.source });
      return false;
    }
    this.report.crds.push({ name, ...record });
    return waitEstablished(this.ep, name);
  }

  /**
   * Whether the server judges as the lab relies on: an unknown field and an invalid name must both be refused (dry
   * run). Returns the server's answers, or what it wrongly accepted.
   */
  async strictnessProbe(): Promise<{ ok: boolean; detail: string }> {
    const base = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "lab-probe", namespace: "default" }, data: {} };
    const unknownField = await apply(this.ep, this.discovery, { ...base, dataa: { x: "1" } }, { dryRun: true });
    const badName = await apply(
      this.ep,
      this.discovery,
      { ...base, metadata: { name: "Lab_Probe", namespace: "default" } },
      { dryRun: true },
    );
    const ok = !unknownField.ok && !badName.ok;
    return {
      ok,
      detail: `${this.region}: unknown field ${unknownField.ok ? "ACCEPTED" : `refused (${unknownField.message})`}; invalid name ${badName.ok ? "ACCEPTED" : `refused (${badName.message})`}`,
    };
  }

  /** A cloud-provided object a plan's Patch resource expects to exist (GKE's kube-dns ConfigMap). */
  async provideObject(o: KubeObject): Promise<void> {
    const outcome = await apply(this.ep, this.discovery, o, { manager: "cloud-provider" });
    if (!outcome.ok) throw new Error(`cannot create the cloud-provided ${o.kind} ${o.metadata.name}: ${outcome.message}`);
  }

  private reject(o: KubeObject, message: string, from: string): void {
    this.report.rejected.push({ kind: o.kind, name: qualified(o), message, from });
  }

  /** Applies one object, recording acceptance, rejection or why it could not be judged. */
  private async applyObject(o: KubeObject, from: string, manager?: string): Promise<boolean> {
    const group = groupOf(o.apiVersion);
    // A kind whose CRD would come from a chart that could not be obtained is not waited for: nothing will serve it.
    const outcome = await apply(this.ep, this.discovery, o, {
      ...(manager ? { manager } : {}),
      ...(this.uncheckedGroups.has(group) ? { waitForKindSeconds: 0 } : {}),
    });
    this.report.warnings.push(...outcome.warnings.map((w) => `${o.kind} ${qualified(o)}: ${w}`));
    if (outcome.ok) {
      this.report.applied++;
      if (o.kind === "CustomResourceDefinition") {
        this.report.crds.push({ name: o.metadata.name ?? "?", source: from });
        await waitEstablished(this.ep, o.metadata.name ?? "");
      }
      return true;
    }
    if (outcome.unknownKind && !isBuiltInGroup(group) && this.uncheckedGroups.has(group)) {
      this.report.notChecked.push({ kind: o.kind, name: qualified(o), reason: this.uncheckedGroups.get(group)! });
      return false;
    }
    this.reject(o, outcome.message, from);
    return false;
  }

  /** The objects of a release (or why it cannot be rendered), with the chart record filled in. */
  private async renderFor(item: ApplyItem, resource: PlanResource): Promise<{ record: ChartRecord; objects: KubeObject[] }> {
    const inputs = resource.inputs as unknown as ReleaseInputs;
    const record: ChartRecord = { release: item.resource, chart: inputs.chart, version: inputs.version, rendered: 0, applied: 0 };
    const rendered = renderRelease(inputs, item.resource, this.modules, path.join(this.workDir, "helm"));
    if (!rendered.ok) {
      if ("notChecked" in rendered) {
        record.notChecked = rendered.notChecked;
        for (const group of Object.keys(CHART_CRDS[inputs.chart]?.groups ?? {}))
          this.uncheckedGroups.set(
            group,
            `its CRD comes from chart ${inputs.chart} ${inputs.version}, not checked: ${rendered.notChecked}`,
          );
      } else {
        record.renderedFrom = rendered.renderedFrom;
        this.report.rejected.push({ kind: "HelmRelease", name: item.resource, message: rendered.error, from: item.resource });
      }
      return { record, objects: [] };
    }
    record.renderedFrom = rendered.renderedFrom;
    if (rendered.differsFromPinned) record.differsFromPinned = rendered.differsFromPinned;
    if (rendered.unknownValues) record.unknownValues = rendered.unknownValues;
    // Helm installs a chart's crds/ before its templates; CRDs in templates come first in its install order too.
    const objects = [...rendered.crds, ...rendered.objects];
    record.rendered = objects.length;
    return { record, objects };
  }

  /** Operators' published CRDs standing in for a chart that could not be obtained (lib/k8s-lab/sources.ts). */
  private async crdsInsteadOf(chart: string): Promise<void> {
    for (const source of CRD_SOURCES.filter((s) => s.installedByChart === chart)) {
      const m = this.modules[`${source.module}@${source.version}`];
      if (!m || !("dir" in m)) continue;
      const dir = path.join(m.dir, source.path);
      for (const file of fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".yaml"))
        .sort()) {
        const { parse } = await import("yaml");
        const crd = parse(fs.readFileSync(path.join(dir, file), "utf8")) as KubeObject;
        if (this.report.crds.some((c) => c.name === crd.metadata.name)) continue;
        await this.installCrd(crd, { source: source.source });
      }
      for (const group of Object.keys(CHART_CRDS[chart]?.groups ?? {})) this.uncheckedGroups.delete(group);
    }
  }

  /** The shipped plan, item by item in dependency order. */
  async applyAll(order: readonly ApplyItem[], byName: ReadonlyMap<string, PlanResource>): Promise<void> {
    for (const item of order) {
      if (item.type === HELM_RELEASE_TYPE) {
        const { record, objects } = await this.renderFor(item, byName.get(item.resource)!);
        for (const o of objects) if (await this.applyObject(o, item.resource)) record.applied++;
        this.report.charts.push(record);
        this.applied.set(item.resource, objects);
        if (record.notChecked) await this.crdsInsteadOf(record.chart);
      } else {
        const o = item.object!;
        if (await this.applyObject(o, item.resource, item.patch ? patchManager(item) : undefined)) this.applied.set(item.resource, [o]);
      }
    }
  }

  /**
   * An edited plan over what is applied, as `pulumi up` would carry it out: unchanged objects left alone, changed ones
   * applied in place, or deleted and created again where the plan marks a changed path replace-on-change (the server's
   * answer to the in-place change is asked first, as a dry run, to report what it refuses), and objects the new plan
   * no longer has deleted, dependents first.
   */
  async upgrade(order: readonly ApplyItem[], byName: ReadonlyMap<string, PlanResource>): Promise<UpgradeOutcome> {
    const out: UpgradeOutcome = { changed: 0, created: 0, deleted: 0, refused: [], replaced: [], failed: [] };
    const keep = new Set<string>();
    const previous = new Map(this.applied);
    for (const item of order) {
      let desired: KubeObject[];
      if (item.type === HELM_RELEASE_TYPE) {
        const { record, objects } = await this.renderFor(item, byName.get(item.resource)!);
        if (record.notChecked && !previous.has(item.resource)) await this.crdsInsteadOf(record.chart);
        desired = objects;
      } else desired = [item.object!];
      const before = previous.get(item.resource) ?? [];
      const now: KubeObject[] = [];
      for (const o of desired) {
        keep.add(`${item.resource}/${key(o)}`);
        const old = before.find((b) => key(b) === key(o));
        if (old && JSON.stringify(old) === JSON.stringify(o)) {
          now.push(o);
          continue;
        }
        // A custom resource whose CRD's chart could not be obtained was not judged at first either.
        if (!old && (await this.unchecked(o))) continue;
        if (old) out.changed++;
        else out.created++;
        // What the cluster holds after a refusal is the old object: the next plan is compared with that.
        if (await this.upgradeObject(o, old, item, out)) now.push(o);
        else if (old) now.push(old);
      }
      this.applied.set(item.resource, now);
    }
    // Deletions: everything applied before and not wanted now, in reverse order of application.
    const gone = [...previous.entries()].flatMap(([resource, objects]) =>
      objects.filter((o) => !keep.has(`${resource}/${key(o)}`)).map((o) => ({ resource, o })),
    );
    for (const { resource, o } of gone.reverse()) {
      // Helm keeps the CRDs of a chart's crds/ when a release goes; so does Pulumi for a release's CRDs.
      if (o.kind === "CustomResourceDefinition") continue;
      const outcome = await remove(this.ep, this.discovery, o, "Background");
      out.deleted++;
      if (!outcome.ok) out.failed.push({ region: this.region, kind: o.kind, name: qualified(o), message: `delete: ${outcome.message}` });
      const left = (this.applied.get(resource) ?? []).filter((x) => key(x) !== key(o));
      if (left.length > 0) this.applied.set(resource, left);
      else if (!order.some((i) => i.resource === resource)) this.applied.delete(resource);
    }
    return out;
  }

  private async unchecked(o: KubeObject): Promise<boolean> {
    const group = groupOf(o.apiVersion);
    return !isBuiltInGroup(group) && this.uncheckedGroups.has(group) && !(await this.discovery.resource(o.apiVersion, o.kind));
  }

  private async upgradeObject(o: KubeObject, old: KubeObject | undefined, item: ApplyItem, out: UpgradeOutcome): Promise<boolean> {
    const refusal = (message: string) => ({ region: this.region, kind: o.kind, name: qualified(o), message });
    const manager = item.patch ? patchManager(item) : FIELD_MANAGER;
    const replacing = old ? replacedBy(changedPaths(old, o), item.replaceOnChanges) : [];
    if (old && replacing.length > 0) {
      const dry = await apply(this.ep, this.discovery, o, { manager, dryRun: true });
      if (!dry.ok) out.refused.push(refusal(dry.message));
      const propagation =
        (old.metadata.annotations as Record<string, string> | undefined)?.[DELETION_POLICY_ANNOTATION] === "orphan"
          ? "Orphan"
          : "Background";
      const deleted = await remove(this.ep, this.discovery, old, propagation);
      const created = deleted.ok ? await apply(this.ep, this.discovery, o, { manager }) : deleted;
      if (created.ok) out.replaced.push({ ...refusal(dry.ok ? "" : dry.message), paths: replacing });
      else out.failed.push(refusal(`replace: ${created.message}`));
      return created.ok;
    }
    const outcome = await apply(this.ep, this.discovery, o, { manager });
    if (outcome.ok) {
      if (o.kind === "CustomResourceDefinition") await waitEstablished(this.ep, o.metadata.name ?? "");
      return true;
    }
    out.refused.push(refusal(outcome.message));
    out.failed.push(refusal(outcome.message));
    return false;
  }
}

function patchManager(item: ApplyItem): string {
  return `pulumi-patch-${item.resource}`.slice(0, 128);
}

function key(o: KubeObject): string {
  return `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;
}

export function qualified(o: KubeObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : String(o.metadata.name);
}

export type { Rejection };
