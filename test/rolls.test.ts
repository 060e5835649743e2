// Rolls and versions: the timeouts derived from the pod timings, the one roll order on the shipped plans, the Kubernetes
// version list and its checks, and the staggered GKE maintenance windows.
import { beforeAll, describe, expect, it } from "vitest";
import * as fc from "fast-check";
import { maintenanceWindow } from "../lib/cloud/gke/node-plan";
import { EKS_KUBERNETES_VERSIONS, GKE_KUBERNETES_VERSIONS, kubernetesVersionProblems } from "../lib/cloud/versions";
import { rawConfigFromMap, validateConfig } from "../lib/config/validate";
import {
  BROKER_CATCH_UP_ALLOWANCE_SECONDS,
  NODE_BOOT_ALLOWANCE_SECONDS,
  POD_SCHEDULE_ALLOWANCE_SECONDS,
  STARTUP_LIMIT_SECONDS,
  durationSeconds,
  nodePoolRollSeconds,
  podReplacementSeconds,
  pulumiDuration,
  statefulSetRollSeconds,
} from "../lib/rolls/timing";
import type { MockRun } from "../tools/mock-runtime";
import { planStackOk, stackConfig } from "./helpers/harness";

describe("roll timeouts (lib/rolls/timing.ts)", () => {
  it("a broker's replacement is grace + scheduling + the startup probe's limit + catch-up + minReadySeconds", () => {
    expect(STARTUP_LIMIT_SECONDS).toBe(1800);
    expect(podReplacementSeconds("broker")).toBe(300 + POD_SCHEDULE_ALLOWANCE_SECONDS + 1800 + BROKER_CATCH_UP_ALLOWANCE_SECONDS + 60);
    expect(podReplacementSeconds("controller")).toBe(120 + 300 + 1800 + 300 + 30);
  });

  it("a StatefulSet's roll is every pod replaced one after another, and is far above the provider's 10 minutes", () => {
    expect(statefulSetRollSeconds("broker", 3)).toBe(3 * podReplacementSeconds("broker"));
    expect(statefulSetRollSeconds("controller", 1)).toBeGreaterThan(600);
    expect(() => statefulSetRollSeconds("broker", 0)).toThrow(/positive integer/);
  });

  it("a Kafka node pool's roll is a booted node plus a broker's replacement, per node", () => {
    expect(nodePoolRollSeconds(3)).toBe(3 * (NODE_BOOT_ALLOWANCE_SECONDS + podReplacementSeconds("broker")));
    expect(() => nodePoolRollSeconds(1.5)).toThrow(/positive integer/);
  });

  it("durations round up to whole minutes and read back at least as long", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), (seconds) => {
        const back = durationSeconds(pulumiDuration(seconds))!;
        return back >= seconds && back - seconds < 60;
      }),
    );
    expect(durationSeconds("1h30m")).toBe(5400);
    expect(durationSeconds("45s")).toBe(45);
    expect(durationSeconds("soon")).toBeUndefined();
    expect(durationSeconds("")).toBeUndefined();
  });
});

const byName = (run: MockRun, name: string) => {
  const r = run.resources.find((x) => x.name === name);
  if (!r) throw new Error(`no ${name}`);
  return r;
};

describe("the roll order and timeouts on the shipped plans", () => {
  const runs: Record<string, MockRun> = {};
  beforeAll(async () => {
    for (const stack of ["gke", "eks", "existing"]) runs[stack] = (await planStackOk(stack)).run;
  });

  it.each([
    { stack: "gke", regions: ["us-east4", "us-central1", "us-west1"], pool: (r: string) => `gke-${r}-cluster-kafka-pool` },
    { stack: "eks", regions: ["us-east-1", "us-east-2", "us-west-2"], pool: (r: string) => `eks-${r}-kafka-nodes` },
  ])("$stack: Kafka pools chained region after region, then controllers, then brokers", ({ stack, regions, pool }) => {
    const run = runs[stack];
    regions.forEach((region, i) => {
      const own = byName(run, pool(region));
      const previousPools = i === 0 ? [] : [pool(regions[i - 1])];
      expect(own.dependsOn.filter((d) => d.includes("kafka-pool") || d.endsWith("kafka-nodes"))).toEqual(previousPools);
      // Timeouts that fit three nodes, each drained and its Kafka pods back.
      expect(own.customTimeouts).toEqual({ update: pulumiDuration(nodePoolRollSeconds(3)) });
      const controller = byName(run, `kafka-${region}-controller`);
      const broker = byName(run, `kafka-${region}-broker`);
      expect(controller.customTimeouts).toEqual({ create: "43m", update: "43m" });
      expect(broker.customTimeouts).toEqual({ create: "168m", update: "168m" });
      if (i === 0) expect(controller.dependsOn).toEqual(expect.arrayContaining(regions.map(pool)));
      else expect(controller.dependsOn).toContain(`kafka-${regions[i - 1]}-controller`);
      expect(broker.dependsOn).toContain(i === 0 ? `kafka-${regions[regions.length - 1]}-controller` : `kafka-${regions[i - 1]}-broker`);
    });
  });

  it("existing: no node pools to chain, the StatefulSets still in one order", () => {
    const sets = runs.existing.resources.filter((r) => r.type === "kubernetes:apps/v1:StatefulSet");
    expect(sets.map((s) => s.name).sort()).toHaveLength(6);
    for (const s of sets) expect(s.customTimeouts?.update, s.name).toMatch(/^\d+m$/);
    expect(runs.existing.resources.some((r) => r.type.startsWith("gcp:") || r.type.startsWith("aws:"))).toBe(false);
  });

  it("gke: control planes at the stack's version floor, maintenance on a different weekday per region, node upgrades excluded", () => {
    const run = runs.gke;
    const clusters = run.resources.filter((r) => r.type === "gcp:container/cluster:Cluster");
    expect(clusters.map((c) => c.inputs.minMasterVersion)).toEqual(["1.35", "1.35", "1.35"]);
    const policies = clusters.map(
      (c) => c.inputs.maintenancePolicy as { recurringWindow: { recurrence: string }; maintenanceExclusions: unknown[] },
    );
    expect(new Set(policies.map((p) => p.recurringWindow.recurrence)).size).toBe(3);
    // A cluster-level exclusion, which the provider also sends on update (a node pool's is sent only at creation).
    for (const p of policies)
      expect(p.maintenanceExclusions).toEqual([
        {
          exclusionName: "geo-kafka-nodes-upgraded-by-hand",
          startTime: "2026-12-07T00:00:00Z",
          exclusionOptions: { scope: "NO_MINOR_OR_NODE_UPGRADES", endTimeBehavior: "UNTIL_END_OF_SUPPORT" },
        },
      ]);
    for (const pool of run.resources.filter((r) => r.type === "gcp:container/nodePool:NodePool"))
      expect(pool.inputs.maintenancePolicies, pool.name).toBeUndefined();
  });

  it.each([
    { stack: "gke", system: (r: string) => `gke-${r}-cluster-system-pool`, regions: ["us-east4", "us-central1", "us-west1"] },
    { stack: "eks", system: (r: string) => `eks-${r}-system-nodes`, regions: ["us-east-1", "us-east-2", "us-west-2"] },
  ])(
    "$stack: system node pools chained region after region too (the mesh control plane never updates in two at once)",
    ({ stack, system, regions }) => {
      regions.forEach((region, i) => {
        const deps = byName(runs[stack], system(region)).dependsOn.filter(
          (d) => d !== system(region) && (d.endsWith("system-pool") || d.endsWith("system-nodes")),
        );
        expect(deps).toEqual(i === 0 ? [] : [system(regions[i - 1])]);
      });
    },
  );

  it("eks: control planes and node groups at the stack's version", () => {
    const run = runs.eks;
    for (const c of run.resources.filter((r) => r.type === "aws:eks/cluster:Cluster")) expect(c.inputs.version).toBe("1.35");
  });
});

describe("GKE maintenance windows", () => {
  it("give each region its own weekday, twelve hours from 01:00 UTC", () => {
    expect([0, 1, 2].map(maintenanceWindow)).toEqual([
      { startTime: "2026-01-06T01:00:00Z", endTime: "2026-01-06T13:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=TU" },
      { startTime: "2026-01-07T01:00:00Z", endTime: "2026-01-07T13:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=WE" },
      { startTime: "2026-01-08T01:00:00Z", endTime: "2026-01-08T13:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=TH" },
    ]);
    // The weekday in the recurrence is the start date's own (a mismatch would shift the first window).
    const weekday = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];
    for (let i = 0; i < 7; i++) {
      const w = maintenanceWindow(i);
      expect(w.recurrence).toBe(`FREQ=WEEKLY;BYDAY=${weekday[new Date(w.startTime).getUTCDay()]}`);
    }
    expect(() => maintenanceWindow(7)).toThrow(/at most 7 regions/);
  });
});

describe("Kubernetes versions (lib/cloud/versions.ts)", () => {
  it("defaults to a version in standard support on the list's date, on both clouds", () => {
    for (const catalog of [EKS_KUBERNETES_VERSIONS, GKE_KUBERNETES_VERSIONS]) {
      expect(kubernetesVersionProblems(catalog, catalog.defaultVersion, "p")).toEqual([]);
      expect(catalog.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(catalog.source.length).toBeGreaterThan(20);
    }
  });

  it("refuses a version past standard support, and one not on the list, naming what is", () => {
    expect(kubernetesVersionProblems(EKS_KUBERNETES_VERSIONS, "1.34", "geo-kafka:kubernetesVersion")).toEqual([
      {
        severity: "error",
        path: "geo-kafka:kubernetesVersion",
        message: expect.stringMatching(
          /^1\.34 left standard support on 2026-12-02;.*Choose one of: 1\.34 .*1\.35 \(standard support until 2027-03-27\)/,
        ),
      },
    ]);
    expect(kubernetesVersionProblems(GKE_KUBERNETES_VERSIONS, "1.29", "p")[0].message).toMatch(
      /not in the supported list as of 2026-12-07/,
    );
  });

  it("warns when standard support ends within 90 days of the list's date", () => {
    const soon = { ...EKS_KUBERNETES_VERSIONS, asOf: "2027-01-15" };
    expect(kubernetesVersionProblems(soon, "1.35", "p")).toEqual([
      {
        severity: "warning",
        path: "p",
        message: expect.stringMatching(/^1\.35 leaves standard support on 2027-03-27 \(71 days after 2027-01-15\)/),
      },
    ]);
  });

  it("keeps the version as text from Pulumi's config map, where JSON would read 1.30 as 1.3", () => {
    expect(rawConfigFromMap({ "geo-kafka:kubernetesVersion": "1.30", "geo-kafka:protectData": "false" })).toEqual({
      kubernetesVersion: "1.30",
      protectData: false,
    });
  });

  const raw = (stack: string, version: unknown) => {
    const config = Object.fromEntries(Object.entries(stackConfig(stack)).map(([k, v]) => [k.replace("geo-kafka:", ""), v]));
    if (version !== undefined) config.kubernetesVersion = version;
    return config;
  };

  it.each([
    { stack: "eks", version: "1.36", ok: true },
    { stack: "eks", version: "1.34", ok: false },
    { stack: "gke", version: "1.36", ok: false },
    { stack: "gke", version: 1.35, ok: false },
    { stack: "existing", version: "1.35", ok: false },
  ])("stack $stack with kubernetesVersion $version: ok $ok", ({ stack, version, ok }) => {
    const result = validateConfig(raw(stack, version));
    expect(result.ok).toBe(ok);
    if (!ok) expect(result.problems.filter((p) => p.severity === "error").map((p) => p.path)).toEqual(["geo-kafka:kubernetesVersion"]);
    if (result.ok && result.spec.cloud === "eks") expect(result.spec.kubernetesVersion).toBe(version);
  });
});
