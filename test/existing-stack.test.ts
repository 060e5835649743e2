// Stack existing as recorded under mocks: three existing clusters, no cloud resource, each cluster on its own provider
// from its kubeconfig (secret), the StorageClass created where asked, the mesh chosen by what the network carries,
// and a cost estimate that prices what the config prices and lists the rest.
import { beforeAll, describe, expect, it } from "vitest";
import { EAST_WEST_GATEWAY, ISTIO_NAMESPACE } from "../lib/mesh/istio";
import { KAFKA_NODE_LABEL, KAFKA_NODE_TAINT, KAFKA_VM_MAX_MAP_COUNT } from "../lib/node-pools";
import { plannedKafkaSysctls } from "../lib/kafka-lab/sysctls";
import { planSocketBuffers } from "../lib/socket-buffers";
import { parseStackFile } from "../tools/stack-file";
import { toPlan } from "../tools/run-stack";
import { MockRun, containsSecret, isSecretValue } from "../tools/mock-runtime";
import { Recorded, planStack, planStackOk, setPath, stackConfig, stackSpec } from "./helpers/harness";

const REGIONS = ["dc-east", "dc-central", "dc-west"];
const T = {
  k8sProvider: "pulumi:providers:kubernetes",
  storageClass: "kubernetes:storage.k8s.io/v1:StorageClass",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  release: "kubernetes:helm.sh/v3:Release",
} as const;

let run: MockRun;
let recorded: Recorded;
beforeAll(async () => {
  ({ run, recorded } = await planStackOk("existing"));
});

describe("stack existing: the clusters", () => {
  it("creates no cloud resource: only Kubernetes objects, Helm releases and the program's own keys and ids", () => {
    const families = new Set(recorded.resources.map((r) => r.type.split(":")[0]));
    expect([...families].sort()).toEqual(["geo-kafka", "kubernetes", "pulumi", "random", "tls"]);
    expect(recorded.resources.filter((r) => /^(gcp|aws):/.test(r.type) || r.type.startsWith("pulumi:providers:gcp"))).toEqual([]);
  });

  it("reaches each cluster through its own provider, built from its kubeconfig as a secret", () => {
    const providers = recorded.ofType(T.k8sProvider);
    expect(providers.map((p) => p.name).sort()).toEqual(REGIONS.map((r) => `existing-${r}-k8s`).sort());
    for (const p of providers) {
      expect(isSecretValue(p.inputs.kubeconfig)).toBe(true);
      expect(String((p.inputs.kubeconfig as { value: unknown }).value)).toContain("example.invalid");
    }
    const plan = toPlan("existing", run);
    expect(JSON.stringify(plan)).not.toContain("fake-token-not-a-credential");
  });

  it("creates the configured StorageClass in every cluster, kept on claim deletion and bound where the broker lands", () => {
    for (const region of REGIONS) {
      const sc = recorded.one(T.storageClass, `existing-${region}-storage`);
      expect(sc.provider).toBe(`existing-${region}-k8s`);
      expect(sc.inputs).toMatchObject({
        metadata: { name: "geo-kafka-local-xfs" },
        provisioner: "topolvm.io",
        parameters: { "csi.storage.k8s.io/fstype": "xfs" },
        reclaimPolicy: "Retain",
        volumeBindingMode: "WaitForFirstConsumer",
      });
    }
  });

  it("uses an existing StorageClass as it is when not asked to create one", async () => {
    const config = stackConfig("existing");
    setPath(config, "existing", ["storageClass", "create"], undefined);
    const { recorded: r } = await planStackOk("existing", config);
    expect(r.ofType(T.storageClass)).toEqual([]);
    const brokers = r.ofType(T.statefulSet).filter((s) => s.name.includes("broker"));
    expect(brokers).toHaveLength(3);
    for (const sts of brokers) {
      const templates = (sts.inputs.spec as { volumeClaimTemplates: Array<{ spec: { storageClassName: string } }> }).volumeClaimTemplates;
      expect(templates.map((t) => t.spec.storageClassName)).toEqual(["geo-kafka-local-xfs"]);
    }
  });

  it("puts Kafka pods on the labelled Kafka nodes, tolerating their taint, in every cluster", () => {
    const statefulSets = recorded.ofType(T.statefulSet).filter((s) => s.name.startsWith("kafka-"));
    expect(statefulSets).toHaveLength(6);
    for (const sts of statefulSets) {
      const pod = (sts.inputs.spec as { template: { spec: { nodeSelector: unknown; tolerations: unknown[] } } }).template.spec;
      expect(pod.nodeSelector).toEqual({ [KAFKA_NODE_LABEL.key]: KAFKA_NODE_LABEL.value });
      expect(pod.tolerations).toContainEqual(expect.objectContaining({ key: KAFKA_NODE_TAINT.key, effect: KAFKA_NODE_TAINT.effect }));
    }
  });
});

describe("stack existing: the mesh follows the network", () => {
  it("without routable pods, puts each cluster on its own Istio network with an east-west gateway", () => {
    const gateways = recorded.ofType(T.release).filter((r) => r.name.endsWith("-eastwest"));
    expect(gateways.map((g) => g.provider).sort()).toEqual(REGIONS.map((r) => `existing-${r}-k8s`).sort());
    expect(run.outputs.mesh).toBe("istio");
  });

  it("admits the local east-west gateway pods to Kafka's ports, since other clusters' traffic enters through them", () => {
    for (const region of REGIONS) {
      const policy = recorded.one(T.networkPolicy, `kafka-${region}-ingress`);
      const ingress = (policy.inputs.spec as { ingress: Array<{ from: unknown[] }> }).ingress;
      expect(ingress.flatMap((rule) => rule.from)).toContainEqual({
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ISTIO_NAMESPACE } },
        podSelector: { matchLabels: EAST_WEST_GATEWAY.selector },
      });
    }
  });

  it("with routable pods, shares one network: no east-west gateway, peers admitted from their pod ranges", async () => {
    const config = stackConfig("existing");
    setPath(config, "existing", ["podsRoutable"], true);
    const { recorded: r } = await planStackOk("existing", config);
    expect(r.ofType(T.release).filter((x) => x.name.endsWith("-eastwest"))).toEqual([]);
    const policy = r.one(T.networkPolicy, "kafka-dc-east-ingress");
    const from = (policy.inputs.spec as { ingress: Array<{ from: unknown[] }> }).ingress.flatMap((rule) => rule.from);
    expect(from).toContainEqual({ ipBlock: { cidr: "10.21.0.0/16" } });
    expect(from).toContainEqual({ ipBlock: { cidr: "10.31.0.0/16" } });
  });

  it("with routable pods, deploys Submariner for service discovery with no DNS hook (CoreDNS forwards clusterset.local itself)", async () => {
    const config = stackConfig("existing");
    setPath(config, "existing", ["podsRoutable"], true);
    setPath(config, "mesh", ["mode"], "submariner");
    const { recorded: r } = await planStackOk("existing", config);
    expect(r.ofType("geo-kafka:mesh:SubmarinerMesh")).toHaveLength(1);
    expect(r.ofType(T.release).filter((x) => x.name.includes("operator"))).toHaveLength(3);
  });
});

describe("stack existing: what it cannot manage, and its cost", () => {
  it("does not set the nodes' kernel: it exports what they need and warns, and the Kafka lab reads that", () => {
    const buffers = planSocketBuffers(stackSpec("existing").links);
    const out = run.outputs.existing as { kafkaNodeSysctls: Record<string, string> };
    expect(out.kafkaNodeSysctls).toEqual({ ...buffers.sysctls, "vm.max_map_count": String(KAFKA_VM_MAX_MAP_COUNT) });
    expect(run.diagnostics.some((d) => d.severity === "warning" && d.message.includes("does not manage the Kafka nodes"))).toBe(true);
    expect(plannedKafkaSysctls(toPlan("existing", run))?.values).toEqual(out.kafkaNodeSysctls);
  });

  it("prices nodes, disks and transfer from the config and lists what it could not price", () => {
    const cost = run.outputs.costEstimate as {
      breakdown: Record<string, number>;
      unpriced?: string[];
      prices: Array<{ item: string; source: string }>;
    };
    // 3 regions x 3 Kafka nodes x $1.10/h; the system nodes have no price.
    expect(cost.breakdown.compute).toBeCloseTo(9 * 1.1, 9);
    expect(cost.breakdown.controlPlane).toBe(0);
    expect(cost.breakdown.gateways).toBeUndefined();
    expect(cost.unpriced).toEqual(REGIONS.map((r) => `2 system node(s) vm-4c-16g in ${r} (geo-kafka:prices.machineTypes["vm-4c-16g"])`));
    expect(cost.prices.every((p) => p.source.startsWith("stack config (geo-kafka:prices."))).toBe(true);
  });

  it("with no prices at all, still plans and reports every node, disk and the transfer as unpriced", async () => {
    const config = stackConfig("existing");
    setPath(config, "prices", [], { machineTypes: {} });
    const result = await planStack("existing", config);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const cost = result.run.outputs.costEstimate as { totalUsdPerHour: number; unpriced: string[] };
    expect(cost.totalUsdPerHour).toBe(0);
    expect(cost.unpriced).toHaveLength(3 * 2 + 3 + 1);
    expect(cost.unpriced.at(-1)).toMatch(/^inter-region transfer/);
  });
});

describe("stack existing: kubeconfigs kept as Pulumi secrets in the stack file", () => {
  it("plans from a file whose kubeconfigs are `secure:` values, marking the whole key secret", async () => {
    const config = stackConfig("existing");
    const clusters = (config["geo-kafka:existing"] as { clusters: Array<{ kubeconfig: unknown }> }).clusters;
    for (const c of clusters) c.kubeconfig = { secure: "v1:AAAAAAAAAAAAAAAA:not-a-real-ciphertext" };
    const { stringify } = await import("yaml");
    const parsed = parseStackFile(stringify({ config }), "Pulumi.existing.yaml");
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.file.secretKeys).toContain("geo-kafka:existing");
    expect(parsed.file.config["geo-kafka:existing"]).not.toContain("not-a-real-ciphertext");
    const result = await planStack("existing", config);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.run.resources.filter((r) => r.type === T.k8sProvider).every((p) => containsSecret(p.inputs))).toBe(true);
  });
});
