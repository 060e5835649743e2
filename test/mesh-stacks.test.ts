// The mesh as the two stacks plan it: the right releases on every cluster's own provider, with the right values,
// secrets kept out of what reviewers read, and every Kafka address reachable from all three clusters.
import { beforeAll, describe, expect, it } from "vitest";
import { containsSecret, renderSecrets } from "../tools/mock-runtime";
import { Recorded, planStackOk } from "./helpers/harness";
import { schemaErrors } from "./helpers/k8s-schema";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const recorded: Record<string, Recorded> = {};
beforeAll(async () => {
  for (const stack of ["gke", "eks"]) recorded[stack] = (await planStackOk(stack)).recorded;
});

describe("stack gke: Submariner", () => {
  const regions = [
    { name: "us-east4", clusterId: "gke-us-east4", podCidr: "10.0.0.0/14" },
    { name: "us-central1", clusterId: "gke-us-central1", podCidr: "10.4.0.0/14" },
    { name: "us-west1", clusterId: "gke-us-west1", podCidr: "10.8.0.0/14" },
  ];

  it("installs the broker chart in the first cluster and the operator in all three, pinned, for service discovery only", () => {
    const releases = recorded.gke.ofType(RELEASE);
    expect(releases.filter((r) => r.inputs.chart === "submariner-k8s-broker").map((r) => r.provider)).toEqual(["gke-us-east4-k8s"]);
    for (const region of regions) {
      const [operator] = releases.filter((r) => r.inputs.chart === "submariner-operator" && r.provider === `gke-${region.name}-k8s`);
      expect(operator.inputs.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(containsSecret(operator.inputs.values)).toBe(false);
      // The chart's Submariner CR (gateway and route agent) is removed by the post-renderer.
      expect(operator.inputs.postrender).toBe("components/mesh/operator-post-renderer.sh");
      const [sd] = recorded.gke.where(
        (r) => r.type === "kubernetes:submariner.io/v1alpha1:ServiceDiscovery" && r.provider === `gke-${region.name}-k8s`,
      );
      expect(renderSecrets(sd.inputs.spec, true)).toMatchObject({
        clusterID: region.clusterId,
        brokerK8sSecret: "submariner-broker-secret",
      });
    }
  });

  it("runs no Submariner datapath: no Submariner CR, no gateway node label, no cable or VXLAN firewall port", () => {
    expect(recorded.gke.where((r) => r.type === "kubernetes:submariner.io/v1alpha1:Submariner")).toEqual([]);
    for (const pool of recorded.gke.ofType("gcp:container/nodePool:NodePool")) {
      expect(Object.keys((pool.inputs.nodeConfig as { labels: Record<string, string> }).labels)).not.toContain("submariner.io/gateway");
    }
    for (const rule of recorded.gke.ofType("gcp:compute/firewall:Firewall")) {
      expect(JSON.stringify(rule.inputs.allows ?? [])).not.toMatch(/udp|4500|4490|4800|8080/);
    }
  });

  it("resolves clusterset.local through Lighthouse in every cluster: a kube-dns stub domain to Lighthouse's CoreDNS", () => {
    for (const region of regions) {
      const [patch] = recorded.gke.where((r) => r.type === "kubernetes:core/v1:ConfigMapPatch" && r.provider === `gke-${region.name}-k8s`);
      expect(patch.inputs.metadata).toEqual({ namespace: "kube-system", name: "kube-dns" });
      const stubDomains = JSON.parse((patch.inputs.data as { stubDomains: string }).stubDomains) as Record<string, string[]>;
      expect(Object.keys(stubDomains)).toEqual(["clusterset.local"]);
      expect(stubDomains["clusterset.local"]).toEqual([`mock-cluster-ip:mesh-${region.name}-clusterset-dns`]);
    }
  });

  it("exports every Kafka headless Service from the cluster that runs it", () => {
    const exports = recorded.gke.where((r) => r.type.startsWith("kubernetes:multicluster.x-k8s.io/") && r.type.endsWith(":ServiceExport"));
    expect(exports).toHaveLength(6);
    for (const region of regions) expect(exports.filter((e) => e.provider === `gke-${region.name}-k8s`)).toHaveLength(2);
  });
});

describe("stack gke: every name Kafka advertises resolves and routes from every cluster, by design", () => {
  // <pod>.<clusterId>.<service>.<namespace>.svc.clusterset.local (Multi-Cluster Services, KEP-1645; Lighthouse answers it):
  // the chain is kube-dns stub domain -> Lighthouse CoreDNS -> the ServiceExport of a headless Service in the cluster
  // whose ServiceDiscovery CR carries that cluster id -> a StatefulSet pod of that name -> its pod IP, routed over the
  // VPC peering and admitted by the firewall and the NetworkPolicy (policy rules).
  const NAME = /^([a-z0-9-]+)-(\d+)\.([a-z0-9-]+)\.([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.clusterset\.local$/;

  it("follows each advertised and quorum name of every node to its own cluster's exported headless Service and pod", () => {
    const plan = recorded.gke;
    const clusterOf = new Map(
      plan
        .where((r) => r.type === "kubernetes:submariner.io/v1alpha1:ServiceDiscovery")
        .map((sd) => [(sd.inputs.spec as { clusterID: string }).clusterID, sd.provider!]),
    );
    expect(clusterOf.size).toBe(3);
    const hosts = new Set<string>();
    for (const cm of plan.ofType("kubernetes:core/v1:ConfigMap")) {
      for (const [file, text] of Object.entries((cm.inputs.data ?? {}) as Record<string, string>)) {
        if (!/^server-\d+\.properties$/.test(file)) continue;
        for (const line of text.split("\n")) {
          const m = /^(advertised\.listeners|controller\.quorum\.bootstrap\.servers)=(.*)$/.exec(line);
          if (!m) continue;
          for (const entry of m[2].split(",")) hosts.add(entry.replace(/^[A-Z_]+:\/\//, "").replace(/:\d+$/, ""));
        }
      }
    }
    // 9 brokers and 3 controllers, each named once.
    expect(hosts.size).toBe(12);
    for (const host of hosts) {
      const m = NAME.exec(host);
      expect(m, host).not.toBeNull();
      const [, set, ordinal, clusterId, service, namespace] = m!;
      const provider = clusterOf.get(clusterId);
      expect(provider, `${host}: no cluster joined with id ${clusterId}`).toBeDefined();
      const inCluster = plan.where((r) => r.provider === provider);
      const svc = inCluster.find(
        (r) => r.type === "kubernetes:core/v1:Service" && (r.inputs.metadata as { name: string; namespace: string }).name === service,
      );
      expect(svc?.inputs.spec, host).toMatchObject({ clusterIP: "None", publishNotReadyAddresses: true });
      expect((svc!.inputs.metadata as { namespace: string }).namespace).toBe(namespace);
      const exported = inCluster.find(
        (r) => r.type.endsWith(":ServiceExport") && (r.inputs.metadata as { name: string; namespace: string }).name === service,
      );
      expect((exported?.inputs.metadata as { namespace?: string } | undefined)?.namespace, `${host}: not exported`).toBe(namespace);
      const sts = inCluster.find(
        (r) => r.type === "kubernetes:apps/v1:StatefulSet" && (r.inputs.metadata as { name: string }).name === set,
      );
      const spec = sts?.inputs.spec as { serviceName: string; replicas: number } | undefined;
      expect(spec?.serviceName, host).toBe(service);
      expect(Number(ordinal)).toBeLessThan(spec!.replicas);
    }
  });
});

describe("stack eks: Istio multi-primary", () => {
  const regions = ["us-east-1", "us-east-2", "us-west-2"];

  it("installs base and istiod per cluster with one mesh id and each cluster's name", () => {
    for (const region of regions) {
      const provider = `eks-${region}-control-plane-k8s`;
      const releases = recorded.eks.ofType(RELEASE).filter((r) => r.provider === provider && r.name.startsWith("mesh-"));
      expect(releases.map((r) => r.inputs.chart).sort()).toEqual(["base", "istiod"]);
      const istiod = releases.find((r) => r.inputs.chart === "istiod")!;
      expect(istiod.inputs.values).toMatchObject({ global: { meshID: "geo-kafka", multiCluster: { clusterName: `eks-${region}` } } });
      expect(containsSecret(istiod.inputs.values)).toBe(false);
    }
  });

  it("carries the CA material and remote kubeconfigs only as secrets, and enforces STRICT mTLS in every cluster", () => {
    const secrets = recorded.eks.ofType("kubernetes:core/v1:Secret");
    expect(secrets.length).toBeGreaterThanOrEqual(12);
    // Service-account token Secrets carry no data of ours: Kubernetes fills them in the cluster.
    const withData = secrets.filter((s) => s.inputs.data !== undefined || s.inputs.stringData !== undefined);
    expect(withData.length).toBeGreaterThanOrEqual(9);
    for (const s of withData) expect(containsSecret(s.inputs.data ?? s.inputs.stringData)).toBe(true);
    const strict = recorded.eks.where((r) => r.type.endsWith(":PeerAuthentication"));
    for (const region of regions) expect(strict.some((p) => p.provider === `eks-${region}-control-plane-k8s`)).toBe(true);
    for (const p of strict) {
      expect((p.inputs.spec as { mtls: { mode: string } }).mtls.mode).toBe("STRICT");
      expect(schemaErrors(p)).toEqual([]);
    }
  });

  it("creates every Kafka node's Service in all three clusters", () => {
    const services = recorded.eks
      .ofType("kubernetes:core/v1:Service")
      .filter((s) => (s.inputs.spec as { clusterIP?: string }).clusterIP !== "None");
    const names = (provider: string) =>
      new Set(
        services
          .filter((s) => s.provider === provider)
          .map((s) => (s.inputs.metadata as { name: string }).name)
          .filter((n) => n.startsWith("kafka-")),
      );
    const first = names("eks-us-east-1-control-plane-k8s");
    expect(first.size).toBe(12);
    for (const region of regions) expect(names(`eks-${region}-control-plane-k8s`)).toEqual(first);
  });
});
