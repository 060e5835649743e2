// `npm run lab:k8s -- --stack gke|eks [--json] [--keep] [--phases apply,upgrades]`
// Real API servers judge the plan's Kubernetes layer: one fresh kube-apiserver (with its own etcd) per region, every
// object of that region's cluster applied by server-side apply with strict field validation in the plan's dependency
// order, Helm releases rendered by the real helm, then the upgrade edits applied over the shipped plan. See
// docs/k8s-lab.md.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { K8sLabOptions, parseK8sLabArgs } from "../lib/k8s-lab/args";
import { ApplyItem, applyItems, applyOrder, managedPrometheusProviders, providerRegions } from "../lib/k8s-lab/objects";
import { ClusterReport, K8sLabReport, UpgradeReport, labChecks, renderReport, upgradeRecord } from "../lib/k8s-lab/report";
import { CLOUD_CRDS, LAB_KUBERNETES_VERSION, minimalCrd } from "../lib/k8s-lab/sources";
import { StackConfig, stackFileText, upgradeEdits } from "../lib/k8s-lab/upgrades";
import { SUPPORTED_KAFKA_VERSIONS } from "../lib/config/kafka-version";
import { profileOf } from "../lib/cloud";
import { CLOUDS, Cloud } from "../lib/types";
import { rawConfigFromMap, validateConfig } from "../lib/config/validate";
import type { Plan, PlanResource } from "../lib/plan";
import { errorsOf, formatProblems } from "../lib/problems";
import { ClusterApplier } from "./k8s-lab/apply";
import { binariesCurrent, readModules } from "./k8s-lab/build";
import { checkDestroyGuard } from "./k8s-lab/destroy-guard";
import { checkProviderDiffs } from "./k8s-lab/provider-diff";
import { ControlPlane, K8sRunState, STATE_FILE, loadState, pidAlive, saveState, startControlPlane, undoState } from "./k8s-lab/cluster";
import { KubeObject } from "../lib/k8s-lab/objects";
import { status } from "./k8s-lab/kube";
import { runStack, stackFilePath, toPlan } from "./run-stack";
import { readStackFile } from "./stack-file";
import { parse } from "yaml";

const started = Date.now();
let state: K8sRunState | undefined;
let keepRunning = false;
/** The control planes of a `--keep` run, for the closing message. */
let planesKept: ControlPlane[] = [];
let stopping = false;

function log(line: string): void {
  const t = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[${t}s] ${line}\n`);
}

function teardown(): void {
  if (!state || keepRunning) return;
  const failures = undoState(state);
  if (failures.length === 0) fs.rmSync(STATE_FILE, { force: true });
  else log(`cleanup could not undo: ${failures.join("; ")} (the next run retries from ${STATE_FILE})`);
  state = undefined;
}

function onSignal(signal: string, code: number): void {
  if (stopping) return;
  stopping = true;
  keepRunning = false;
  log(`${signal}: stopping the API servers`);
  teardown();
  process.exit(code);
}

function acquireState(runDir: string): K8sRunState {
  const previous = loadState();
  if (previous) {
    if (previous.pid !== process.pid && pidAlive(previous.pid))
      throw new Error(`another lab:k8s run (pid ${previous.pid}) is in progress: ${STATE_FILE}`);
    log(`removing what an earlier run left (${STATE_FILE})`);
    const failures = undoState(previous);
    if (failures.length > 0) throw new Error(`could not undo the earlier run: ${failures.join("; ")}`);
  }
  const s: K8sRunState = { pid: process.pid, runDir, processes: [], dataDirs: [] };
  saveState(s);
  return s;
}

/** The plan of a stack file (the shipped one, or an edited copy), with secrets shown: the objects must be whole. */
async function planOf(stack: string, configFile: string): Promise<Plan> {
  const result = await runStack({ stack, configFile });
  if (!result.ok) {
    const why = result.problems.length > 0 ? formatProblems(result.problems) : String(result.error);
    throw new Error(`the ${stack} plan of ${configFile} failed:\n${why}`);
  }
  return toPlan(stack, result.run, true);
}

interface ClusterPlan {
  order: Map<string, ApplyItem[]>;
  byName: Map<string, PlanResource>;
}

function clusterPlan(plan: Plan, regions: readonly string[]): ClusterPlan {
  const items = applyItems(plan.resources, regions);
  const order = new Map(
    regions.map((r) => [
      r,
      applyOrder(
        items.filter((i) => i.region === r),
        plan.resources,
      ),
    ]),
  );
  return { order, byName: new Map(plan.resources.map((r) => [r.name, r])) };
}

/** What a fresh cluster already has that the plan relies on: the cloud's managed-Prometheus CRDs, the ConfigMaps it patches. */
async function prepareCluster(
  applier: ClusterApplier,
  plan: Plan,
  regions: readonly string[],
  clientNamespaces: readonly string[],
): Promise<void> {
  const providers = providerRegions(plan.resources, regions);
  const managed = managedPrometheusProviders(plan.resources);
  if ([...managed].some((p) => providers.get(p) === applier.region))
    for (const c of CLOUD_CRDS)
      await applier.installCrd(minimalCrd(c) as KubeObject, {
        source: `${c.source} (cloud-provided; minimal schema: the real one is not available offline)`,
        minimal: true,
      });
  // Namespaces the plan puts objects into without creating them exist before `pulumi up`: the client namespaces
  // (docs/access.md: user Secrets go there; applications own those namespaces).
  const created = new Set(
    plan.resources
      .filter((r) => r.type === "kubernetes:core/v1:Namespace" && providers.get(r.provider ?? "") === applier.region)
      .map((r) => (r.inputs.metadata as { name?: string } | undefined)?.name),
  );
  const used = new Set(
    plan.resources
      .filter((r) => r.type.startsWith("kubernetes:") && providers.get(r.provider ?? "") === applier.region)
      .map((r) => (r.inputs.metadata as { namespace?: string } | undefined)?.namespace)
      .filter((ns): ns is string => typeof ns === "string"),
  );
  for (const ns of [...used].filter((n) => !created.has(n) && clientNamespaces.includes(n)))
    await applier.provideObject({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
  // A ConfigMap the plan patches exists before the plan runs: the cluster's own (GKE's addon manager creates
  // kube-system/kube-dns, EnsureExists), so the lab creates each such target empty, as a fresh cluster has it.
  for (const r of plan.resources) {
    if (r.type !== "kubernetes:core/v1:ConfigMapPatch" || providers.get(r.provider ?? "") !== applier.region) continue;
    const { name, namespace } = (r.inputs.metadata ?? {}) as { name?: string; namespace?: string };
    if (name === undefined) continue;
    await applier.provideObject({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name, namespace: namespace ?? "default", labels: { "addonmanager.kubernetes.io/mode": "EnsureExists" } },
    });
  }
}

async function runLab(options: K8sLabOptions, runDir: string): Promise<K8sLabReport> {
  const { stack } = options;
  const shippedFile = stackFilePath(stack);
  const read = readStackFile(shippedFile);
  if (!read.ok) throw new Error(`Pulumi.${stack}.yaml cannot be read:\n${formatProblems(read.problems)}`);
  const validated = validateConfig(rawConfigFromMap(read.file.config));
  if (!validated.ok) throw new Error(`Pulumi.${stack}.yaml is invalid:\n${formatProblems(errorsOf(validated.problems))}`);
  const regions = validated.spec.regions.map((r) => r.name);
  const modules = readModules();

  log(`planning ${stack} under mocks`);
  const plan = await planOf(stack, shippedFile);
  const shipped = clusterPlan(plan, regions);
  log("asking the pulumi-kubernetes provider (DiffConfig) whether a credential change replaces a Kubernetes provider");
  const providerDiffs = checkProviderDiffs(plan, runDir);
  log(`  ${providerDiffs.check.ok ? "ok" : "FAILED"}: ${providerDiffs.check.detail}`);
  log("running the plan's graph through the Pulumi engine: pulumi up, then pulumi destroy against the guard");
  const destroyGuard = checkDestroyGuard(plan, runDir);
  log(`  ${destroyGuard.check.ok ? "ok" : "FAILED"}: ${destroyGuard.check.detail}`);

  log(`starting ${regions.length} control planes (etcd + kube-apiserver ${LAB_KUBERNETES_VERSION}) on loopback`);
  state = acquireState(runDir);
  const s = state;
  const planes: ControlPlane[] = await Promise.all(
    regions.map((region, i) => startControlPlane(region, i, runDir, s, options.keep, (cp, p) => status(cp, p))),
  );
  planesKept = planes;
  log(`control planes ready: ${planes.map((p) => `${p.region} ${p.url}`).join(", ")}`);

  const appliers = planes.map((p) => new ClusterApplier(p.region, p, modules, path.join(runDir, p.region, "work")));
  const probes = await Promise.all(appliers.map((s) => s.strictnessProbe()));
  const strictness = { name: "strict validation", ok: probes.every((p) => p.ok), detail: probes.map((p) => p.detail).join("; ") };
  log("applying the shipped plan to each cluster (server-side apply, fieldValidation=Strict)");
  await Promise.all(
    appliers.map(async (applier) => {
      await prepareCluster(applier, plan, regions, validated.spec.kafka.clientNamespaces);
      await applier.applyAll(shipped.order.get(applier.region) ?? [], shipped.byName);
      log(
        `${applier.region}: ${applier.report.applied} accepted, ${applier.report.rejected.length} rejected, ${applier.report.notChecked.length} not checked`,
      );
    }),
  );
  const clusters: ClusterReport[] = appliers.map((s) => structuredClone(s.report));

  const upgrades: UpgradeReport[] = [];
  if (options.phases.includes("upgrades")) {
    const config = (parse(fs.readFileSync(shippedFile, "utf8")) as { config: StackConfig }).config;
    const versionsOf = (cloud: string) =>
      CLOUDS.includes(cloud as Cloud) ? profileOf(cloud as Cloud).kubernetesVersions?.versions.map((v) => v.version) : undefined;
    const defaultVersions = Object.fromEntries(
      CLOUDS.flatMap((cloud) => {
        const catalog = profileOf(cloud).kubernetesVersions;
        return catalog ? [[cloud, catalog.defaultVersion]] : [];
      }),
    );
    for (const edit of upgradeEdits(SUPPORTED_KAFKA_VERSIONS.default, versionsOf, defaultVersions)) {
      if (edit.appliesTo && !edit.appliesTo(config)) {
        log(`upgrade: ${edit.change}: not applicable to stack ${stack}`);
        continue;
      }
      const file = path.join(runDir, `upgrade-${edit.change.replace(/\W+/g, "-")}.yaml`);
      fs.writeFileSync(file, stackFileText(edit.apply(config)));
      log(`upgrade: ${edit.change} (${edit.describe(config)}; npm run plan -- --stack ${stack} --config ${file})`);
      let edited: ClusterPlan;
      try {
        edited = clusterPlan(await planOf(stack, file), regions);
      } catch (err) {
        upgrades.push({
          ...upgradeRecord(edit.change, edit.describe(config), []),
          handledBy: "nothing: the edited config does not plan",
          failed: [{ region: "-", kind: "plan", name: file, message: (err as Error).message }],
        });
        continue;
      }
      const forward = await Promise.all(appliers.map((s) => s.upgrade(edited.order.get(s.region) ?? [], edited.byName)));
      // Back to the shipped plan, so every edit starts from it (and the way back is an upgrade too).
      const back = await Promise.all(appliers.map((s) => s.upgrade(shipped.order.get(s.region) ?? [], shipped.byName)));
      for (const o of back)
        for (const list of [o.refused, o.failed, o.replaced]) for (const r of list) r.message = `(back to the shipped plan) ${r.message}`;
      const record = upgradeRecord(edit.change, edit.describe(config), [...forward, ...back]);
      upgrades.push(record);
      log(
        `  ${record.changed} changed, ${record.created} created, ${record.deleted} deleted; refused ${record.refused.length}; ${record.handledBy}`,
      );
    }
  }

  const wallSeconds = Math.round((Date.now() - started) / 1000);
  const checks = [strictness, providerDiffs.check, destroyGuard.check, ...labChecks(clusters, upgrades)];
  return {
    stack,
    kubernetesVersion: LAB_KUBERNETES_VERSION,
    clusters,
    upgrades,
    checks,
    wallSeconds,
    providerDiffs: providerDiffs.answers,
    destroyGuard: destroyGuard.runs,
  };
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseK8sLabArgs(argv);
  if (!parsed.ok) {
    (parsed.help ? process.stdout : process.stderr).write(`${parsed.message}\n`);
    return parsed.help ? 0 : 2;
  }
  const options = parsed.options;
  const stale = binariesCurrent();
  if (stale) {
    process.stderr.write(`lab:k8s: ${stale}; run npm run lab:k8s:build first\n`);
    return 1;
  }
  process.on("SIGINT", () => onSignal("SIGINT", 130));
  process.on("SIGTERM", () => onSignal("SIGTERM", 143));
  process.on("SIGHUP", () => onSignal("SIGHUP", 129));
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `geo-kafka-lab-k8s-${options.stack}-`));
  keepRunning = options.keep;
  try {
    const report = await runLab(options, runDir);
    fs.writeFileSync(path.join(runDir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
    if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(`${renderReport(report)}\n`);
    log(`run directory: ${runDir} (API server and etcd logs, rendered charts, report.json)`);
    if (options.keep && state)
      log(
        `kept running (at most 4 hours): ${planesKept.map((p) => `${p.region} ${p.url}`).join(", ")}; bearer tokens in ` +
          `${runDir}/<region>/tokens.csv, CA in ${runDir}/<region>/ca.crt; the next npm run lab:k8s stops them (${STATE_FILE})`,
      );
    return report.checks.every((c) => c.ok) ? 0 : 1;
  } finally {
    teardown();
  }
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    keepRunning = false;
    teardown();
    process.stderr.write(`lab:k8s: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
