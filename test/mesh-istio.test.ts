// Istio multi-primary mode on the eks and gke stacks' clusters, recorded under mocks: one root CA and a per-cluster
// intermediate in `cacerts` (secret only), base + istiod per cluster with mesh id, cluster name and network, remote
// secrets for every other cluster (secret only), STRICT mTLS, gateways only across networks, schema validation.
import * as k8s from "@pulumi/kubernetes";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createMesh } from "../components/mesh";
import { IstioMesh } from "../components/mesh/istio";
import type { MeshLayer } from "../components/mesh/types";
import type { StackSpec } from "../lib/config/spec";
import { KAFKA_NAMESPACE, nodeAddress, nodeServiceName } from "../lib/kafka/addresses";
import { kafkaNodes } from "../lib/kafka/topology";
import { RecordedResource, containsSecret, isSecretValue, renderSecrets } from "../tools/mock-runtime";
import { Recorded, runComponent } from "./helpers/harness";
import { meshSettings } from "../stacks/workload";
import { schemaErrors } from "./helpers/k8s-schema";
import { fakeApiServers, fakeClusters, meshSpec, providerName, secretValue, withSecretShapes } from "./helpers/mesh-fixtures";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const SECRET = "kubernetes:core/v1:Secret";
const PEER_AUTHENTICATION = "kubernetes:security.istio.io/v1beta1:PeerAuthentication";
const GATEWAY = "kubernetes:networking.istio.io/v1beta1:Gateway";
const b64 = (text: string) => Buffer.from(text).toString("base64");
const pem = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;

async function planIstio(spec: StackSpec): Promise<Recorded> {
  const { recorded } = await runComponent(() => {
    createMesh("mesh", { ...meshSettings(spec), clusters: fakeClusters(spec), apiServerEndpoints: fakeApiServers(spec) });
  });
  return recorded;
}

describe.each([
  ["eks", meshSpec("eks")],
  ["gke", meshSpec("gke", "istio")],
])("Istio mesh on the %s stack", (_stack, spec) => {
  const regions = spec.regions;

  it("installs base and istiod, pinned, in every cluster with one mesh id, its own cluster name and the shared network", async () => {
    const recorded = await planIstio(spec);
    const releases = recorded.ofType(RELEASE);
    expect(releases).toHaveLength(6);
    for (const region of regions) {
      const base = recorded.one(RELEASE, `mesh-${region.name}-base`);
      expect(base.provider).toBe(providerName(region.name));
      expect(base.inputs).toMatchObject({
        chart: "base",
        version: "1.30.3",
        repositoryOpts: { repo: "https://istio-release.storage.googleapis.com/charts" },
        name: "istio-base",
        namespace: "istio-system",
      });
      const istiod = recorded.one(RELEASE, `mesh-${region.name}-istiod`);
      expect(istiod.provider).toBe(providerName(region.name));
      expect(istiod.inputs).toMatchObject({ chart: "istiod", version: "1.30.3", name: "istiod", namespace: "istio-system" });
      expect(containsSecret(istiod.inputs.values)).toBe(false);
      expect(istiod.inputs.values).toEqual({
        global: {
          istioNamespace: "istio-system",
          meshID: "geo-kafka",
          multiCluster: { clusterName: region.clusterId },
          network: "geo-kafka-network",
        },
        nodeSelector: { "geo-kafka/pool": "system" },
      });
      const ns = recorded.one("kubernetes:core/v1:Namespace", `mesh-${region.name}-ns`);
      expect(ns.inputs.metadata).toEqual({ name: "istio-system", labels: { "topology.istio.io/network": "geo-kafka-network" } });
    }
    // One network: no east-west gateway anywhere.
    expect(releases.filter((r) => r.inputs.chart === "gateway")).toEqual([]);
    expect(recorded.ofType(GATEWAY)).toEqual([]);
  });

  it("generates one root CA and signs a per-cluster intermediate with it; private keys move only as secrets", async () => {
    const recorded = await planIstio(spec);
    expect(recorded.ofType("tls:index/selfSignedCert:SelfSignedCert").map((r) => r.name)).toEqual(["mesh-root-ca"]);
    expect(recorded.ofType("tls:index/privateKey:PrivateKey")).toHaveLength(1 + regions.length);
    const root = recorded.one("tls:index/selfSignedCert:SelfSignedCert", "mesh-root-ca");
    expect(root.inputs).toMatchObject({ isCaCertificate: true, validityPeriodHours: 87600 });
    expect(isSecretValue(root.inputs.privateKeyPem)).toBe(true);
    for (const region of regions) {
      const csr = recorded.one("tls:index/certRequest:CertRequest", `mesh-${region.name}-ca-csr`);
      expect(isSecretValue(csr.inputs.privateKeyPem)).toBe(true);
      const cert = recorded.one("tls:index/locallySignedCert:LocallySignedCert", `mesh-${region.name}-ca-cert`);
      expect(cert.inputs).toMatchObject({
        isCaCertificate: true,
        maxPathLength: 0,
        caCertPem: pem("CERTIFICATE", "mock-certificate:mesh-root-ca"),
      });
      expect(isSecretValue(cert.inputs.caPrivateKeyPem)).toBe(true);
      expect(secretValue<string>(cert.inputs.caPrivateKeyPem)).toBe(pem("EC PRIVATE KEY", "mock-private-key:mesh-root-key"));
    }
  });

  it("puts each cluster's intermediate, its key, the root and the chain in `cacerts`, as a secret only", async () => {
    const recorded = await planIstio(spec);
    const root = pem("CERTIFICATE", "mock-certificate:mesh-root-ca");
    for (const region of regions) {
      const cacerts = recorded.one(SECRET, `mesh-${region.name}-cacerts`);
      expect(cacerts.provider).toBe(providerName(region.name));
      expect(cacerts.inputs.metadata).toEqual({ name: "cacerts", namespace: "istio-system" });
      expect(isSecretValue(cacerts.inputs.stringData)).toBe(true);
      const intermediate = pem("CERTIFICATE", `mock-certificate:mesh-${region.name}-ca-cert`);
      expect(secretValue(cacerts.inputs.stringData)).toEqual({
        "ca-cert.pem": intermediate,
        "ca-key.pem": pem("EC PRIVATE KEY", `mock-private-key:mesh-${region.name}-ca-key`),
        "root-cert.pem": root,
        "cert-chain.pem": intermediate + root,
      });
    }
    // No key or certificate appears anywhere in a readable input of a Kubernetes object.
    const readable = recorded.where((r) => r.type.startsWith("kubernetes:")).map((r) => JSON.stringify(renderSecrets(r.inputs, false)));
    for (const text of readable) expect(text).not.toMatch(/PRIVATE KEY|mock-token/);
  });

  it("gives every istiod a remote secret for each other cluster, built from that cluster's reader token, secret end to end", async () => {
    const recorded = await planIstio(spec);
    const endpoints = fakeApiServers(spec);
    const remotes = recorded.where((r) => r.type === SECRET && /-remote-/.test(r.name));
    expect(remotes).toHaveLength(regions.length * (regions.length - 1));
    for (const holder of regions) {
      for (const remote of regions.filter((r) => r !== holder)) {
        const secret = recorded.one(SECRET, `mesh-${holder.name}-remote-${remote.name}`);
        expect(secret.provider).toBe(providerName(holder.name));
        expect(secret.inputs.metadata).toEqual({
          name: `istio-remote-secret-${remote.clusterId}`,
          namespace: "istio-system",
          labels: { "istio/multiCluster": "true" },
          annotations: { "networking.istio.io/cluster": remote.clusterId },
        });
        expect(isSecretValue(secret.inputs.stringData)).toBe(true);
        const data = secretValue<Record<string, string>>(secret.inputs.stringData);
        expect(Object.keys(data)).toEqual([remote.clusterId]);
        const kubeconfig = parse(data[remote.clusterId]) as {
          clusters: Array<{ name: string; cluster: { server: string; "certificate-authority-data": string } }>;
          users: Array<{ name: string; user: { token: string } }>;
          "current-context": string;
        };
        const tokenName = `mesh-${remote.name}-reader-token`;
        const host = endpoints[remote.index].replace(/^https:\/\//, "");
        expect(kubeconfig.clusters).toEqual([
          { name: remote.clusterId, cluster: { server: `https://${host}`, "certificate-authority-data": b64(`mock-ca-crt:${tokenName}`) } },
        ]);
        expect(kubeconfig.users).toEqual([{ name: remote.clusterId, user: { token: `mock-token:${tokenName}` } }]);
        expect(kubeconfig["current-context"]).toBe(remote.clusterId);
      }
    }
    for (const region of regions) {
      const token = recorded.one(SECRET, `mesh-${region.name}-reader-token`);
      expect(token.provider).toBe(providerName(region.name));
      expect(token.inputs).toMatchObject({
        type: "kubernetes.io/service-account-token",
        metadata: { namespace: "istio-system", annotations: { "kubernetes.io/service-account.name": "istio-reader-service-account" } },
      });
    }
  });

  it("makes mTLS STRICT mesh-wide, which covers the Kafka namespace, with a PeerAuthentication that passes the Istio schema", async () => {
    const recorded = await planIstio(spec);
    const policies = recorded.ofType(PEER_AUTHENTICATION);
    expect(policies.map((p) => p.provider).sort()).toEqual(regions.map((r) => providerName(r.name)).sort());
    for (const policy of policies) {
      // The root namespace without a selector is Istio's mesh-wide scope.
      expect(policy.inputs).toEqual({
        apiVersion: "security.istio.io/v1beta1",
        kind: "PeerAuthentication",
        metadata: { name: "default", namespace: "istio-system" },
        spec: { mtls: { mode: "STRICT" } },
      });
      expect(schemaErrors(policy)).toEqual([]);
    }
  });

  it("registers only Kubernetes objects that pass their schemas", async () => {
    const recorded = await planIstio(spec);
    const objects = recorded.where((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/"));
    // Namespaces, cacerts, reader tokens, remote secrets, PeerAuthentications.
    expect(objects.length).toBe(regions.length * 4 + regions.length * (regions.length - 1));
    for (const r of objects) expect(schemaErrors(withSecretShapes(r))).toEqual([]);
  });

  it("counts: 11 tls resources, 3 Namespaces, 12 Secrets, 6 Releases, 3 PeerAuthentications", async () => {
    const recorded = await planIstio(spec);
    expect(countByType(recorded.where((r) => r.parent === "mesh"))).toEqual({
      "tls:index/privateKey:PrivateKey": 4,
      "tls:index/selfSignedCert:SelfSignedCert": 1,
      "tls:index/certRequest:CertRequest": 3,
      "tls:index/locallySignedCert:LocallySignedCert": 3,
      "kubernetes:core/v1:Namespace": 3,
      [SECRET]: 12,
      [RELEASE]: 6,
      [PEER_AUTHENTICATION]: 3,
    });
  });
});

describe("Istio mesh contract for the Kafka layer", () => {
  const spec = meshSpec("eks");

  it("exports nothing, labels the namespace for injection, and every per-node Service name is one name in all three clusters", async () => {
    let mesh: MeshLayer | undefined;
    let exported = -1;
    const { recorded } = await runComponent(() => {
      const clusters = fakeClusters(spec);
      mesh = createMesh("mesh", { ...meshSettings(spec), clusters, apiServerEndpoints: fakeApiServers(spec) });
      // What the Kafka layer does in Istio mode: every node's ClusterIP Service in every cluster.
      const nodes = kafkaNodes({ regions: spec.regions, brokersPerRegion: 3, controllersPerRegion: 1 });
      exported = 0;
      for (const cluster of clusters) {
        for (const node of nodes) {
          const name = `svc-${cluster.region.name}-${node.podName}`;
          new k8s.core.v1.Service(
            name,
            {
              metadata: { name: nodeServiceName(node), namespace: KAFKA_NAMESPACE },
              spec: { ports: [{ port: 9091 }], selector: { pod: node.podName } },
            },
            { provider: cluster.provider },
          );
          exported += mesh.exportService({ cluster, namespace: KAFKA_NAMESPACE, serviceName: nodeServiceName(node), name }).length;
        }
      }
    });
    expect(mesh?.mode).toBe("istio");
    expect(mesh?.namespaceLabels).toEqual({ "istio-injection": "enabled" });
    expect(exported).toBe(0);
    const nodes = kafkaNodes({ regions: spec.regions, brokersPerRegion: 3, controllersPerRegion: 1 });
    for (const node of nodes) {
      const address = nodeAddress("istio", node);
      expect(address).toBe(`${node.podName}.kafka.svc.cluster.local`);
      const holders = recorded.where(
        (r) => r.type === "kubernetes:core/v1:Service" && (r.inputs.metadata as { name: string }).name === node.podName,
      );
      expect(holders.map((h) => h.provider).sort()).toEqual(spec.regions.map((r) => providerName(r.name)).sort());
    }
  });

  it("lists istiod, STRICT mTLS and the cluster's remote secrets as what workloads wait for", async () => {
    let names: string[][] = [];
    await runComponent(async () => {
      const mesh = createMesh("mesh", { ...meshSettings(spec), clusters: fakeClusters(spec), apiServerEndpoints: fakeApiServers(spec) });
      names = await Promise.all(
        spec.regions.map((r) =>
          Promise.all(
            mesh
              .readyIn(r.index)
              .map((res) => new Promise<string>((resolve) => res.urn.apply((u) => resolve(u.slice(u.lastIndexOf("::") + 2))))),
          ),
        ),
      );
    });
    spec.regions.forEach((region, i) => {
      const others = spec.regions.filter((r) => r !== region).map((r) => `mesh-${region.name}-remote-${r.name}`);
      expect(names[i]).toEqual([`mesh-${region.name}-istiod`, `mesh-${region.name}-strict-mtls`, ...others]);
    });
  });
});

describe("Istio per-cluster networks", () => {
  const spec = meshSpec("gke", "istio");

  it("adds an east-west gateway and a cross-network Gateway in every cluster, each on its own network", async () => {
    const { recorded } = await runComponent(() => {
      new IstioMesh("mesh", { clusters: fakeClusters(spec), apiServerEndpoints: fakeApiServers(spec), networkModel: "per-cluster" });
    });
    for (const region of spec.regions) {
      const network = `geo-kafka-${region.clusterId}`;
      const gateway = recorded.one(RELEASE, `mesh-${region.name}-eastwest`);
      expect(gateway.provider).toBe(providerName(region.name));
      expect(gateway.inputs).toMatchObject({
        chart: "gateway",
        version: "1.30.3",
        name: "istio-eastwestgateway",
        namespace: "istio-system",
        values: { networkGateway: network, labels: { istio: "eastwestgateway" }, nodeSelector: { "geo-kafka/pool": "system" } },
      });
      expect((recorded.one(RELEASE, `mesh-${region.name}-istiod`).inputs.values as { global: { network: string } }).global.network).toBe(
        network,
      );
      const crossNetwork = recorded.one(GATEWAY, `mesh-${region.name}-cross-network`);
      expect(crossNetwork.inputs.spec).toEqual({
        selector: { istio: "eastwestgateway" },
        servers: [{ port: { number: 15443, name: "tls", protocol: "TLS" }, tls: { mode: "AUTO_PASSTHROUGH" }, hosts: ["*.local"] }],
      });
      expect(schemaErrors(crossNetwork)).toEqual([]);
    }
  });

  it("refuses a missing endpoint and a cluster twice", async () => {
    await expect(
      runComponent(() => {
        const clusters = fakeClusters(spec);
        new IstioMesh("mesh", { clusters: [clusters[0], clusters[0]], apiServerEndpoints: ["a"] });
      }),
    ).rejects.toMatchObject({ errors: [{ propertyPath: "apiServerEndpoints" }, { propertyPath: "clusters[1].region.clusterId" }] });
  });
});

function countByType(resources: readonly RecordedResource[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}
