// Network rules over the plan: NetworkPolicies count only where the cluster enforces them, and once enforced they must
// still admit what Kafka needs (its own pods, the other clusters' pods, the scrapers); pods between peered AWS regions
// fit the peering's MTU; private EKS API servers are reachable from the peers' istiod.
import { Cidr, contains, parseCidr } from "../cidr";
import { PEERED_PATH_MTU_BYTES } from "../cloud/eks/eks";
import { GMP_NAMESPACE, ENVOY_STATS_PORT, ENVOY_STATS_PORT_NAME } from "../observability/scrape";
import { K8S_PROVIDER_TYPE } from "../plan";
import { KAFKA_PORTS } from "../ports";
import { PolicyResource, PolicyRule, Violation, get, list, reveal, str, violation, waitsFor } from "./plan-access";

const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const GKE_CLUSTER = "gcp:container/cluster:Cluster";
const EKS_CLUSTER = "aws:eks/cluster:Cluster";
const EKS_ADDON = "aws:eks/addon:Addon";
const GKE_SUBNETWORK = "gcp:compute/subnetwork:Subnetwork";
const AWS_VPC = "aws:ec2/vpc:Vpc";
const AWS_PEERING = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection";
const AWS_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const ISTIOD_CHART = "istiod";

/** The cloud cluster behind each Kubernetes provider: the one its kubeconfig is built from. */
function cloudClusterOf(resources: readonly PolicyResource[]): Map<string, PolicyResource> {
  const depsOf = new Map(resources.map((r) => [r.name, r.dependsOn ?? []]));
  const byName = new Map(resources.map((r) => [r.name, r]));
  const out = new Map<string, PolicyResource>();
  for (const p of resources.filter((r) => r.type === K8S_PROVIDER_TYPE)) {
    for (const name of waitsFor(p.dependsOn ?? [], depsOf)) {
      const c = byName.get(name);
      if (c && (c.type === GKE_CLUSTER || c.type === EKS_CLUSTER)) out.set(p.name, c);
    }
  }
  return out;
}

/** Why a cluster enforces NetworkPolicy, or undefined when nothing in the plan says it does. */
function enforcement(cluster: PolicyResource, resources: readonly PolicyResource[]): string | undefined {
  if (cluster.type === GKE_CLUSTER) {
    // Dataplane V2 (Cilium) enforces NetworkPolicy itself; the legacy datapath needs the Calico add-on turned on.
    if (str(cluster.inputs.datapathProvider) === "ADVANCED_DATAPATH") return "GKE Dataplane V2";
    if (
      get(cluster.inputs, "networkPolicy", "enabled") === true &&
      get(cluster.inputs, "addonsConfig", "networkPolicyConfig", "disabled") === false
    )
      return "GKE network policy (Calico)";
    return undefined;
  }
  // The VPC CNI add-on enforces NetworkPolicy only with `enableNetworkPolicy: "true"` in its configuration values.
  const clusterName = str(cluster.inputs.name);
  const cni = resources.find(
    (r) =>
      r.type === EKS_ADDON &&
      str(r.inputs.addonName) === "vpc-cni" &&
      clusterName !== undefined &&
      str(r.inputs.clusterName) === clusterName,
  );
  const values = parseJson(str(cni?.inputs.configurationValues));
  return String(get(values, "enableNetworkPolicy")) === "true" ? "VPC CNI enableNetworkPolicy" : undefined;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const networkPoliciesEnforced: PolicyRule = {
  id: "network-policies-enforced",
  description:
    "A cluster that is given NetworkPolicies enforces them (GKE Dataplane V2 or Calico; the EKS VPC CNI with enableNetworkPolicy): " +
    "elsewhere they are silently ignored.",
  check(resources) {
    const clusters = cloudClusterOf(resources);
    const out: Violation[] = [];
    const reported = new Set<string>();
    for (const np of resources.filter((r) => r.type === NETWORK_POLICY)) {
      const cluster = np.provider ? clusters.get(np.provider) : undefined;
      if (!cluster || reported.has(cluster.name) || enforcement(cluster, resources)) continue;
      reported.add(cluster.name);
      out.push(violation(this.id, cluster, `the cluster does not enforce NetworkPolicy, so ${np.name} and the others in it do nothing`));
    }
    return out;
  },
};

/** Who must reach a Kafka pod, on which port. */
type Source =
  | { kind: "pods"; namespace: string; labels: Record<string, string> }
  | { kind: "namespace"; namespace: string }
  | { kind: "range"; cidr: Cidr; text: string };
interface Flow {
  source: Source;
  port: number;
  why: string;
}

interface KafkaPod {
  workload: PolicyResource;
  namespace: string;
  labels: Record<string, string>;
  /** Container ports by name, the injected sidecar's included where the namespace is injected. */
  ports: Map<string, number>;
}

function stringRecord(value: unknown): Record<string, string> {
  const v = reveal(value);
  return v !== null && typeof v === "object"
    ? (Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(reveal(x))])) as Record<string, string>)
    : {};
}

const subsetOf = (wanted: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(wanted).every(([k, v]) => labels[k] === v);

function kafkaPods(resources: readonly PolicyResource[], provider: string, injectedNamespaces: Set<string>): KafkaPod[] {
  return resources
    .filter((r) => r.provider === provider && r.type === "kubernetes:apps/v1:StatefulSet")
    .map((r) => {
      const namespace = str(get(r.inputs, "metadata", "namespace")) ?? "default";
      const ports = new Map<string, number>();
      for (const c of list(get(r.inputs, "spec", "template", "spec", "containers")))
        for (const p of list(get(c, "ports"))) {
          const name = str(get(p, "name"));
          const port = reveal(get(p, "containerPort"));
          if (name !== undefined && typeof port === "number") ports.set(name, port);
        }
      if (injectedNamespaces.has(namespace)) ports.set(ENVOY_STATS_PORT_NAME, ENVOY_STATS_PORT);
      return { workload: r, namespace, labels: stringRecord(get(r.inputs, "spec", "template", "metadata", "labels")), ports };
    })
    .filter((p) => p.labels["app.kubernetes.io/name"] === "kafka");
}

/** Namespaces whose pods get the Istio sidecar (the `istio-injection: enabled` label, or a revision label). */
function injectedNamespaces(resources: readonly PolicyResource[], provider: string): Set<string> {
  const out = new Set<string>();
  for (const r of resources.filter((x) => x.provider === provider && x.type === "kubernetes:core/v1:Namespace")) {
    const labels = stringRecord(get(r.inputs, "metadata", "labels"));
    if (labels["istio-injection"] === "enabled" || labels["istio.io/rev"] !== undefined)
      out.add(str(get(r.inputs, "metadata", "name")) ?? r.name);
  }
  return out;
}

/** The pod ranges of the other clusters: GKE subnetworks' `pods` secondary range, EKS VPC ranges (pods take VPC addresses). */
function peerPodRanges(resources: readonly PolicyResource[], cluster: PolicyResource): Array<{ cidr: Cidr; text: string }> {
  const texts: string[] = [];
  if (cluster.type === GKE_CLUSTER) {
    const podRange = str(get(cluster.inputs, "ipAllocationPolicy", "clusterSecondaryRangeName"));
    for (const s of resources.filter((r) => r.type === GKE_SUBNETWORK && r.provider !== cluster.provider))
      for (const range of list(s.inputs.secondaryIpRanges))
        if (str(get(range, "rangeName")) === podRange) texts.push(str(get(range, "ipCidrRange")) ?? "");
  } else {
    for (const v of resources.filter((r) => r.type === AWS_VPC && r.provider !== cluster.provider))
      texts.push(str(v.inputs.cidrBlock) ?? "");
  }
  return texts.flatMap((text) => {
    const parsed = parseCidr(text);
    return parsed.ok ? [{ cidr: parsed.cidr, text }] : [];
  });
}

/** What must reach the Kafka pods of one cluster. Kubelet probes are not listed: see the rule's description. */
function neededFlows(resources: readonly PolicyResource[], provider: string, cluster: PolicyResource, pod: KafkaPod): Flow[] {
  const flows: Flow[] = [];
  const kafkaPorts = Object.values(KAFKA_PORTS);
  for (const port of kafkaPorts)
    flows.push({ source: { kind: "pods", namespace: pod.namespace, labels: pod.labels }, port, why: "the cluster's other Kafka pods" });
  for (const peer of peerPodRanges(resources, cluster))
    for (const port of kafkaPorts) flows.push({ source: { kind: "range", ...peer }, port, why: `pods of another cluster (${peer.text})` });
  // Scrapers: each PodMonitor / PodMonitoring selecting these pods, from where its collector runs.
  const operatorNamespace = resources.find(
    (r) => r.provider === provider && r.type === "kubernetes:helm.sh/v3:Release" && str(r.inputs.chart) === "kube-prometheus-stack",
  );
  for (const m of resources.filter((r) => r.provider === provider)) {
    let from: string | undefined;
    let endpoints: unknown[] = [];
    if (m.type === "kubernetes:monitoring.coreos.com/v1:PodMonitor") {
      from = str(operatorNamespace?.inputs.namespace);
      endpoints = list(get(m.inputs, "spec", "podMetricsEndpoints"));
    } else if (m.type === "kubernetes:monitoring.googleapis.com/v1:PodMonitoring") {
      from = GMP_NAMESPACE;
      endpoints = list(get(m.inputs, "spec", "endpoints"));
    } else continue;
    if (!subsetOf(stringRecord(get(m.inputs, "spec", "selector", "matchLabels")), pod.labels) || from === undefined) continue;
    for (const e of endpoints) {
      const port = reveal(get(e, "port"));
      const number = typeof port === "number" ? port : pod.ports.get(String(port));
      if (number !== undefined)
        flows.push({ source: { kind: "namespace", namespace: from }, port: number, why: `the scraper of ${m.name} (namespace ${from})` });
    }
  }
  return flows;
}

function peerAdmits(peer: unknown, source: Source, policyNamespace: string): boolean {
  const ipBlock = str(get(peer, "ipBlock", "cidr"));
  if (ipBlock !== undefined) {
    if (source.kind !== "range") return false;
    const outer = parseCidr(ipBlock);
    const excepted = list(get(peer, "ipBlock", "except")).some((e) => {
      const x = parseCidr(str(e) ?? "");
      return x.ok && contains(x.cidr, source.cidr);
    });
    return outer.ok && contains(outer.cidr, source.cidr) && !excepted;
  }
  if (source.kind === "range") return false;
  const podSel = get(peer, "podSelector");
  const nsSel = get(peer, "namespaceSelector");
  const namespaceOk = nsSel === undefined ? source.namespace === policyNamespace : namespaceSelected(nsSel, source.namespace);
  if (!namespaceOk) return false;
  if (podSel === undefined) return true;
  const wanted = stringRecord(get(podSel, "matchLabels"));
  // A namespace-wide source (a scraper whose pods' labels the plan does not know) is admitted only by an empty selector.
  return source.kind === "pods"
    ? subsetOf(wanted, source.labels)
    : Object.keys(wanted).length === 0 && list(get(podSel, "matchExpressions")).length === 0;
}

function namespaceSelected(selector: unknown, namespace: string): boolean {
  const labels = { "kubernetes.io/metadata.name": namespace };
  if (!subsetOf(stringRecord(get(selector, "matchLabels")), labels)) return false;
  return list(get(selector, "matchExpressions")).every((e) => {
    const key = str(get(e, "key"));
    const values = list(get(e, "values")).map((v) => str(v));
    const op = str(get(e, "operator"));
    const has = key === "kubernetes.io/metadata.name" && values.includes(namespace);
    return op === "In" ? has : op === "NotIn" ? !has : false;
  });
}

function ruleAdmits(rule: unknown, flow: Flow, policyNamespace: string, pod: KafkaPod): boolean {
  const ports = list(get(rule, "ports"));
  const portOk =
    ports.length === 0 ||
    ports.some((p) => {
      const v = reveal(get(p, "port"));
      const protocol = str(get(p, "protocol")) ?? "TCP";
      if (protocol !== "TCP") return false;
      if (v === undefined) return true;
      const number = typeof v === "number" ? v : pod.ports.get(String(v));
      const end = reveal(get(p, "endPort"));
      return number !== undefined && (typeof end === "number" ? flow.port >= number && flow.port <= end : flow.port === number);
    });
  const from = list(get(rule, "from"));
  return portOk && (from.length === 0 || from.some((peer) => peerAdmits(peer, flow.source, policyNamespace)));
}

const networkPoliciesAdmitNeeded: PolicyRule = {
  id: "network-policies-admit-needed-traffic",
  description:
    "Once a Kafka pod is selected by an ingress NetworkPolicy, the policies together still admit the cluster's other Kafka pods " +
    "and the other clusters' pod ranges on Kafka's ports, and each scraper on the port its PodMonitor/PodMonitoring names. " +
    "Kubelet probes need no rule: traffic from the pod's own node is always admitted (Kubernetes NetworkPolicy docs; the AWS " +
    "network policy agent since v1.0.2, aws-network-policy-agent#65; Cilium, under GKE Dataplane V2, admits the host).",
  check(resources) {
    const out: Violation[] = [];
    for (const [provider, cluster] of cloudClusterOf(resources)) {
      const injected = injectedNamespaces(resources, provider);
      for (const pod of kafkaPods(resources, provider, injected)) {
        const policies = resources.filter(
          (r) =>
            r.provider === provider &&
            r.type === NETWORK_POLICY &&
            (str(get(r.inputs, "metadata", "namespace")) ?? "default") === pod.namespace &&
            (list(get(r.inputs, "spec", "policyTypes")).length === 0 ||
              list(get(r.inputs, "spec", "policyTypes")).some((t) => str(t) === "Ingress")) &&
            subsetOf(stringRecord(get(r.inputs, "spec", "podSelector", "matchLabels")), pod.labels),
        );
        if (policies.length === 0) continue;
        const refused = neededFlows(resources, provider, cluster, pod).filter(
          (flow) =>
            !policies.some((np) => list(get(np.inputs, "spec", "ingress")).some((rule) => ruleAdmits(rule, flow, pod.namespace, pod))),
        );
        const seen = new Set<string>();
        for (const f of refused) {
          const key = `${f.why}:${f.port}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push(violation(this.id, pod.workload, `no NetworkPolicy admits ${f.why} on port ${f.port}`));
        }
      }
    }
    return out;
  },
};

const peeredPathMtu: PolicyRule = {
  id: "peered-path-mtu",
  description: `EKS pods that talk across an inter-region VPC peering send at most ${PEERED_PATH_MTU_BYTES}-byte packets (the peering's MTU; the VPC CNI's default is 9001).`,
  check(resources) {
    const crossRegion = resources.some((r) => r.type === AWS_PEERING && str(r.inputs.peerRegion) !== undefined);
    if (!crossRegion) return [];
    const out: Violation[] = [];
    for (const cni of resources.filter((r) => r.type === EKS_ADDON && str(r.inputs.addonName) === "vpc-cni")) {
      const mtu = Number(get(parseJson(str(cni.inputs.configurationValues)), "env", "AWS_VPC_ENI_MTU") ?? 9001);
      if (!(mtu <= PEERED_PATH_MTU_BYTES))
        out.push(
          violation(this.id, cni, `pods use a ${mtu}-byte MTU over inter-region peering that carries at most ${PEERED_PATH_MTU_BYTES}`),
        );
    }
    return out;
  },
};

const privateApiReachable: PolicyRule = {
  id: "private-api-reachable-by-peers",
  description:
    "With Istio multi-primary, each istiod watches the other clusters' API servers: an EKS control plane without a public " +
    "endpoint admits TCP 443 from every peer VPC range.",
  check(resources) {
    const istio = resources.some((r) => r.type === "kubernetes:helm.sh/v3:Release" && str(r.inputs.chart) === ISTIOD_CHART);
    if (!istio) return [];
    const out: Violation[] = [];
    for (const cluster of resources.filter((r) => r.type === EKS_CLUSTER && get(r.inputs, "vpcConfig", "endpointPublicAccess") === false)) {
      const admitted = resources
        .filter(
          (r) =>
            r.type === AWS_INGRESS_RULE &&
            r.provider === cluster.provider &&
            reveal(r.inputs.fromPort) === 443 &&
            str(r.inputs.ipProtocol) === "tcp",
        )
        .flatMap((r) => {
          const parsed = parseCidr(str(r.inputs.cidrIpv4) ?? "");
          return parsed.ok ? [parsed.cidr] : [];
        });
      for (const peer of peerPodRanges(resources, cluster))
        if (!admitted.some((a) => contains(a, peer.cidr)))
          out.push(
            violation(this.id, cluster, `the private API endpoint does not admit TCP 443 from ${peer.text}, whose istiod must reach it`),
          );
    }
    return out;
  },
};

export const networkRules: readonly PolicyRule[] = [
  networkPoliciesEnforced,
  networkPoliciesAdmitNeeded,
  peeredPathMtu,
  privateApiReachable,
];
