// Protection of what holds Kafka's data: which objects are protected or retained, the destroy guard that waits for the
// whole stack, `protectData: false` for a deliberate tear-down, and clusterIdentifier on every Kubernetes provider.
import { beforeAll, describe, expect, it } from "vitest";
import { DATA_GUARD_TYPE, DATA_HOLDER_KINDS, DataHolderKind, dataHolderOptions } from "../lib/durability/protection";
import { dataHolderKind } from "../lib/policy/durability-rules";
import { RULES, runPolicies } from "../lib/policy/rules";
import type { RecordedResource } from "../tools/mock-runtime";
import { policyResources } from "../tools/policy";
import { planStackOk, setPath, stackConfig } from "./helpers/harness";

const STACKS = ["gke", "eks", "existing"] as const;
type Stack = (typeof STACKS)[number];

/** The data holders each stack must have: three regions' worth of each kind it owns. */
const EXPECTED_KINDS: Record<Stack, Partial<Record<DataHolderKind, number>>> = {
  gke: { cluster: 3, "kafka-node-pool": 3, "storage-class": 3, "kafka-namespace": 3, "quorum-bootstrap": 3, "kubernetes-provider": 3 },
  eks: { cluster: 3, "kafka-node-pool": 3, "storage-class": 3, "kafka-namespace": 3, "quorum-bootstrap": 3, "kubernetes-provider": 3 },
  // The shipped existing stack creates its StorageClasses (existing.storageClass.create).
  existing: { "storage-class": 3, "kafka-namespace": 3, "quorum-bootstrap": 3, "kubernetes-provider": 3 },
};

const runs: Record<string, RecordedResource[]> = {};
const unprotectedRuns: Record<string, RecordedResource[]> = {};
beforeAll(async () => {
  for (const stack of STACKS) {
    runs[stack] = (await planStackOk(stack)).run.resources;
    const config = stackConfig(stack);
    setPath(config, "protectData", [], false);
    unprotectedRuns[stack] = (await planStackOk(stack, config)).run.resources;
  }
}, 120_000);

function holders(resources: RecordedResource[]) {
  return policyResources({ resources, outputs: {}, diagnostics: [] }).flatMap((r) => {
    const kind = dataHolderKind(r);
    return kind ? [{ r, kind }] : [];
  });
}

describe("dataHolderOptions", () => {
  it("protects every kind with protectData, and nothing without it", () => {
    for (const kind of DATA_HOLDER_KINDS) {
      expect(dataHolderOptions(kind, true).protect).toBe(true);
      expect(dataHolderOptions(kind, false)).toEqual({ protect: false, retainOnDelete: false });
    }
  });

  it("retains the namespaces and the quorum ConfigMap only; a StorageClass is replaced by deleting it first", () => {
    const retained = DATA_HOLDER_KINDS.filter((k) => dataHolderOptions(k, true).retainOnDelete);
    expect(retained).toEqual(["kafka-namespace", "quorum-bootstrap"]);
  });
});

describe.each(STACKS)("stack %s with the shipped file", (stack) => {
  it("protects each data holder it creates, and only what dataHolderOptions says", () => {
    const found = holders(runs[stack]);
    const counts: Record<string, number> = {};
    for (const { kind } of found) counts[kind] = (counts[kind] ?? 0) + 1;
    expect(counts).toEqual(EXPECTED_KINDS[stack]);
    for (const { r, kind } of found) {
      expect({ name: r.name, protect: r.protect, retainOnDelete: r.retainOnDelete }).toEqual({
        name: r.name,
        ...dataHolderOptions(kind, true),
      });
    }
    // Nothing else is protected: the system pool, Services and Secrets remain changeable and deletable.
    const protectedNames = runs[stack].filter((r) => r.protect).map((r) => r.name);
    expect(protectedNames.sort()).toEqual([...found.map((h) => h.r.name), "data-guard"].sort());
  });

  it("registers one protected DataGuard that waits for every custom resource of the stack", () => {
    const guards = runs[stack].filter((r) => r.type === DATA_GUARD_TYPE);
    expect(guards.map((g) => ({ name: g.name, protect: g.protect, parent: g.parent }))).toEqual([
      { name: "data-guard", protect: true, parent: null },
    ]);
    const waitsFor = new Set(guards[0].dependsOn);
    const custom = runs[stack].filter((r) => r.custom).map((r) => r.name);
    expect(custom.length).toBeGreaterThan(100);
    expect(custom.filter((name) => !waitsFor.has(name))).toEqual([]);
  });

  it("gives every Kubernetes provider a clusterIdentifier", () => {
    const providers = runs[stack].filter((r) => r.type === "pulumi:providers:kubernetes");
    expect(providers).toHaveLength(3);
    for (const p of providers) expect(typeof p.inputs.clusterIdentifier).toBe("string");
    expect(new Set(providers.map((p) => p.inputs.clusterIdentifier)).size).toBe(3);
  });

  it("with protectData false protects nothing, turns the clouds' deletion protection off, and passes the policy", () => {
    const resources = unprotectedRuns[stack];
    expect(resources.filter((r) => r.protect || r.retainOnDelete).map((r) => r.name)).toEqual([]);
    const clusters = resources.filter((r) => r.type === "gcp:container/cluster:Cluster" || r.type === "aws:eks/cluster:Cluster");
    for (const c of clusters) expect(c.inputs.deletionProtection).toBe(false);
    // The same resources, only their options differ: a tear-down is one `pulumi up` away from the protected stack.
    expect(resources.map((r) => r.name).sort()).toEqual(runs[stack].map((r) => r.name).sort());
    const rule = RULES.find((r) => r.id === "data-protected")!;
    expect(runPolicies(policyResources({ resources, outputs: {}, diagnostics: [] }), [rule])).toEqual([]);
  });
});

describe("cluster identities", () => {
  it("gke names each cluster by its GCP id and eks by its ARN", () => {
    const ids = (stack: Stack) =>
      runs[stack].filter((r) => r.type === "pulumi:providers:kubernetes").map((r) => String(r.inputs.clusterIdentifier));
    const gkeClusters = runs.gke.filter((r) => r.type === "gcp:container/cluster:Cluster");
    expect(gkeClusters).toHaveLength(3);
    for (const id of ids("gke")) expect(id).toMatch(/^mock-id:gke-.*-control-plane$/);
    // The mocks' ARN of each EKS cluster (tools/mock-values.ts), in region order.
    expect(ids("eks")).toEqual(["us-east-1", "us-east-2", "us-west-2"].map((r) => `mock-arn:eks:cluster/eks-${r}`));
  });

  it("existing names each cluster by its clusterId unless existing.clusters[i].clusterIdentifier says otherwise", async () => {
    const providers = (resources: RecordedResource[]) =>
      resources.filter((r) => r.type === "pulumi:providers:kubernetes").map((r) => r.inputs.clusterIdentifier);
    const config = stackConfig("existing");
    const clusters = (config["geo-kafka:existing"] as { clusters: Array<Record<string, unknown>> }).clusters;
    clusters[1].clusterIdentifier = "datacenter-b/prod-kafka";
    const overridden = providers((await planStackOk("existing", config)).run.resources);
    const shipped = providers(runs.existing);
    expect(overridden[1]).toBe("datacenter-b/prod-kafka");
    expect([overridden[0], overridden[2]]).toEqual([shipped[0], shipped[2]]);
  });
});
