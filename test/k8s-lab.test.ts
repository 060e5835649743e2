// The Kubernetes lab's pure parts: options, which cluster gets which object and in what order, chart values against a
// values.schema.json, the upgrade edits and replace-on-change matching, and the checks CI counts.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseK8sLabArgs } from "../lib/k8s-lab/args";
import { destroyGuardCheck, parseDestroyGuardOutput, withoutOneGuardDependency } from "../lib/k8s-lab/destroy-guard";
import { answerPasses, providerDiffCases, providerDiffCheck, rotateKubeconfig } from "../lib/k8s-lab/provider-diff";
import { applyItems, applyOrder, apiOf, autoName, helmInstallOrder, managedPrometheusProviders, objectOf } from "../lib/k8s-lab/objects";
import { ClusterReport, UpgradeOutcome, UpgradeReport, labChecks, upgradeRecord } from "../lib/k8s-lab/report";
import { CHART_SOURCES, modulesToDownload } from "../lib/k8s-lab/sources";
import { changedPaths, doubledMachineType, nextPatch, replacedBy, stackFileText, upgradeEdits } from "../lib/k8s-lab/upgrades";
import { undeclaredValuePaths } from "../lib/k8s-lab/values-schema";
import { parseStackFile } from "../tools/stack-file";
import type { PlanResource } from "../lib/plan";
import { planStackOk, stackConfig, stackSpec } from "./helpers/harness";
import { toPlan } from "../tools/run-stack";

const res = (name: string, type: string, extra: Partial<PlanResource> = {}): PlanResource => ({
  type,
  name,
  parent: null,
  provider: null,
  inputs: {},
  dependsOn: [],
  ...extra,
});

describe("lab:k8s options", () => {
  it("defaults, phases and every problem at once", () => {
    expect(parseK8sLabArgs(["--stack", "gke"])).toEqual({
      ok: true,
      options: { stack: "gke", json: false, keep: false, phases: ["apply", "upgrades"] },
    });
    expect(parseK8sLabArgs(["--stack", "eks", "--json", "--phases", "upgrades"])).toMatchObject({
      ok: true,
      options: { json: true, phases: ["apply", "upgrades"] },
    });
    expect(parseK8sLabArgs(["--stack", "eks", "--phases", "apply"])).toMatchObject({ ok: true, options: { phases: ["apply"] } });
    const bad = parseK8sLabArgs(["--stack", "aks", "--phases", "apply,nope"]);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.message).toContain("--stack must be one of gke, eks");
      expect(bad.message).toContain('--phases takes a comma-separated list of apply, upgrades; got "apply,nope"');
    }
    expect(parseK8sLabArgs(["--stack", "gke", "--bogus"]).ok).toBe(false);
  });
});

describe("plan objects", () => {
  it("turns type tokens into apiVersion and kind, and Patch resources into their kind", () => {
    expect(apiOf("kubernetes:core/v1:Service")).toEqual({ apiVersion: "v1", kind: "Service" });
    expect(apiOf("kubernetes:apps/v1:StatefulSet")).toEqual({ apiVersion: "apps/v1", kind: "StatefulSet" });
    expect(apiOf("kubernetes:core/v1:ConfigMapPatch")).toEqual({ apiVersion: "v1", kind: "ConfigMap" });
    expect(apiOf("kubernetes:helm.sh/v3:Release")).toBeUndefined();
    expect(apiOf("kubernetes:yaml/v2:ConfigGroup")).toEqual({ apiVersion: "yaml/v2", kind: "ConfigGroup" });
    expect(apiOf("pulumi:providers:kubernetes")).toBeUndefined();
  });

  it("gives unnamed objects Pulumi's kind of auto-name and namespaced ones the default namespace", () => {
    const o = objectOf(res("kafka-x", "kubernetes:core/v1:ConfigMap", { inputs: { data: { a: "1" } } }))!;
    expect(o.metadata).toEqual({ name: autoName("kafka-x"), namespace: "default" });
    expect(autoName("kafka-x")).toMatch(/^kafka-x-[0-9a-f]{8}$/);
    expect(objectOf(res("ns", "kubernetes:core/v1:Namespace", { inputs: { metadata: { name: "kafka" } } }))!.metadata).toEqual({
      name: "kafka",
    });
  });

  it("assigns each object to its provider's region and refuses one with no region", () => {
    const resources = [
      res("p-us-east4-k8s", "pulumi:providers:kubernetes"),
      res("p-us-east4-2-k8s", "pulumi:providers:kubernetes"),
      res("a", "kubernetes:core/v1:Namespace", { provider: "p-us-east4-k8s" }),
      res("b", "kubernetes:core/v1:Namespace", { provider: "p-us-east4-2-k8s" }),
    ];
    // The longer region name wins: us-east4-2 is not us-east4.
    expect(applyItems(resources, ["us-east4", "us-east4-2"]).map((i) => [i.resource, i.region])).toEqual([
      ["a", "us-east4"],
      ["b", "us-east4-2"],
    ]);
    expect(() => applyItems([...resources, res("c", "kubernetes:core/v1:Namespace", { provider: null })], ["us-east4"])).toThrow(
      /c \(kubernetes:core\/v1:Namespace\): provider default is no region's cluster/,
    );
  });

  it("orders a cluster's objects by their dependencies, through components, keeping plan order otherwise", () => {
    const p = { provider: "k-r1" };
    const resources = [
      res("k-r1", "pulumi:providers:kubernetes"),
      res("sts", "kubernetes:apps/v1:StatefulSet", { ...p, dependsOn: ["comp"] }),
      res("comp", "geo-kafka:kafka:Thing"),
      res("cm", "kubernetes:core/v1:ConfigMap", { ...p, parent: "comp", dependsOn: ["ns"] }),
      res("ns", "kubernetes:core/v1:Namespace", p),
      res("other", "kubernetes:core/v1:Secret", { ...p, dependsOn: ["cloud-thing"] }),
      res("cloud-thing", "gcp:container/cluster:Cluster"),
    ];
    const items = applyItems(resources, ["r1"]);
    expect(applyOrder(items, resources).map((i) => i.resource)).toEqual(["ns", "cm", "sts", "other"]);
    const cyclic = resources.map((r) => (r.name === "ns" ? { ...r, dependsOn: ["sts"] } : r));
    expect(() => applyOrder(applyItems(cyclic, ["r1"]), cyclic)).toThrow(/dependency cycle among sts, cm, ns/);
  });

  it("sorts a chart's objects in Helm's install order", () => {
    const kinds = ["Deployment", "Foo", "Service", "ServiceAccount", "Namespace", "ClusterRole", "ValidatingWebhookConfiguration"];
    expect(helmInstallOrder(kinds.map((kind) => ({ kind }))).map((o) => o.kind)).toEqual([
      "Namespace",
      "ServiceAccount",
      "ClusterRole",
      "Service",
      "Deployment",
      "ValidatingWebhookConfiguration",
      "Foo",
    ]);
  });

  it("finds the clusters with GKE managed Prometheus through the provider's dependencies", () => {
    const resources = [
      res("c1", "gcp:container/cluster:Cluster", { inputs: { monitoringConfig: { managedPrometheus: { enabled: true } } } }),
      res("c2", "gcp:container/cluster:Cluster", { inputs: {} }),
      res("kc1", "random:index/x:X", { dependsOn: ["c1"] }),
      res("p1", "pulumi:providers:kubernetes", { dependsOn: ["kc1"] }),
      res("p2", "pulumi:providers:kubernetes", { dependsOn: ["c2"] }),
    ];
    expect([...managedPrometheusProviders(resources)]).toEqual(["p1"]);
  });

  it("covers every Kubernetes object of every shipped plan, each cluster in a dependency order", async () => {
    for (const stack of ["gke", "eks", "existing"]) {
      const { run } = await planStackOk(stack);
      const plan = toPlan(stack, run, true);
      const regions = stackSpec(stack).regions.map((r) => r.name);
      const items = applyItems(plan.resources, regions);
      // The plan records how Pulumi carries out a replacement (the io1 StorageClass goes before its successor).
      if (stack === "eks")
        expect(items.filter((i) => i.type === "kubernetes:storage.k8s.io/v1:StorageClass").map((i) => i.deleteBeforeReplace)).toEqual([
          true,
          true,
          true,
        ]);
      expect(items.length).toBe(plan.resources.filter((r) => r.type.startsWith("kubernetes:")).length);
      for (const region of regions) {
        const order = applyOrder(
          items.filter((i) => i.region === region),
          plan.resources,
        ).map((i) => i.resource);
        const at = new Map(order.map((n, i) => [n, i]));
        for (const name of order)
          for (const dep of plan.resources.find((r) => r.name === name)!.dependsOn ?? [])
            if (at.has(dep)) expect(at.get(dep)!, `${name} after ${dep}`).toBeLessThan(at.get(name)!);
      }
    }
  });
});

describe("chart values against values.schema.json", () => {
  const schema = {
    type: "object",
    additionalProperties: false,
    properties: {
      labels: { type: "object" },
      service: { type: "object", properties: { type: { type: "string" } } },
      ref: { $ref: "#/definitions/r" },
      open: { type: "object", additionalProperties: true, properties: { a: {} } },
    },
    definitions: { r: { type: "object", properties: { x: {} } } },
  };
  it("lists keys the schema does not declare, looking through $ref and stopping at open objects", () => {
    expect(
      undeclaredValuePaths(
        { labels: { any: "x" }, service: { type: "LB", tpye: "x" }, ref: { x: 1, y: 2 }, open: { z: 1 }, nope: 1 },
        schema,
      ),
    ).toEqual(["nope", "ref.y", "service.tpye"]);
    expect(undeclaredValuePaths({ labels: {}, service: { type: "x" } }, schema)).toEqual([]);
    expect(undeclaredValuePaths({ anything: 1 }, { type: "object" })).toEqual([]);
  });
});

describe("upgrade edits", () => {
  const versionsOf = (cloud: string) => (cloud === "eks" ? ["1.34", "1.35", "1.36"] : cloud === "gke" ? ["1.34", "1.35"] : undefined);
  const defaults = { eks: "1.35", gke: "1.35" };

  it("each edit changes only the keys it names of the shipped config and still plans as a stack file", () => {
    for (const stack of ["gke", "eks", "existing"]) {
      const config = stackConfig(stack);
      for (const edit of upgradeEdits("4.1.2", versionsOf, defaults)) {
        if (edit.appliesTo && !edit.appliesTo(config)) continue;
        const edited = edit.apply(config);
        const changed = Object.keys(edited).filter((k) => JSON.stringify(edited[k]) !== JSON.stringify(config[k]));
        expect(changed.length, edit.change).toBeGreaterThan(0);
        expect(
          edit.keys.map((k) => `geo-kafka:${k}`),
          edit.change,
        ).toEqual(expect.arrayContaining(changed));
        const parsed = parseStackFile(stackFileText(edited), "edited");
        expect(parsed.ok).toBe(true);
        // The edited file validates: each edit is a change a user can make.
        expect(() => stackSpec(stack, edited)).not.toThrow();
      }
      // The shipped config is left as it was.
      expect(config).toEqual(stackConfig(stack));
    }
  });

  it("applies the Kubernetes version edit where a later supported minor exists, and the machine type where it is a size", () => {
    const applies = (stack: string) =>
      upgradeEdits("4.1.2", versionsOf, defaults)
        .filter((e) => !e.appliesTo || e.appliesTo(stackConfig(stack)))
        .map((e) => e.change);
    expect(applies("eks")).toEqual(expect.arrayContaining(["Kubernetes version", "Kafka node machine type"]));
    expect(applies("gke")).not.toContain("Kubernetes version");
    expect(applies("existing")).not.toContain("Kafka node machine type");
    expect(applies("existing")).not.toContain("Kubernetes version");
    expect(doubledMachineType("n2-standard-16")).toBe("n2-standard-32");
    expect(doubledMachineType("r5.4xlarge")).toBe("r5.8xlarge");
    expect(doubledMachineType("m5.xlarge")).toBe("m5.2xlarge");
    expect(() => doubledMachineType("bare-metal-16c-128g")).toThrow(/no doubled size/);
  });

  it("computes the edited values", () => {
    const config = stackConfig("eks");
    const [disk, partitions, version, rtt, observability, broker, machine, kubernetes] = upgradeEdits("4.1.2", versionsOf, defaults).map(
      (e) => e.apply(config),
    );
    const pool = (c: Record<string, unknown>) =>
      (c["geo-kafka:nodePools"] as { kafka: { machineType: string; countPerRegion: number } }).kafka;
    expect((broker["geo-kafka:kafka"] as { brokersPerRegion: number }).brokersPerRegion).toBe(4);
    expect(pool(broker).countPerRegion).toBe(4);
    expect(pool(machine).machineType).toBe("r5.8xlarge");
    expect(kubernetes["geo-kafka:kubernetesVersion"]).toBe("1.36");
    const kafka = (c: Record<string, unknown>) =>
      c["geo-kafka:kafka"] as { disk: { sizeGiB: number }; defaultPartitions: number; version: string };
    expect(kafka(disk).disk.sizeGiB).toBe(Math.round(kafka(config).disk.sizeGiB * 1.5));
    expect(kafka(partitions).defaultPartitions).toBe((kafka(config).defaultPartitions ?? 72) + 1);
    expect(kafka(version).version).toBe(nextPatch(kafka(config).version ?? "4.1.2"));
    const links = (c: Record<string, unknown>) => (c["geo-kafka:links"] as Array<{ rttMs: number }>).map((l) => l.rttMs);
    expect(links(rtt)).toEqual(links(config).map((r) => r * 2));
    expect((observability["geo-kafka:observability"] as { scrape: string }).scrape).toBe("none");
    expect(nextPatch("4.1.9")).toBe("4.1.10");
    expect(() => nextPatch("4.1")).toThrow(/not x.y.z/);
  });

  it("finds changed paths and matches them against replaceOnChanges as Pulumi does", () => {
    const before = { spec: { volumeClaimTemplates: [{ spec: { resources: { requests: { storage: "1000Gi" } } } }], replicas: 3 } };
    const after = { spec: { volumeClaimTemplates: [{ spec: { resources: { requests: { storage: "1500Gi" } } } }], replicas: 3 } };
    const changed = changedPaths(before, after);
    expect(changed).toEqual(["spec.volumeClaimTemplates[0].spec.resources.requests.storage"]);
    expect(replacedBy(changed, ["spec.volumeClaimTemplates"])).toEqual(changed);
    expect(replacedBy(changed, ["spec.volumeClaimTemplates[*].spec"])).toEqual(changed);
    expect(replacedBy(changed, ["spec.volume"])).toEqual([]);
    expect(replacedBy(changed, ["spec.replicas"])).toEqual([]);
    expect(replacedBy(changed, ["*"])).toEqual(changed);
    expect(changedPaths({ a: 1 }, { a: 1 })).toEqual([]);
    expect(changedPaths({ a: [1] }, { a: [1, 2], b: "x" })).toEqual(["a[1]", "b"]);
  });
});

describe("chart and CRD sources", () => {
  it("knows a source or a reason for every chart the plans install", async () => {
    for (const stack of ["gke", "eks", "existing"]) {
      const { run } = await planStackOk(stack);
      for (const r of run.resources.filter((x) => x.type === "kubernetes:helm.sh/v3:Release")) {
        const source = CHART_SOURCES.find((s) => s.chart === r.inputs.chart);
        expect(source, String(r.inputs.chart)).toBeDefined();
        expect(source!.version).toBe(r.inputs.version);
        if (source!.candidates.length === 0) expect(source!.unavailable).toMatch(/Go module proxy/);
      }
    }
    const ids = modulesToDownload().map((m) => `${m.module}@${m.version}`);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("checks CI counts", () => {
  const cluster = (over: Partial<ClusterReport> = {}): ClusterReport => ({
    region: "r1",
    applied: 10,
    rejected: [],
    notChecked: [],
    crds: [],
    charts: [],
    warnings: [],
    ...over,
  });
  const upgrade = (over: Partial<UpgradeReport> = {}): UpgradeReport => ({
    change: "c",
    edit: "e",
    changed: 1,
    created: 0,
    deleted: 0,
    refused: [],
    handledBy: "in place",
    failed: [],
    ...over,
  });
  it("fails a cluster with a rejection, a chart with unknown values or unapplied objects, an upgrade left half-applied", () => {
    const checks = labChecks(
      [
        cluster(),
        cluster({ region: "r2", rejected: [{ kind: "Service", name: "a/b", message: "bad", from: "x" }] }),
        cluster({
          region: "r3",
          charts: [
            { release: "ok", chart: "c", version: "1", rendered: 3, applied: 3 },
            { release: "typo", chart: "c", version: "1", rendered: 3, applied: 3, unknownValues: ["nodeSelectr"] },
            { release: "partial", chart: "c", version: "1", rendered: 3, applied: 2 },
            { release: "gone", chart: "c", version: "1", rendered: 0, applied: 0, notChecked: "not served" },
          ],
        }),
      ],
      [
        upgrade(),
        upgrade({
          change: "d",
          refused: [{ region: "r1", kind: "StatefulSet", name: "s", message: "Forbidden" }],
          failed: [{ region: "r1", kind: "StatefulSet", name: "s", message: "Forbidden" }],
        }),
      ],
    );
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ["apply r1", true],
      ["apply r2", false],
      ["apply r3", true],
      ["chart r3 ok", true],
      ["chart r3 typo", false],
      ["chart r3 partial", false],
      ["upgrade: c", true],
      ["upgrade: d", false],
    ]);
    expect(checks[1].detail).toContain("Service a/b: bad");
    expect(checks[4].detail).toContain("nodeSelectr");
    // An empty cluster is not a pass: nothing was judged.
    expect(labChecks([cluster({ applied: 0 })], [])[0].ok).toBe(false);
  });
});

describe("upgrade records", () => {
  const outcome = (over: Partial<UpgradeOutcome> = {}): UpgradeOutcome => ({
    changed: 0,
    created: 0,
    deleted: 0,
    refused: [],
    replaced: [],
    failed: [],
    ...over,
  });
  const sts = { region: "r1", kind: "StatefulSet", name: "kafka/b", message: "spec: Forbidden" };
  it("sums both directions and says how refusals were handled", () => {
    const inPlace = upgradeRecord("c", "e", [outcome({ changed: 2 }), outcome({ changed: 2, created: 1 })]);
    expect(inPlace).toMatchObject({ changed: 4, created: 1, deleted: 0, handledBy: "in place", refused: [], failed: [] });
    const replaced = upgradeRecord("disk", "e", [
      outcome({
        changed: 1,
        refused: [sts],
        replaced: [{ ...sts, paths: ["spec.volumeClaimTemplates[0].spec.resources.requests.storage"] }],
      }),
    ]);
    expect(replaced.handledBy).toBe(
      "replace on change (the plan's replaceOnChanges spec.volumeClaimTemplates): 1 object(s) deleted and created again",
    );
    const half = upgradeRecord("disk", "e", [outcome({ refused: [sts], failed: [sts] })]);
    expect(half.handledBy).toBe("nothing for 1 refused change(s): a half-applied stack");
    expect(labChecks([], [half])[0].ok).toBe(false);
    expect(labChecks([], [replaced])[0].ok).toBe(true);
  });
});

describe("provider credential change (cases for the provider's DiffConfig)", () => {
  const kubeconfig = [
    "apiVersion: v1",
    "kind: Config",
    "clusters: [{ name: c, cluster: { server: 'https://10.0.0.1', certificate-authority-data: Q0E= } }]",
    "contexts: [{ name: c, context: { cluster: c, user: u } }]",
    "current-context: c",
    "users: [{ name: u, user: { token: t0 } }, { name: e, user: { exec: { command: plugin, args: [get-token] } } }]",
  ].join("\n");

  it("rotateKubeconfig changes the CA, server and credentials of the same context", () => {
    const before = parse(kubeconfig) as Record<string, Array<Record<string, Record<string, unknown>>>>;
    const after = parse(rotateKubeconfig(kubeconfig)) as typeof before;
    expect(after["current-context"]).toBe(before["current-context"]);
    expect(after.clusters[0].cluster.server).toBe("https://10.0.0.1.rotated.invalid");
    expect(after.clusters[0].cluster["certificate-authority-data"]).not.toBe("Q0E=");
    expect(after.users[0].user.token).toBe("rotated-token");
    expect((after.users[1].user.exec as { args: string[] }).args).toEqual(["get-token", "--rotated"]);
  });

  it.each(["gke", "eks", "existing"])("stack %s: three cases per Kubernetes provider, from the plan with secrets shown", async (stack) => {
    const { run } = await planStackOk(stack);
    const cases = providerDiffCases(toPlan(stack, run, true));
    expect(cases).toHaveLength(9);
    for (const c of cases.filter((x) => x.name.endsWith("/rotated"))) {
      expect(c.news.clusterIdentifier).toBe(c.olds.clusterIdentifier);
      expect(c.news.kubeconfig).not.toBe(c.olds.kubeconfig);
    }
    for (const c of cases.filter((x) => x.name.endsWith("/control"))) expect("clusterIdentifier" in c.news).toBe(false);
    expect(() => providerDiffCases(toPlan(stack, run, false))).toThrow(/no kubeconfig text/);
  });

  it("passes only when rotation updates in place and the control and the move replace", () => {
    const cases = ["p/rotated", "p/control", "p/moved"].map((name) => ({ name, olds: {}, news: {} }));
    const answers = (rotatedReplaces: string[] | null, controlReplaces: string[] | null) => [
      { name: "p/rotated", changes: "DIFF_SOME", diffs: ["kubeconfig"], replaces: rotatedReplaces },
      { name: "p/control", changes: "DIFF_SOME", diffs: ["kubeconfig"], replaces: controlReplaces },
      { name: "p/moved", changes: "DIFF_SOME", diffs: ["clusterIdentifier"], replaces: ["clusterIdentifier"] },
    ];
    expect(providerDiffCheck(cases, answers(null, ["kubeconfig"])).ok).toBe(true);
    expect(providerDiffCheck(cases, answers(["kubeconfig"], ["kubeconfig"]))).toMatchObject({
      ok: false,
      detail: expect.stringContaining("p/rotated (credentials rotated, same clusterIdentifier): replaces [kubeconfig]"),
    });
    // A control that does not replace means the rotation changed nothing the provider looks at: the check proves nothing.
    expect(providerDiffCheck(cases, answers(null, null)).ok).toBe(false);
    expect(providerDiffCheck(cases, answers(null, ["kubeconfig"]).slice(1)).detail).toContain("p/rotated: no answer");
    expect(answerPasses("rotated", { name: "p/rotated", error: "boom" })).toBe(false);
  });
});

describe("destroy guard (cases for the Pulumi engine)", () => {
  it.each(["gke", "eks", "existing"])("stack %s: the control drops one Secret nothing else waits for from the guard", async (stack) => {
    const plan = toPlan(stack, (await planStackOk(stack)).run, false);
    const { plan: control, dropped } = withoutOneGuardDependency(plan);
    const guard = (p: typeof plan) => p.resources.find((r) => r.type === "geo-kafka:durability:DataGuard")!;
    expect(guard(plan).dependsOn).toContain(dropped);
    expect(guard(control).dependsOn).not.toContain(dropped);
    expect(guard(control).dependsOn).toHaveLength(guard(plan).dependsOn!.length - 1);
    expect(plan.resources.filter((r) => r.dependsOn?.includes(dropped) && r.type !== "geo-kafka:durability:DataGuard")).toEqual([]);
    // The shipped plan is left as it was.
    expect(guard(plan).dependsOn).toContain(dropped);
  });

  it("reads the engine run's line and passes only a refused destroy with nothing deleted and a control that deleted its one", () => {
    const run = parseDestroyGuardOutput(
      'noise\ndestroy-guard {"resources":3,"custom":2,"deleted":[],"destroyError":"resource \\"g\\" cannot be deleted because it is protected"}\nPASS\n',
    );
    expect(run).toEqual({ resources: 3, custom: 2, deleted: [], destroyError: 'resource "g" cannot be deleted because it is protected' });
    const control = { resources: 3, custom: 2, deleted: ["s"], destroyError: run.destroyError };
    expect(destroyGuardCheck(run, control, "s").ok).toBe(true);
    expect(destroyGuardCheck({ ...run, deleted: ["x"] }, control, "s").detail).toContain("deleted despite the guard: x");
    expect(destroyGuardCheck({ ...run, destroyError: undefined }, control, "s").detail).toContain("destroy was not refused");
    // A control that deleted nothing would mean the harness cannot see a deletion: the check proves nothing then.
    expect(destroyGuardCheck(run, { ...control, deleted: [] }, "s").ok).toBe(false);
    expect(() => parseDestroyGuardOutput("PASS\n")).toThrow(/no destroy-guard line/);
  });
});
