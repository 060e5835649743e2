// Issue 9's "Done when" on the recorded plans of both stacks (and of configs changed from them): every broker and
// controller pod carries the JMX exporter agent and is covered by a scrape object on its own cluster's provider; the
// dashboard and every alert read only metric names the exporter rules produce; in Istio mode the Kafka EnvoyFilter
// targets the broker ports and passes @kubernetes-models/istio; enabling it without a proxy image is a config error.
import { EnvoyFilter } from "@kubernetes-models/istio/networking.istio.io/v1alpha3/EnvoyFilter";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { StackSpec } from "../lib/config/spec";
import {
  JMX_EXPORTER,
  KUBE_PROMETHEUS_STACK,
  SCRAPE_SERIES,
  exporterMetricNames,
  metricNames,
  replicationLagThresholdMs,
} from "../lib/observability";
import { runPolicies } from "../lib/policy/rules";
import { PROJECT } from "../lib/problems";
import { MockRun, RecordedResource, containsSecret, isSecretValue, renderSecrets } from "../tools/mock-runtime";
import { policyResources } from "../tools/policy";
import { Recorded, planStack, planStackOk, setPath, stackConfig, stackSpec } from "./helpers/harness";
import { schemaErrors } from "./helpers/k8s-schema";

const T = {
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  configMap: "kubernetes:core/v1:ConfigMap",
  secret: "kubernetes:core/v1:Secret",
  namespace: "kubernetes:core/v1:Namespace",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  peerAuthentication: "kubernetes:security.istio.io/v1beta1:PeerAuthentication",
  podMonitor: "kubernetes:monitoring.coreos.com/v1:PodMonitor",
  prometheusRule: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
  podMonitoring: "kubernetes:monitoring.googleapis.com/v1:PodMonitoring",
  gmpRules: "kubernetes:monitoring.googleapis.com/v1:Rules",
  gmpGlobalRules: "kubernetes:monitoring.googleapis.com/v1:GlobalRules",
  envoyFilter: "kubernetes:networking.istio.io/v1alpha3:EnvoyFilter",
  release: "kubernetes:helm.sh/v3:Release",
  gkeCluster: "gcp:container/cluster:Cluster",
  ampWorkspace: "aws:amp/workspace:Workspace",
  ampScraper: "aws:amp/scraper:Scraper",
  ampRules: "aws:amp/ruleGroupNamespace:RuleGroupNamespace",
  accessEntry: "aws:eks/accessEntry:AccessEntry",
  role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
  roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
} as const;

const PRODUCED = new Set([...exporterMetricNames(), ...SCRAPE_SERIES]);
const plain = <V = Record<string, unknown>>(r: RecordedResource) => renderSecrets(r.inputs, true) as V;

interface Container {
  name: string;
  image: string;
  env?: Array<{ name: string; value?: string }>;
  ports?: Array<{ name: string; containerPort: number }>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
  command?: string[];
}
interface StatefulSetInputs {
  metadata: { name: string; namespace: string };
  spec: {
    replicas: number;
    template: {
      metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
      spec: { initContainers?: Container[]; containers: Container[]; volumes: Array<{ name: string; configMap?: { name: string } }> };
    };
  };
}
interface ScrapeInputs {
  metadata: { name: string; namespace: string };
  spec: {
    selector: { matchLabels: Record<string, string> };
    namespaceSelector?: { matchNames: string[] };
    podMetricsEndpoints?: Array<{ port: string; path: string }>;
    endpoints?: Array<{ port: string; path: string }>;
  };
}

interface StackPlan {
  spec: StackSpec;
  run: MockRun;
  recorded: Recorded;
}

async function planOf(stack: "gke" | "eks", change?: (config: Record<string, unknown>) => void): Promise<StackPlan> {
  const config = stackConfig(stack);
  change?.(config);
  const { run, recorded } = await planStackOk(stack, change ? config : undefined);
  return { spec: stackSpec(stack, config), run, recorded };
}

const plans = new Map<string, Promise<StackPlan>>();
function planOnce(key: string, stack: "gke" | "eks", change?: (config: Record<string, unknown>) => void): Promise<StackPlan> {
  if (!plans.has(key)) plans.set(key, planOf(stack, change));
  return plans.get(key)!;
}

const withObservability = (value: Record<string, unknown>) => (config: Record<string, unknown>) =>
  setPath(config, "observability", [], value);
const ISTIO_PROXY = "registry.example.com/istio/proxyv2-kafka:1.30.3";

/** Kafka StatefulSets (brokers and controllers) of a plan. */
const kafkaSets = (p: StackPlan) =>
  p.recorded.ofType(T.statefulSet).filter((r) => plain<StatefulSetInputs>(r).metadata.name.startsWith("kafka-"));

/** The cluster provider of each region, from where its `kafka` namespace was created. */
function providers(p: StackPlan): Record<string, string> {
  return Object.fromEntries(
    p.spec.regions.map((r) => {
      const ns = p.recorded.where((x) => x.type === T.namespace && x.name === `kafka-${r.name}-ns`);
      expect(ns, r.name).toHaveLength(1);
      return [r.name, ns[0].provider!];
    }),
  );
}

const subset = (want: Record<string, string>, have: Record<string, string>) => Object.entries(want).every(([k, v]) => have[k] === v);

/** Scrape objects (PodMonitor / PodMonitoring) on a provider that select a pod template and name one of its ports. */
function scrapesOf(p: StackPlan, provider: string, sts: StatefulSetInputs): Array<{ type: string; port: string; path: string }> {
  const labels = sts.spec.template.metadata.labels;
  const ports = sts.spec.template.spec.containers.flatMap((c) => c.ports ?? []).map((x) => x.name);
  return p.recorded
    .where((r) => (r.type === T.podMonitor || r.type === T.podMonitoring) && r.provider === provider)
    .map((r) => ({ r, o: plain<ScrapeInputs>(r) }))
    .filter(({ o }) => (o.spec.namespaceSelector?.matchNames ?? [o.metadata.namespace]).includes(sts.metadata.namespace))
    .filter(({ o }) => o.metadata.namespace === sts.metadata.namespace && subset(o.spec.selector.matchLabels, labels))
    .flatMap(({ r, o }) =>
      (o.spec.podMetricsEndpoints ?? o.spec.endpoints ?? []).map((e) => ({ type: r.type, port: e.port, path: e.path })),
    )
    .filter((e) => ports.includes(e.port));
}

/** Every broker and controller carries the agent: init container, KAFKA_OPTS, metrics port, rules ConfigMap on its provider. */
function expectAgentOnEveryPod(p: StackPlan): void {
  const sets = kafkaSets(p);
  expect(sets).toHaveLength(6);
  const roles = { broker: 0, controller: 0 } as Record<string, number>;
  for (const r of sets) {
    const sts = plain<StatefulSetInputs>(r);
    roles[sts.spec.template.metadata.labels["app.kubernetes.io/component"]] += sts.spec.replicas;
    const pod = sts.spec.template.spec;
    const kafka = pod.containers.find((c) => c.name === "kafka")!;
    const opts = kafka.env?.find((e) => e.name === "KAFKA_OPTS")?.value ?? "";
    const agent = /^-javaagent:(\S+\.jar)=(\d+):(\S+)$/.exec(opts);
    expect(agent, `${r.name} KAFKA_OPTS`).not.toBeNull();
    const [, jar, port, configFile] = agent!;
    expect(jar).toContain(JMX_EXPORTER.jarName);
    expect(kafka.ports).toContainEqual({ name: "http-metrics", containerPort: Number(port), protocol: "TCP" });
    // The rules file the agent reads is mounted from the exporter ConfigMap, created on the same cluster.
    const mount = kafka.volumeMounts!.find((m) => configFile.startsWith(`${m.mountPath}/`))!;
    const volume = pod.volumes.find((v) => v.name === mount.name)!;
    const configMaps = p.recorded
      .ofType(T.configMap)
      .filter((c) => c.provider === r.provider && plain<{ metadata: { name: string } }>(c).metadata.name === volume.configMap?.name);
    expect(configMaps, r.name).toHaveLength(1);
    const rules = parse(plain<{ data: Record<string, string> }>(configMaps[0]).data[configFile.slice(mount.mountPath.length + 1)]) as {
      rules: Array<{ name: string }>;
    };
    expect(rules.rules.length).toBeGreaterThan(10);
    // The init container puts the verified jar where the JVM loads it from, on the pod's data volume.
    const init = pod.initContainers?.find((c) => c.name === "fetch-jmx-exporter");
    expect(init, r.name).toBeDefined();
    expect(init!.image).toMatch(/^[^:]+:\d+\.\d+\.\d+$/);
    expect(init!.resources).toEqual({
      requests: { cpu: expect.any(String), memory: expect.any(String) },
      limits: { cpu: expect.any(String), memory: expect.any(String) },
    });
    expect(init!.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(init!.command!.join(" ")).toContain(JMX_EXPORTER.sha256);
    const dataMount = init!.volumeMounts!.find((m) => m.name === "data")!;
    expect(jar.startsWith(`${dataMount.mountPath}/`)).toBe(true);
    expect(kafka.volumeMounts).toContainEqual(expect.objectContaining({ name: "data", mountPath: dataMount.mountPath }));
  }
  expect(roles).toEqual({ broker: 9, controller: 3 });
}

/** Names a dashboard ConfigMap's JSON and every rule expression read, checked against what the exporter produces. */
function expectOnlyProducedNames(exprs: readonly string[]): void {
  expect(exprs.length).toBeGreaterThan(0);
  for (const expr of exprs) {
    const names = metricNames(expr);
    expect(names.length, expr).toBeGreaterThan(0);
    for (const n of names) expect(PRODUCED.has(n), `${n} in ${expr}`).toBe(true);
  }
}

function dashboardExprsOf(r: RecordedResource): string[] {
  const data = plain<{ data: Record<string, string> }>(r).data;
  const files = Object.values(data);
  expect(files).toHaveLength(1);
  const dashboard = JSON.parse(files[0]) as { panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }> };
  return dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((t) => t.expr));
}

const ruleExprs = (r: RecordedResource) =>
  plain<{ spec: { groups: Array<{ rules: Array<{ expr: string }> }> } }>(r).spec.groups.flatMap((g) => g.rules.map((x) => x.expr));

describe("defaults that work on a fresh cluster", () => {
  it("gke scrapes with GKE Managed Service for Prometheus, turned on in every cluster, and creates no monitoring.coreos.com object", async () => {
    const p = await planOnce("gke/default", "gke");
    expect(p.spec.observability).toMatchObject({ scrape: "gke-managed", installKubePrometheusStack: false, crdsPreinstalled: false });
    const clusters = p.recorded.ofType(T.gkeCluster);
    expect(clusters).toHaveLength(3);
    for (const c of clusters) expect(c.inputs.monitoringConfig).toEqual({ managedPrometheus: { enabled: true } });
    expect(p.recorded.where((r) => r.type.startsWith("kubernetes:monitoring.coreos.com/"))).toEqual([]);
    expect(p.recorded.ofType(T.podMonitoring)).toHaveLength(3);
  });

  it("eks installs kube-prometheus-stack in every cluster, and every PodMonitor and PrometheusRule waits for its own cluster's", async () => {
    const p = await planOnce("eks/default", "eks");
    expect(p.spec.observability).toMatchObject({ scrape: "prometheus-operator", installKubePrometheusStack: true });
    const releases = p.recorded.ofType(T.release).filter((r) => plain<{ chart: string }>(r).chart === "kube-prometheus-stack");
    const releaseOf = new Map(releases.map((r) => [r.provider, r.name]));
    expect(releaseOf.size).toBe(3);
    const objects = [...p.recorded.ofType(T.podMonitor), ...p.recorded.ofType(T.prometheusRule)];
    expect(objects).toHaveLength(6);
    for (const r of objects) expect(r.dependsOn, r.name).toContain(releaseOf.get(r.provider));
  });

  it("eks with CRDs installed outside the stack: no chart, scrape objects as before", async () => {
    const p = await planOf("eks", withObservability({ scrape: "prometheus-operator", crdsPreinstalled: true }));
    expect(p.spec.observability.installKubePrometheusStack).toBe(false);
    expect(p.recorded.ofType(T.release).filter((r) => plain<{ chart: string }>(r).chart === "kube-prometheus-stack")).toEqual([]);
    expect(p.recorded.ofType(T.podMonitor)).toHaveLength(3);
  });
});

describe.each(["gke", "eks"] as const)("the recorded plan of stack %s with the Prometheus Operator", (stack) => {
  let p: StackPlan;
  beforeAll(async () => {
    p = await planOnce(`${stack}/prometheus-operator`, stack, withObservability({ scrape: "prometheus-operator" }));
  });

  it("puts the JMX exporter agent on every broker and controller pod", () => {
    expectAgentOnEveryPod(p);
  });

  it("covers every broker and controller pod with a PodMonitor on its own cluster's provider, scraping the metrics port", () => {
    const byRegion = providers(p);
    for (const r of kafkaSets(p)) {
      const sts = plain<StatefulSetInputs>(r);
      const region = sts.spec.template.metadata.labels["geo-kafka/region"];
      expect(r.provider).toBe(byRegion[region]);
      expect(scrapesOf(p, r.provider!, sts), r.name).toEqual([{ type: T.podMonitor, port: "http-metrics", path: "/metrics" }]);
    }
    expect(p.recorded.ofType(T.podMonitor)).toHaveLength(3);
    expect(new Set(p.recorded.ofType(T.podMonitor).map((r) => r.provider))).toEqual(new Set(Object.values(byRegion)));
  });

  it("admits the metrics port only from the monitoring namespace, and keeps it out of the Kafka ports' policy", () => {
    for (const provider of Object.values(providers(p))) {
      const policies = p.recorded.ofType(T.networkPolicy).filter((r) => r.provider === provider);
      const kafkaIngress = policies.map((r) =>
        plain<{ metadata: { name: string }; spec: { ingress: Array<{ ports: Array<{ port: number }> }> } }>(r),
      );
      expect(
        kafkaIngress.find((x) => x.metadata.name === "kafka-ingress")!.spec.ingress.flatMap((i) => i.ports.map((x) => x.port)),
      ).not.toContain(9404);
      const metrics = kafkaIngress.find((x) => x.metadata.name === "kafka-metrics-ingress") as unknown as {
        spec: { podSelector: unknown; ingress: Array<{ from: unknown[]; ports: Array<{ port: number }> }> };
      };
      expect(metrics.spec.podSelector).toEqual({ matchLabels: { "app.kubernetes.io/name": "kafka" } });
      expect(metrics.spec.ingress).toEqual([
        {
          from: [
            { namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["monitoring"] }] } },
          ],
          ports: [{ protocol: "TCP", port: 9404 }],
        },
      ]);
    }
  });

  it("delivers a dashboard ConfigMap for the Grafana sidecar in every cluster, reading only exported metrics", () => {
    const dashboards = p.recorded
      .ofType(T.configMap)
      .filter((r) => plain<{ metadata: { labels?: Record<string, string> } }>(r).metadata.labels?.grafana_dashboard === "1");
    expect(new Set(dashboards.map((d) => d.provider))).toEqual(new Set(Object.values(providers(p))));
    for (const d of dashboards) {
      const exprs = dashboardExprsOf(d);
      expectOnlyProducedNames(exprs);
      for (const region of p.spec.regions) {
        expect(exprs.some((e) => e.includes(`region="${region.name}"`))).toBe(true);
        // Authentication failures by listener and authorization denials, per region.
        expect(exprs).toContain(
          `sum by (listener) (rate(kafka_server_socket_server_metrics_failed_authentication_total{namespace="kafka", region="${region.name}"}[5m]))`,
        );
        expect(exprs).toContain(
          `sum by (process_role) (kafka_server_authorizer_authorization_denied_per_minute{namespace="kafka", region="${region.name}"}) / 60`,
        );
      }
    }
  });

  it("installs the alert rules in every cluster, reading only exported metrics, with the lag threshold from the worst RTT", () => {
    const rules = p.recorded.ofType(T.prometheusRule);
    expect(new Set(rules.map((r) => r.provider))).toEqual(new Set(Object.values(providers(p))));
    const worst = Math.max(...p.spec.links.map((l) => l.rttMs));
    for (const r of rules) {
      const exprs = ruleExprs(r);
      expectOnlyProducedNames(exprs);
      expect(exprs.some((e) => e.endsWith(`> ${replicationLagThresholdMs(worst)}`))).toBe(true);
      const alerts = plain<{ spec: { groups: Array<{ rules: Array<{ alert: string; for: string }> }> } }>(r).spec.groups.flatMap(
        (g) => g.rules,
      );
      expect(alerts.filter((a) => a.alert.startsWith("KafkaAuth")).map((a) => [a.alert, a.for])).toEqual([
        ["KafkaAuthenticationFailures", "10m"],
        ["KafkaAuthorizationDenials", "10m"],
      ]);
    }
    expect(p.run.outputs.observability).toMatchObject({
      scrape: "prometheus-operator",
      replicationLagAlertMs: replicationLagThresholdMs(worst),
    });
  });

  it("passes the schema checks for every Kubernetes object it adds", () => {
    // The chart release is Pulumi's own type, checked with the chart tests below.
    const added = p.recorded.where((r) => r.name.startsWith("observability-") && r.type.startsWith("kubernetes:") && r.type !== T.release);
    expect(added.length).toBeGreaterThanOrEqual(12);
    for (const r of added) expect(schemaErrors(r)).toEqual([]);
    for (const r of p.recorded.where((x) => x.name.endsWith("-jmx-exporter"))) expect(schemaErrors(r)).toEqual([]);
  });

  if (stack === "eks") {
    it("lets out-of-mesh scrapers reach only the metrics port in plaintext (port-level PERMISSIVE on the STRICT policy)", () => {
      const kafkaPolicies = p.recorded
        .ofType(T.peerAuthentication)
        .filter((r) => plain<{ metadata: { name: string } }>(r).metadata.name === "kafka-strict-mtls");
      expect(kafkaPolicies).toHaveLength(3);
      for (const r of kafkaPolicies) {
        expect(plain<{ spec: unknown }>(r).spec).toMatchObject({
          mtls: { mode: "STRICT" },
          portLevelMtls: { "9404": { mode: "PERMISSIVE" } },
        });
        expect(Object.keys(plain<{ spec: { portLevelMtls: object } }>(r).spec.portLevelMtls)).toEqual(["9404"]);
      }
    });
  }
});

describe("stack eks with Envoy's Kafka filter and a proxy image", () => {
  let p: StackPlan;
  beforeAll(async () => {
    p = await planOnce("eks/envoy", "eks", withObservability({ envoyKafkaFilter: { enabled: true, proxyImage: ISTIO_PROXY } }));
  });

  it("creates an EnvoyFilter per cluster that targets the broker ports on broker pods and passes @kubernetes-models/istio", () => {
    const filters = p.recorded.ofType(T.envoyFilter);
    expect(new Set(filters.map((f) => f.provider))).toEqual(new Set(Object.values(providers(p))));
    expect(filters).toHaveLength(3);
    for (const f of filters) {
      const data = plain<{
        metadata: { namespace: string };
        spec: {
          workloadSelector: { labels: Record<string, string> };
          configPatches: Array<{
            match: { context: string; listener: { portNumber: number } };
            patch: { operation: string; value: { name: string } };
          }>;
        };
      }>(f);
      expect(() => new EnvoyFilter(data as never).validate()).not.toThrow();
      expect(schemaErrors(f)).toEqual([]);
      expect(data.metadata.namespace).toBe("kafka");
      // The client port only: between nodes (9091) Kafka speaks its own TLS, which the filter cannot decode.
      expect(data.spec.configPatches.map((c) => c.match.listener.portNumber)).toEqual([9092]);
      for (const c of data.spec.configPatches) {
        expect(c.match.context).toBe("SIDECAR_INBOUND");
        expect(c.patch).toMatchObject({ operation: "INSERT_BEFORE", value: { name: "envoy.filters.network.kafka_broker" } });
      }
      // The selector picks brokers (whose containers listen on those ports) and never controllers.
      for (const r of kafkaSets(p).filter((s) => s.provider === f.provider)) {
        const sts = plain<StatefulSetInputs>(r);
        const ports = sts.spec.template.spec.containers.flatMap((c) => c.ports ?? []).map((x) => x.containerPort);
        const selected = subset(data.spec.workloadSelector.labels, sts.spec.template.metadata.labels);
        expect(selected).toBe(ports.includes(9092));
      }
    }
  });

  it("runs broker sidecars from the configured proxy image and keeps Envoy's kafka.* statistics; controllers keep the stock proxy", () => {
    for (const r of kafkaSets(p)) {
      const sts = plain<StatefulSetInputs>(r);
      const annotations = sts.spec.template.metadata.annotations!;
      const broker = sts.spec.template.metadata.labels["app.kubernetes.io/component"] === "broker";
      expect(annotations["sidecar.istio.io/proxyImage"]).toBe(broker ? ISTIO_PROXY : undefined);
      const config = JSON.parse(annotations["proxy.istio.io/config"]);
      expect(config.proxyStatsMatcher).toEqual(broker ? { inclusionPrefixes: ["kafka."] } : undefined);
      expect(config.holdApplicationUntilProxyStarts).toBe(true);
    }
  });

  it("scrapes the brokers' sidecars too, and admits their stats port from the monitoring namespace", () => {
    for (const provider of Object.values(providers(p))) {
      const envoy = p.recorded
        .ofType(T.podMonitor)
        .filter((r) => r.provider === provider)
        .map((r) => plain<ScrapeInputs>(r))
        .find((m) => m.metadata.name === "kafka-envoy")!;
      expect(envoy.spec.selector.matchLabels).toEqual({ "app.kubernetes.io/name": "kafka", "app.kubernetes.io/component": "broker" });
      expect(envoy.spec.podMetricsEndpoints).toEqual([expect.objectContaining({ port: "http-envoy-prom", path: "/stats/prometheus" })]);
      const policy = p.recorded
        .ofType(T.networkPolicy)
        .filter((r) => r.provider === provider)
        .map((r) => plain<{ metadata: { name: string }; spec: { ingress: Array<{ ports: Array<{ port: number }> }> } }>(r))
        .find((x) => x.metadata.name === "kafka-metrics-ingress")!;
      expect(policy.spec.ingress[0].ports.map((x) => x.port)).toEqual([9404, 15090]);
    }
  });

  it("passes every policy rule", () => {
    expect(runPolicies(policyResources(p.run))).toEqual([]);
  });
});

describe("stack gke with GKE Managed Service for Prometheus", () => {
  let p: StackPlan;
  beforeAll(async () => {
    p = await planOnce("gke/managed", "gke", withObservability({ scrape: "gke-managed" }));
  });

  it("covers every pod with a PodMonitoring on its own cluster's provider and admits only GMP's collectors", () => {
    expectAgentOnEveryPod(p);
    for (const r of kafkaSets(p)) {
      expect(scrapesOf(p, r.provider!, plain<StatefulSetInputs>(r))).toEqual([
        { type: T.podMonitoring, port: "http-metrics", path: "/metrics" },
      ]);
    }
    expect(p.recorded.ofType(T.podMonitor)).toEqual([]);
    for (const r of p.recorded.where((x) => x.type === T.networkPolicy && x.name.endsWith("-metrics-ingress"))) {
      expect(JSON.stringify(plain(r))).toContain('"values":["gmp-system"]');
    }
    for (const r of p.recorded.ofType(T.podMonitoring)) expect(schemaErrors(r)).toEqual([]);
  });

  it("evaluates the per-region rules in each cluster and the cluster-wide controller rule once", () => {
    const rules = p.recorded.ofType(T.gmpRules);
    expect(rules).toHaveLength(3);
    const global = p.recorded.ofType(T.gmpGlobalRules);
    expect(global).toHaveLength(1);
    for (const r of [...rules, ...global]) {
      expect(schemaErrors(r)).toEqual([]);
      expectOnlyProducedNames(ruleExprs(r));
    }
    const ids = p.spec.regions.map((r) => r.clusterId).join("|");
    expect(ruleExprs(global[0])).toEqual([
      `sum(kafka_controller_kafkacontroller_active_controller_count{namespace="kafka", cluster=~"${ids}"}) != 1`,
    ]);
  });
});

describe("stack eks with Amazon Managed Service for Prometheus", () => {
  let p: StackPlan;
  beforeAll(async () => {
    p = await planOnce("eks/amp", "eks", withObservability({ scrape: "amazon-managed" }));
  });

  it("creates a workspace, a managed collector and the alert rules in each region, on that region's AWS provider", () => {
    for (const type of [T.ampWorkspace, T.ampScraper, T.ampRules, T.accessEntry]) {
      const made = p.recorded.ofType(type);
      expect(made.map((r) => r.provider).sort(), type).toEqual(p.spec.regions.map((r) => `aws-${r.name}`).sort());
    }
    for (const r of p.recorded.ofType(T.ampScraper)) {
      const inputs = plain<{ source: { eks: { subnetIds: string[]; clusterArn: string } }; scrapeConfiguration: string }>(r);
      expect(inputs.source.eks.subnetIds.length).toBeGreaterThanOrEqual(2);
      expect(inputs.source.eks.clusterArn).toMatch(/eks/);
      const config = parse(inputs.scrapeConfiguration) as {
        scrape_configs: Array<{ kubernetes_sd_configs: Array<{ namespaces: { names: string[] } }> }>;
      };
      expect(config.scrape_configs[0].kubernetes_sd_configs[0].namespaces.names).toEqual(["kafka"]);
    }
    for (const r of p.recorded.ofType(T.ampRules)) {
      const doc = parse(plain<{ data: string }>(r).data) as { groups: Array<{ rules: Array<{ expr: string }> }> };
      expectOnlyProducedNames(doc.groups.flatMap((g) => g.rules.map((x) => x.expr)));
    }
    // In-cluster: pod discovery rights in the Kafka namespace only, for the collector's mapped user.
    expect(p.recorded.ofType(T.role)).toHaveLength(3);
    expect(p.recorded.ofType(T.roleBinding)).toHaveLength(3);
    expect(p.recorded.ofType(T.podMonitor)).toEqual([]);
    expect(p.recorded.ofType(T.prometheusRule)).toEqual([]);
  });

  it("admits the metrics port from the region's VPC range, where the collector's interfaces are", () => {
    for (const region of p.spec.regions) {
      const policy = p.recorded.one(T.networkPolicy, `observability-${region.name}-metrics-ingress`);
      expect(plain<{ spec: { ingress: Array<{ from: unknown[] }> } }>(policy).spec.ingress[0].from).toEqual([
        { ipBlock: { cidr: region.nodeCidr } },
      ]);
    }
  });
});

describe("stack gke installing kube-prometheus-stack", () => {
  let p: StackPlan;
  beforeAll(async () => {
    p = await planOnce(
      "gke/kps",
      "gke",
      withObservability({ scrape: "prometheus-operator", installKubePrometheusStack: true, monitorLabels: { team: "streaming" } }),
    );
  });

  it("installs the pinned chart once per cluster, with a random Grafana password kept secret and readable values", () => {
    const releases = p.recorded.ofType(T.release).filter((r) => plain<{ chart: string }>(r).chart === "kube-prometheus-stack");
    expect(new Set(releases.map((r) => r.provider))).toEqual(new Set(Object.values(providers(p))));
    for (const r of releases) {
      const inputs = plain<{ version: string; repositoryOpts: { repo: string }; namespace: string; values: Record<string, unknown> }>(r);
      expect(inputs).toMatchObject({
        version: KUBE_PROMETHEUS_STACK.version,
        repositoryOpts: { repo: KUBE_PROMETHEUS_STACK.repo },
        namespace: "monitoring",
      });
      expect(containsSecret(r.inputs.values)).toBe(false);
      // Grafana's admin Secret name travels in a values file of its own (lib/observability/kube-prometheus-stack.ts).
      expect(r.inputs.valueYamlFiles).toHaveLength(1);
    }
    const admins = p.recorded.where((r) => r.type === T.secret && r.name.endsWith("-grafana-admin"));
    expect(admins).toHaveLength(3);
    for (const s of admins) expect(isSecretValue(s.inputs.stringData)).toBe(true);
    expect(runPolicies(policyResources(p.run))).toEqual([]);
  });

  it("labels the PodMonitors and PrometheusRules so a Prometheus with label selectors finds them", () => {
    for (const r of [...p.recorded.ofType(T.podMonitor), ...p.recorded.ofType(T.prometheusRule)])
      expect(plain<{ metadata: { labels: Record<string, string> } }>(r).metadata.labels).toMatchObject({ team: "streaming" });
  });
});

describe("scrape none", () => {
  it("keeps the agent but creates no scrape object, opens no metrics port and accepts no plaintext", async () => {
    const p = await planOf("eks", withObservability({ scrape: "none" }));
    expectAgentOnEveryPod(p);
    for (const type of [T.podMonitor, T.podMonitoring, T.prometheusRule, T.ampScraper]) expect(p.recorded.ofType(type)).toEqual([]);
    expect(p.recorded.where((r) => r.name.endsWith("-metrics-ingress"))).toEqual([]);
    for (const r of p.recorded.ofType(T.peerAuthentication)) expect(plain<{ spec: object }>(r).spec).not.toHaveProperty("portLevelMtls");
  });
});

describe("observability config errors", () => {
  const problemsOf = async (stack: "gke" | "eks", value: Record<string, unknown>) => {
    const config = stackConfig(stack);
    setPath(config, "observability", [], value);
    const result = await planStack(stack, config);
    expect(result.ok).toBe(false);
    if (result.ok) return [];
    expect(result.run?.resources ?? []).toHaveLength(0);
    return result.problems.filter((x) => x.severity === "error").map((x) => x.path);
  };

  it("refuses the Kafka filter without a proxy image, naming the path", async () => {
    expect(await problemsOf("eks", { envoyKafkaFilter: { enabled: true } })).toEqual([
      `${PROJECT}:observability.envoyKafkaFilter.proxyImage`,
    ]);
  });

  it("refuses the Kafka filter outside Istio mode, an unpinned proxy image, and a managed scraper of the other cloud", async () => {
    expect(
      await problemsOf("gke", { envoyKafkaFilter: { enabled: true, proxyImage: "istio/proxyv2:latest" }, scrape: "amazon-managed" }),
    ).toEqual([
      `${PROJECT}:observability.scrape`,
      `${PROJECT}:observability.envoyKafkaFilter.enabled`,
      `${PROJECT}:observability.envoyKafkaFilter.proxyImage`,
    ]);
    expect(await problemsOf("eks", { scrape: "gke-managed" })).toEqual([`${PROJECT}:observability.scrape`]);
  });

  it("refuses Prometheus Operator scraping with nothing to install its CRDs, naming the scrape setting", async () => {
    expect(await problemsOf("eks", { scrape: "prometheus-operator", installKubePrometheusStack: false })).toEqual([
      `${PROJECT}:observability.scrape`,
    ]);
    expect(await problemsOf("gke", { scrape: "prometheus-operator", installKubePrometheusStack: false })).toEqual([
      `${PROJECT}:observability.scrape`,
    ]);
  });

  it("refuses a replication-lag threshold the ISR would overtake", async () => {
    expect(await problemsOf("eks", { replicationLagAlertMs: 30_000 })).toEqual([`${PROJECT}:observability.replicationLagAlertMs`]);
  });
});
