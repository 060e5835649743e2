// Submariner mode (service discovery only) on the gke stack's three clusters, recorded under mocks: which chart goes
// where with which values, the post-renderer that keeps the chart's Submariner CR (gateway, route agent) out, the
// ServiceDiscovery CRs, how the broker's token and CA reach the members (secret only), Lighthouse DNS, and one
// ServiceExport per Kafka headless Service on the cluster that owns it.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { createMesh } from "../components/mesh";
import {
  BROKER_TOKEN_SECRET_NAME,
  CLUSTERSET_DNS_SERVICE_NAME,
  OPERATOR_POST_RENDERER,
  SubmarinerMesh,
} from "../components/mesh/submariner";
import type { RegionalCluster } from "../components/platform";
import { KAFKA_NAMESPACE, headlessServiceName } from "../lib/kafka/addresses";
import { kafkaNodes } from "../lib/kafka/topology";
import { RecordedResource, isSecretValue, renderSecrets } from "../tools/mock-runtime";
import { REPO_ROOT } from "../tools/run-stack";
import { Recorded, runComponent } from "./helpers/harness";
import { meshSettings } from "../stacks/workload";
import { schemaErrors } from "./helpers/k8s-schema";
import { fakeApiServers, fakeClusters, meshSpec, providerName, secretValue, withSecretShapes } from "./helpers/mesh-fixtures";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const SECRET = "kubernetes:core/v1:Secret";
const SERVICE = "kubernetes:core/v1:Service";
const SERVICE_EXPORT = "kubernetes:multicluster.x-k8s.io/v1alpha1:ServiceExport";
const SERVICE_DISCOVERY = "kubernetes:submariner.io/v1alpha1:ServiceDiscovery";
const spec = meshSpec("gke", "submariner");
const regions = spec.regions;
const b64 = (text: string) => Buffer.from(text).toString("base64");

interface Planned {
  recorded: Recorded;
  hookCalls: Array<{ index: number; ip: string }>;
  ready: string[][];
}

/** Plans the gke stack's mesh plus what the Kafka layer would ask of it: one export per headless Service. */
async function planSubmariner(): Promise<Planned> {
  const hookCalls: Array<{ index: number; ip: string }> = [];
  let ready: string[][] = [];
  const { recorded } = await runComponent(async () => {
    const clusters = fakeClusters(spec);
    const mesh = createMesh("mesh", {
      ...meshSettings(spec),
      clusters,
      apiServerEndpoints: fakeApiServers(spec),
      configureClustersetDns: (index, ip) => {
        pulumi.output(ip).apply((value) => hookCalls.push({ index, ip: value }));
        return [];
      },
    });
    exportKafkaServices(mesh, clusters);
    ready = await Promise.all(regions.map((r) => Promise.all(mesh.readyIn(r.index).map((res) => urnName(res)))));
  });
  return { recorded, hookCalls, ready };
}

function exportKafkaServices(mesh: ReturnType<typeof createMesh>, clusters: RegionalCluster[]): void {
  const statefulSets = new Set(
    kafkaNodes({ regions, brokersPerRegion: 3, controllersPerRegion: 1 }).map((n) =>
      JSON.stringify([n.regionIndex, headlessServiceName(n)]),
    ),
  );
  for (const entry of statefulSets) {
    const [index, serviceName] = JSON.parse(entry) as [number, string];
    mesh.exportService({ cluster: clusters[index], namespace: KAFKA_NAMESPACE, serviceName, name: `kafka-${serviceName}` });
  }
}

const urnName = (res: pulumi.Resource) =>
  new Promise<string>((resolve) => res.urn.apply((urn) => resolve(urn.slice(urn.lastIndexOf("::") + 2))));

describe("Submariner mesh on the gke stack", () => {
  it("installs the broker chart in the first cluster only and the operator chart in every cluster, pinned", async () => {
    const { recorded } = await planSubmariner();
    const releases = recorded.ofType(RELEASE);
    const brokers = releases.filter((r) => r.inputs.chart === "submariner-k8s-broker");
    expect(brokers.map((r) => r.provider)).toEqual([providerName(regions[0].name)]);
    expect(brokers[0].inputs).toMatchObject({
      version: "0.24.2",
      repositoryOpts: { repo: "https://submariner-io.github.io/submariner-charts/charts" },
      name: "submariner-k8s-broker",
      namespace: "submariner-k8s-broker",
    });
    const operators = releases.filter((r) => r.inputs.chart === "submariner-operator");
    expect(operators.map((r) => r.provider).sort()).toEqual(regions.map((r) => providerName(r.name)).sort());
    for (const op of operators) {
      expect(op.inputs).toMatchObject({ version: "0.24.2", name: "submariner-operator", namespace: "submariner-operator" });
      expect(op.parent).toBe("mesh");
    }
    expect(releases).toHaveLength(4);
  });

  it("installs the operator without its Submariner CR (post-renderer) and no ServiceAccount for gateway or route agent", async () => {
    const { recorded } = await planSubmariner();
    for (const region of regions) {
      const op = recorded.one(RELEASE, `mesh-${region.name}-operator`);
      expect(op.provider).toBe(providerName(region.name));
      expect(op.inputs.postrender).toBe(OPERATOR_POST_RENDERER);
      expect(op.inputs.values).toEqual({
        serviceAccounts: { gateway: { create: false }, routeAgent: { create: false }, globalnet: { create: false } },
      });
      // Nothing in the values would configure a datapath: no cable driver, no NAT traversal, no CIDRs.
      expect(JSON.stringify(op.inputs.values)).not.toMatch(/cableDriver|natEnabled|clusterCidr|ipsec/);
      expect(op.inputs.valueYamlFiles).toBeUndefined();
    }
    expect(fs.statSync(path.join(REPO_ROOT, OPERATOR_POST_RENDERER)).mode & 0o111).not.toBe(0);
  });

  it("joins each cluster by a ServiceDiscovery CR (Lighthouse only): its own id, the broker's address, credentials by Secret", async () => {
    const { recorded } = await planSubmariner();
    for (const region of regions) {
      const sd = recorded.one(SERVICE_DISCOVERY, `mesh-${region.name}-service-discovery`);
      expect(sd.provider).toBe(providerName(region.name));
      // The spec holds no credential, only the name of the Secret that does: it is not a secret, so a preview shows it.
      expect(sd.inputs).toMatchObject({
        apiVersion: "submariner.io/v1alpha1",
        kind: "ServiceDiscovery",
        metadata: { name: "service-discovery", namespace: "submariner-operator" },
      });
      expect(renderSecrets(sd.inputs.spec, false)).toEqual({
        clusterID: region.clusterId,
        namespace: "submariner-operator",
        version: "0.24.2",
        // The broker cluster's endpoint, scheme removed: the operator adds https:// itself.
        brokerK8sApiServer: `api.${regions[0].clusterId}.invalid`,
        brokerK8sRemoteNamespace: "submariner-k8s-broker",
        brokerK8sSecret: "submariner-broker-secret",
        brokerK8sInsecure: false,
        globalnetEnabled: false,
        debug: false,
      });
      expect(schemaErrors(sd)).toEqual([]);
    }
    // No Submariner CR and nothing else of the connectivity component is registered by this program.
    expect(recorded.where((r) => /Submariner$|Gateway$|:Endpoint$/.test(r.type))).toEqual([]);
    const ids = regions.map((r) => r.clusterId);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
  });

  it("carries the broker token and CA to every member only in a secret copy of the broker's token Secret", async () => {
    const { recorded } = await planSubmariner();
    const token = recorded.one(SECRET, `mesh-${regions[0].name}-broker-token`);
    expect(token.provider).toBe(providerName(regions[0].name));
    expect(token.inputs).toMatchObject({
      type: "kubernetes.io/service-account-token",
      metadata: {
        name: BROKER_TOKEN_SECRET_NAME,
        namespace: "submariner-k8s-broker",
        annotations: { "kubernetes.io/service-account.name": "submariner-k8s-broker-client" },
      },
    });
    const tokenName = `mesh-${regions[0].name}-broker-token`;
    for (const region of regions) {
      const copy = recorded.one(SECRET, `mesh-${region.name}-broker-secret`);
      expect(copy.provider).toBe(providerName(region.name));
      expect(copy.inputs).toMatchObject({
        type: "Opaque",
        metadata: { name: "submariner-broker-secret", namespace: "submariner-operator" },
      });
      expect(isSecretValue(copy.inputs.data)).toBe(true);
      // The mocks fill the token Secret as the token controller would; the copy holds its data unchanged.
      expect(secretValue<Record<string, string>>(copy.inputs.data)).toMatchObject({
        token: b64(`mock-token:${tokenName}`),
        "ca.crt": b64(`mock-ca-crt:${tokenName}`),
      });
    }
  });

  it("keeps every other recorded input free of the broker credentials", async () => {
    const { recorded } = await planSubmariner();
    const tokenB64 = b64(`mock-token:mesh-${regions[0].name}-broker-token`);
    const leaks = recorded.resources.filter(
      (r) => JSON.stringify(r.inputs).includes("mock-token") || JSON.stringify(r.inputs).includes(tokenB64),
    );
    // Only the broker-secret copies hold it, and they hold it as a secret.
    expect(leaks.map((r) => r.name).sort()).toEqual(regions.map((r) => `mesh-${r.name}-broker-secret`).sort());
    for (const r of leaks) expect(isSecretValue(r.inputs.data)).toBe(true);
  });

  it("fronts Lighthouse's CoreDNS with a Service per cluster and hands its ClusterIP to the DNS hook", async () => {
    const { recorded, hookCalls } = await planSubmariner();
    for (const region of regions) {
      const svc = recorded.one(SERVICE, `mesh-${region.name}-clusterset-dns`);
      expect(svc.provider).toBe(providerName(region.name));
      expect(svc.inputs).toMatchObject({
        metadata: { name: CLUSTERSET_DNS_SERVICE_NAME, namespace: "submariner-operator" },
        spec: {
          type: "ClusterIP",
          selector: { app: "submariner-lighthouse-coredns" },
          ports: [
            { protocol: "UDP", port: 53, targetPort: 53 },
            { protocol: "TCP", port: 53, targetPort: 53 },
          ],
        },
      });
    }
    expect(hookCalls.sort((a, b) => a.index - b.index)).toEqual(
      regions.map((r) => ({ index: r.index, ip: `mock-cluster-ip:mesh-${r.name}-clusterset-dns` })),
    );
  });

  it("exports every Kafka headless Service from the cluster that runs it, after that cluster's mesh is ready", async () => {
    const { recorded, ready } = await planSubmariner();
    const exports = recorded.ofType(SERVICE_EXPORT);
    const expected = regions.flatMap((r) =>
      ["controller", "broker"].map((role) => ({ provider: providerName(r.name), name: `kafka-${role}-${r.clusterId}` })),
    );
    expect(exports.map((e) => ({ provider: e.provider, name: (e.inputs.metadata as { name: string }).name })).sort(byName)).toEqual(
      expected.sort(byName),
    );
    for (const e of exports) {
      expect(e.inputs).toEqual({
        apiVersion: "multicluster.x-k8s.io/v1alpha1",
        kind: "ServiceExport",
        metadata: { name: (e.inputs.metadata as { name: string }).name, namespace: KAFKA_NAMESPACE },
      });
    }
    regions.forEach((r, i) => {
      expect(ready[i]).toEqual([`mesh-${r.name}-operator`, `mesh-${r.name}-service-discovery`, `mesh-${r.name}-clusterset-dns`]);
    });
  });

  it("registers only objects that pass the Kubernetes schemas", async () => {
    const { recorded } = await planSubmariner();
    const objects = recorded.where(
      (r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/") && r.type !== SERVICE_EXPORT,
    );
    expect(objects.map((r) => r.type).sort()).toEqual([
      ...Array(4).fill("kubernetes:core/v1:Namespace"),
      ...Array(4).fill(SECRET),
      ...Array(3).fill(SERVICE),
      ...Array(3).fill(SERVICE_DISCOVERY),
    ]);
    for (const r of objects) {
      // The broker-secret copies hold base64 data and the ServiceDiscovery spec booleans, which the shape helper's
      // "[secret]" leaves would not be: open those two.
      const open = r.name.endsWith("-broker-secret") || r.type === SERVICE_DISCOVERY;
      const opened = open ? { ...r, inputs: renderSecrets(r.inputs, true) as Record<string, unknown> } : withSecretShapes(r);
      expect(schemaErrors(opened)).toEqual([]);
    }
  });

  it("counts: 4 Namespaces, 4 Releases, 4 Secrets, 3 ServiceDiscovery CRs, 3 Services, one ServiceExport per export", async () => {
    const { recorded } = await planSubmariner();
    expect(countByType(recorded.where((r) => r.parent === "mesh"))).toEqual({
      "kubernetes:core/v1:Namespace": 4,
      [RELEASE]: 4,
      [SECRET]: 4,
      [SERVICE_DISCOVERY]: 3,
      [SERVICE]: 3,
      [SERVICE_EXPORT]: 6,
    });
  });
});

describe("the operator chart's post-renderer", () => {
  const render = (manifests: string) =>
    execFileSync("sh", [path.join(REPO_ROOT, OPERATOR_POST_RENDERER)], { input: manifests, encoding: "utf8" });
  const doc = (source: string, body: string) => `---\n# Source: submariner-operator/templates/${source}\n${body}`;
  const operator = doc("operator-deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: submariner-operator\n");
  const account = doc("svc-acct.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: submariner-operator\n");
  const cr = doc(
    "submariner.yaml",
    "apiVersion: submariner.io/v1alpha1\nkind: Submariner\nmetadata:\n  name: submariner\nspec:\n  cableDriver: libreswan\n",
  );

  it("drops the Submariner CR wherever it is in the stream and passes every other document unchanged", () => {
    expect(render(account + cr + operator)).toBe(account + operator);
    expect(render(cr + account)).toBe(account);
    expect(render(account + operator)).toBe(account + operator);
  });

  it("keeps CRDs and RBAC that merely name Submariner", () => {
    const crd = doc(
      "crd.yaml",
      "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec:\n  names:\n    kind: Submariner\n",
    );
    expect(render(crd)).toBe(crd);
    const role = doc("rbac.yaml", "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nrules:\n- resources: [submariners]\n");
    expect(render(role)).toBe(role);
  });
});

describe("Submariner mesh arguments", () => {
  it("refuses the eks stack and a gke mesh without the kube-dns hook, before creating anything", async () => {
    const eks = meshSpec("eks");
    const attempt = (cloudSpec: typeof spec, withHook: boolean) =>
      runComponent(() => {
        const clusters = fakeClusters(cloudSpec);
        createMesh("mesh", {
          ...meshSettings({ ...cloudSpec, mesh: { mode: "submariner" } }),
          clusters,
          apiServerEndpoints: fakeApiServers(cloudSpec),
          ...(withHook ? { configureClustersetDns: () => [] } : {}),
        });
      });
    await expect(attempt(eks, true)).rejects.toMatchObject({ errors: [{ propertyPath: "mode" }] });
    await expect(attempt(spec, false)).rejects.toMatchObject({ errors: [{ propertyPath: "configureClustersetDns" }] });
  });

  it("refuses to export a Service of a cluster it did not join", async () => {
    await expect(
      runComponent(() => {
        const clusters = fakeClusters(spec);
        const mesh = new SubmarinerMesh("mesh", { clusters: clusters.slice(0, 2), brokerApiServer: "api.invalid" });
        mesh.exportService({ cluster: clusters[2], namespace: "kafka", serviceName: "s", name: "s" });
      }),
    ).rejects.toThrow(/no cluster for region index 2/);
  });
});

function byName(a: { name: string }, b: { name: string }): number {
  return a.name.localeCompare(b.name);
}

function countByType(resources: readonly RecordedResource[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}
