// Submariner mode on the gke stack's three clusters, recorded under mocks: which chart goes where with which values,
// how the broker's token and CA reach the members (secret only), Lighthouse DNS, and one ServiceExport per Kafka
// headless Service on the cluster that owns it.
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createMesh } from "../components/mesh";
import { BROKER_TOKEN_SECRET_NAME, CLUSTERSET_DNS_SERVICE_NAME, SubmarinerMesh } from "../components/mesh/submariner";
import type { RegionalCluster } from "../components/platform";
import { KAFKA_NAMESPACE, headlessServiceName } from "../lib/kafka/addresses";
import { kafkaNodes } from "../lib/kafka/topology";
import { RecordedResource, containsSecret, isSecretValue } from "../tools/mock-runtime";
import { Recorded, runComponent } from "./helpers/harness";
import { schemaErrors } from "./helpers/k8s-schema";
import { fakeApiServers, fakeClusters, meshSpec, providerName, secretValue, withSecretShapes } from "./helpers/mesh-fixtures";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const SECRET = "kubernetes:core/v1:Secret";
const SERVICE = "kubernetes:core/v1:Service";
const SERVICE_EXPORT = "kubernetes:multicluster.x-k8s.io/v1alpha1:ServiceExport";
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
      spec,
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

  it("joins each cluster with its own id and ranges, VXLAN, NAT traversal off, Lighthouse on, the broker's address", async () => {
    const { recorded } = await planSubmariner();
    for (const region of regions) {
      const op = recorded.one(RELEASE, `mesh-${region.name}-operator`);
      expect(op.provider).toBe(providerName(region.name));
      expect(containsSecret(op.inputs.values)).toBe(false);
      expect(op.inputs.values).toEqual({
        submariner: {
          clusterId: region.clusterId,
          clusterCidr: region.podCidr,
          serviceCidr: region.serviceCidr,
          globalCidr: "",
          natEnabled: false,
          cableDriver: "vxlan",
          serviceDiscovery: true,
        },
        // The broker cluster's endpoint, scheme removed: the operator adds https:// itself.
        broker: { server: `api.${regions[0].clusterId}.invalid`, namespace: "submariner-k8s-broker", insecure: false, globalnet: false },
      });
    }
    const ids = regions.map((r) => r.clusterId);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
  });

  it("carries the broker token and CA to every member only as a secret values file made from the broker's token Secret", async () => {
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
    for (const region of regions) {
      const op = recorded.one(RELEASE, `mesh-${region.name}-operator`);
      expect(isSecretValue(op.inputs.valueYamlFiles)).toBe(true);
      const files = secretValue<Array<{ text: Promise<string> }>>(op.inputs.valueYamlFiles);
      expect(files).toHaveLength(1);
      // The mocks fill the token Secret as the token controller would; the file holds exactly its token and CA.
      const tokenName = `mesh-${regions[0].name}-broker-token`;
      expect(parse(await files[0].text)).toEqual({ broker: { token: `mock-token:${tokenName}`, ca: b64(`mock-ca-crt:${tokenName}`) } });
      expect(JSON.stringify(op.inputs.values)).not.toContain("mock-token");
    }
  });

  it("keeps every other recorded input free of the broker credentials", async () => {
    const { recorded } = await planSubmariner();
    const leaks = recorded.resources.filter((r) => r.type !== RELEASE && JSON.stringify(r.inputs).includes("mock-token"));
    expect(leaks).toEqual([]);
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
      expect(ready[i]).toEqual([`mesh-${r.name}-operator`, `mesh-${r.name}-clusterset-dns`]);
    });
  });

  it("registers only objects that pass the Kubernetes schemas", async () => {
    const { recorded } = await planSubmariner();
    const objects = recorded.where(
      (r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/") && r.type !== SERVICE_EXPORT,
    );
    expect(objects.map((r) => r.type).sort()).toEqual([
      ...Array(4).fill("kubernetes:core/v1:Namespace"),
      SECRET,
      ...Array(3).fill(SERVICE),
    ]);
    for (const r of objects) expect(schemaErrors(withSecretShapes(r))).toEqual([]);
  });

  it("counts: 4 Namespaces, 4 Releases, 1 Secret, 3 Services, and one ServiceExport per exported Service", async () => {
    const { recorded } = await planSubmariner();
    expect(countByType(recorded.where((r) => r.parent === "mesh"))).toEqual({
      "kubernetes:core/v1:Namespace": 4,
      [RELEASE]: 4,
      [SECRET]: 1,
      [SERVICE]: 3,
      [SERVICE_EXPORT]: 6,
    });
  });
});

describe("Submariner mesh arguments", () => {
  it("refuses the eks stack and a gke mesh without the kube-dns hook, before creating anything", async () => {
    const eks = meshSpec("eks");
    const attempt = (cloudSpec: typeof spec, withHook: boolean) =>
      runComponent(() => {
        const clusters = fakeClusters(cloudSpec);
        createMesh("mesh", {
          spec: { ...cloudSpec, mesh: { mode: "submariner" } },
          clusters,
          apiServerEndpoints: fakeApiServers(cloudSpec),
          ...(withHook ? { configureClustersetDns: () => [] } : {}),
        });
      });
    await expect(attempt(eks, true)).rejects.toMatchObject({ errors: [{ propertyPath: "spec.mesh.mode" }] });
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
