// The mesh layer's pure parts: pinned charts and the value keys checked against them, API server addresses, Submariner
// and Istio values, the Istio network model, the remote-secret kubeconfig, the CA chain and the argument checks.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { apiServerClients, apiServerHostPort, apiServerUrl, serviceAccountCredentials } from "../lib/mesh/access";
import { CHARTS, ISTIO_CHART_REPO, SUBMARINER_CHART_REPO, releaseChart, valuePaths } from "../lib/mesh/charts";
import {
  DEFAULT_MESH_ID,
  baseValues,
  certChainPem,
  istioNetworkModelOf,
  eastWestGatewayValues,
  istioNetworks,
  istiodValues,
  needsEastWestGateway,
  remoteSecretKubeconfig,
  remoteSecretName,
} from "../lib/mesh/istio";
import { brokerValues, operatorValues, serviceDiscoverySpec } from "../lib/mesh/submariner";
import { meshArgsProblems } from "../lib/mesh/validate";
import { meshSpec } from "./helpers/mesh-fixtures";
import { PROFILES } from "../lib/cloud";

const b64 = (text: string) => Buffer.from(text).toString("base64");

describe("pinned charts", () => {
  it("come from the official repositories at exact versions, one Submariner and one Istio release", () => {
    expect(releaseChart(CHARTS.submarinerBroker)).toEqual({
      chart: "submariner-k8s-broker",
      version: "0.24.2",
      repositoryOpts: { repo: "https://submariner-io.github.io/submariner-charts/charts" },
    });
    expect(releaseChart(CHARTS.submarinerOperator)).toEqual({
      chart: "submariner-operator",
      version: "0.24.2",
      repositoryOpts: { repo: SUBMARINER_CHART_REPO },
    });
    for (const ref of [CHARTS.istioBase, CHARTS.istiod, CHARTS.istioGateway]) {
      expect(ref.repo).toBe("https://istio-release.storage.googleapis.com/charts");
      expect(ref.version).toBe("1.30.3");
    }
    expect([CHARTS.istioBase.chart, CHARTS.istiod.chart, CHARTS.istioGateway.chart]).toEqual(["base", "istiod", "gateway"]);
    expect(ISTIO_CHART_REPO).toMatch(/^https:\/\//);
  });

  it("each carry the date and the source of the check", () => {
    for (const ref of Object.values(CHARTS)) {
      expect(ref.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(ref.checkedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(ref.source.length).toBeGreaterThan(20);
      expect(ref.valuesSource).toMatch(/@[0-9a-f]{7,}/);
    }
  });
});

describe("chart values use only keys checked against the charts' values.yaml", () => {
  it.each([
    ["submariner-operator", valuePaths(operatorValues()), CHARTS.submarinerOperator.valueKeys],
    ["submariner-k8s-broker", valuePaths(brokerValues()), CHARTS.submarinerBroker.valueKeys],
    ["base", valuePaths(baseValues()), CHARTS.istioBase.valueKeys],
    ["istiod", valuePaths(istiodValues({ meshId: "m", clusterId: "c", network: "n", nodeSelector: { a: "b" } })), CHARTS.istiod.valueKeys],
    ["gateway", valuePaths(eastWestGatewayValues({ network: "n", nodeSelector: { a: "b" } })), CHARTS.istioGateway.valueKeys],
  ])("%s", (_chart, paths, verified) => {
    for (const path of paths) expect(verified).toContain(path);
  });

  it("valuePaths stops at data maps and lists every leaf", () => {
    expect(valuePaths({ a: { b: 1, c: { d: "x" } }, labels: { x: "y" }, e: [] })).toEqual(["a.b", "a.c.d", "labels", "e"]);
  });
});

describe("API server addresses", () => {
  it.each([
    ["34.1.2.3", "34.1.2.3", "https://34.1.2.3"],
    ["https://ABC.gr7.us-east-1.eks.amazonaws.com", "ABC.gr7.us-east-1.eks.amazonaws.com", "https://ABC.gr7.us-east-1.eks.amazonaws.com"],
    ["https://10.0.0.2:6443/", "10.0.0.2:6443", "https://10.0.0.2:6443"],
    [" HTTPS://host ", "host", "https://host"],
  ])("%s -> %s and %s", (endpoint, hostPort, url) => {
    expect(apiServerHostPort(endpoint)).toBe(hostPort);
    expect(apiServerUrl(endpoint)).toBe(url);
  });

  it.each(["http://host", "https://host/path", "", "https://"])("refuses %j", (endpoint) => {
    expect(() => apiServerHostPort(endpoint)).toThrow(/API server endpoint/);
  });

  it("normalising is idempotent", () => {
    fc.assert(
      fc.property(fc.domain(), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), (host, port) => {
        const endpoint = port === undefined ? host : `${host}:${port}`;
        expect(apiServerHostPort(apiServerUrl(endpoint))).toBe(apiServerHostPort(endpoint));
      }),
    );
  });

  it("reads a ServiceAccount token Secret's data: token decoded, CA kept base64", () => {
    expect(serviceAccountCredentials({ token: b64("eyJ.tok"), "ca.crt": b64("PEM") })).toEqual({ token: "eyJ.tok", caBase64: b64("PEM") });
    expect(() => serviceAccountCredentials({ token: b64("x") })).toThrow(/no `token` or `ca.crt`/);
    expect(() => serviceAccountCredentials(undefined)).toThrow(/no `token` or `ca.crt`/);
  });
});

describe("Submariner, service discovery only", () => {
  it("creates no ServiceAccount for the gateway, route agent or Globalnet, and sets nothing else in the operator chart", () => {
    expect(operatorValues()).toEqual({
      serviceAccounts: { gateway: { create: false }, routeAgent: { create: false }, globalnet: { create: false } },
    });
  });

  it("join a cluster by its ServiceDiscovery CR: id, broker address and namespace, credentials by Secret name, no Globalnet", () => {
    const spec = serviceDiscoverySpec({ clusterId: "gke-us-central1" }, "api.invalid:443", "0.24.2");
    expect(spec).toEqual({
      clusterID: "gke-us-central1",
      namespace: "submariner-operator",
      version: "0.24.2",
      brokerK8sApiServer: "api.invalid:443",
      brokerK8sRemoteNamespace: "submariner-k8s-broker",
      brokerK8sSecret: "submariner-broker-secret",
      brokerK8sInsecure: false,
      globalnetEnabled: false,
      debug: false,
    });
    expect(JSON.stringify(spec)).not.toMatch(/Token|brokerK8sCA/);
  });
});

describe("who dials which API server", () => {
  it("Submariner: every cluster dials the broker's (the first), its own included; nobody dials a member's", () => {
    expect(apiServerClients("submariner", 3)).toEqual([[0, 1, 2], [], []]);
  });
  it("Istio multi-primary: every istiod dials every other cluster's", () => {
    expect(apiServerClients("istio", 3)).toEqual([
      [1, 2],
      [0, 2],
      [0, 1],
    ]);
  });
});

describe("Istio network model", () => {
  const ids = ["a", "b", "c"];
  it("puts every cluster of both clouds on one network (pod addresses route over the peering)", () => {
    expect(istioNetworkModelOf(meshSpec("gke"))).toBe("shared");
    expect(istioNetworkModelOf(meshSpec("eks"))).toBe("shared");
    const shared = istioNetworks(ids, "shared", DEFAULT_MESH_ID);
    expect(new Set(shared).size).toBe(1);
    expect(ids.map((_, i) => needsEastWestGateway(shared, i))).toEqual([false, false, false]);
  });

  it("gives each cluster its own network and gateway in the per-cluster model", () => {
    const perCluster = istioNetworks(ids, "per-cluster", "m");
    expect(perCluster).toEqual(["m-a", "m-b", "m-c"]);
    expect(ids.map((_, i) => needsEastWestGateway(perCluster, i))).toEqual([true, true, true]);
  });

  it("needs a gateway exactly where some other cluster is on another network", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("n1", "n2", "n3"), { minLength: 1, maxLength: 6 }), (networks) => {
        networks.forEach((network, i) => {
          const others = networks.filter((_, j) => j !== i);
          expect(needsEastWestGateway(networks, i)).toBe(others.some((o) => o !== network));
        });
      }),
    );
  });
});

describe("Istio values and objects", () => {
  it("istiod carries the mesh id, the cluster name and the network, and runs on the system pool", () => {
    expect(
      istiodValues({ meshId: "geo-kafka", clusterId: "eks-us-east-1", network: "geo-kafka-network", nodeSelector: { p: "s" } }),
    ).toEqual({
      global: {
        istioNamespace: "istio-system",
        meshID: "geo-kafka",
        multiCluster: { clusterName: "eks-us-east-1" },
        network: "geo-kafka-network",
      },
      nodeSelector: { p: "s" },
    });
  });

  it("the east-west gateway serves its network with the label the Gateway selects", () => {
    expect(eastWestGatewayValues({ network: "m-a", nodeSelector: {} })).toEqual({
      networkGateway: "m-a",
      labels: { istio: "eastwestgateway" },
      nodeSelector: {},
    });
  });

  it("a remote secret's kubeconfig names the remote cluster everywhere and authenticates with its token", () => {
    const text = remoteSecretKubeconfig({
      clusterName: "gke-us-west1",
      server: "https://api.invalid",
      certificateAuthorityData: b64("CA"),
      token: "tok",
    });
    expect(parse(text)).toEqual({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "gke-us-west1", cluster: { server: "https://api.invalid", "certificate-authority-data": b64("CA") } }],
      users: [{ name: "gke-us-west1", user: { token: "tok" } }],
      contexts: [{ name: "gke-us-west1", context: { cluster: "gke-us-west1", user: "gke-us-west1" } }],
      "current-context": "gke-us-west1",
    });
    expect(remoteSecretName("gke-us-west1")).toBe("istio-remote-secret-gke-us-west1");
  });

  it("cert-chain.pem is the intermediate then the root, each ending in a newline", () => {
    expect(certChainPem("INT", "ROOT\n")).toBe("INT\nROOT\n");
    expect(certChainPem("INT\n", "ROOT")).toBe("INT\nROOT\n");
  });
});

describe("meshArgsProblems", () => {
  const gke = meshSpec("gke");
  const ids = gke.regions.map((r) => r.clusterId);
  const shape = {
    mode: "submariner" as const,
    network: PROFILES.gke.mesh,
    clusterRegionIndexes: [0, 1, 2],
    clusterIds: ids,
    apiServerEndpointCount: 3,
    hasClustersetDnsHook: true,
  };

  it("accepts the stacks' own combinations", () => {
    expect(meshArgsProblems(shape)).toEqual([]);
    expect(meshArgsProblems({ ...shape, mode: "istio", hasClustersetDnsHook: false })).toEqual([]);
    const eksIds = meshSpec("eks").regions.map((r) => r.clusterId);
    expect(meshArgsProblems({ ...shape, network: PROFILES.eks.mesh, mode: "istio", clusterIds: eksIds })).toEqual([]);
    expect(meshArgsProblems({ ...shape, network: PROFILES.existing.mesh, hasClustersetDnsHook: false })).toEqual([]);
  });

  it("reports every problem at once, by argument path", () => {
    const problems = meshArgsProblems({
      ...shape,
      clusterRegionIndexes: [1, 0, 2],
      clusterIds: [ids[1], ids[0], ids[2]],
      apiServerEndpointCount: 1,
      hasClustersetDnsHook: false,
    });
    expect(problems.map((p) => p.propertyPath)).toEqual(["clusters[0]", "clusters[1]", "apiServerEndpoints", "configureClustersetDns"]);
  });

  it("refuses Submariner on EKS's network and a mesh of one cluster", () => {
    const problems = meshArgsProblems({
      ...shape,
      network: PROFILES.eks.mesh,
      clusterRegionIndexes: [0],
      clusterIds: ids.slice(0, 1),
      apiServerEndpointCount: 1,
    });
    expect(problems.map((p) => p.propertyPath)).toEqual(["clusters", "mode"]);
    expect(problems[1].reason).toMatch(/submariner#2265/);
  });
});
