// The observability layer's pure parts: the JMX exporter rules (matched against Kafka MBean strings the way the
// collector matches them), the metric names they produce, the PromQL metric-name extractor, the replication-lag
// threshold, the dashboard, the alert rules, the scrape objects, the EnvoyFilter and the kube-prometheus-stack values.
import * as fs from "node:fs";
import * as path from "node:path";
import { EnvoyFilter } from "@kubernetes-models/istio/networking.istio.io/v1alpha3/EnvoyFilter";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  ACCESS_ALERT_FOR,
  AUTHENTICATION_FAILURES_PER_SECOND,
  AUTHORIZATION_DENIALS_PER_SECOND,
  EXPORTER_OBJECT_NAMES,
  EXPORTER_RULES,
  ExporterRule,
  JMX_EXPORTER,
  KUBE_PROMETHEUS_STACK,
  METRICS_PORT,
  REPLICA_LAG_TIME_MAX_MS,
  SCRAPE_SERIES,
  agentFetchScript,
  alertExpressions,
  ampScrapeConfiguration,
  buildDashboard,
  dashboardExpressions,
  exporterMetricNames,
  exposedName,
  globalAlertGroups,
  grafanaAdminValues,
  javaAgentOpts,
  kafkaBrokerEnvoyFilterSpec,
  kafkaMetricsTarget,
  kubePrometheusStackValues,
  localAlertGroups,
  metricNames,
  podMonitorSpec,
  podMonitoringSpec,
  renderExporterConfig,
  renderRuleFile,
  replicationLagThresholdMs,
  valuePaths,
} from "../lib/observability";
import { handCheckedErrors } from "./helpers/crd-shapes";

/** What the collector does with a rule (JmxCollector 1.6.0): `^.*(?:pattern).*$` against `bean<...><>attr: value`. */
function firstMatch(matchName: string): { rule: ExporterRule; name: string; labels: Record<string, string> } | undefined {
  for (const rule of EXPORTER_RULES) {
    const re = new RegExp(`^.*(?:${rule.pattern}).*$`);
    const m = re.exec(matchName);
    if (!m) continue;
    const sub = (template: string) => template.replace(/\$(\d)/g, (_, d: string) => m[Number(d)] ?? "");
    return { rule, name: exposedName(rule), labels: Object.fromEntries(Object.entries(rule.labels ?? {}).map(([k, v]) => [k, sub(v)])) };
  }
  return undefined;
}

/** Whether an `includeObjectNames` entry (javax.management.ObjectName pattern `domain:k=v,...[,*]`) selects the bean. */
function queried(matchName: string): boolean {
  const [, domain, props] = /^([^<]+)<([^>]*)>/.exec(matchName)!;
  const have = new Set(props.split(", "));
  return EXPORTER_OBJECT_NAMES.some((pattern) => {
    const [patternDomain, list] = pattern.split(":");
    const wanted = list.split(",").filter((p) => p !== "*");
    return patternDomain === domain && wanted.every((w) => have.has(w)) && (list.endsWith(",*") || wanted.length === have.size);
  });
}

describe("JMX exporter rules", () => {
  it.each([
    [
      "kafka.server<type=BrokerTopicMetrics, name=BytesInPerSec, topic=orders><>Count: 1024.0",
      "kafka_server_brokertopicmetrics_bytes_in_total",
      { topic: "orders" },
    ],
    [
      "kafka.server<type=BrokerTopicMetrics, name=BytesOutPerSec, topic=__consumer_offsets><>Count: 5.0",
      "kafka_server_brokertopicmetrics_bytes_out_total",
      { topic: "__consumer_offsets" },
    ],
    [
      "kafka.server<type=BrokerTopicMetrics, name=ReplicationBytesInPerSec><>Count: 9.0",
      "kafka_server_brokertopicmetrics_replication_bytes_in_total",
      {},
    ],
    [
      "kafka.server<type=BrokerTopicMetrics, name=ReplicationBytesOutPerSec><>Count: 9.0",
      "kafka_server_brokertopicmetrics_replication_bytes_out_total",
      {},
    ],
    [
      "kafka.network<type=RequestMetrics, name=TotalTimeMs, request=Produce><>99thPercentile: 71.5",
      "kafka_network_requestmetrics_total_time_ms",
      { request: "Produce", quantile: "0.99" },
    ],
    [
      "kafka.network<type=RequestMetrics, name=TotalTimeMs, request=FetchFollower><>999thPercentile: 500.0",
      "kafka_network_requestmetrics_total_time_ms",
      { request: "FetchFollower", quantile: "0.999" },
    ],
    [
      "kafka.network<type=RequestMetrics, name=RemoteTimeMs, request=Produce><>50thPercentile: 66.0",
      "kafka_network_requestmetrics_remote_time_ms",
      { request: "Produce", quantile: "0.50" },
    ],
    [
      "kafka.network<type=RequestMetrics, name=RequestsPerSec, request=Produce, version=11><>Count: 3.0",
      "kafka_network_requestmetrics_requests_total",
      { request: "Produce", version: "11" },
    ],
    [
      "kafka.server<type=ReplicaManager, name=UnderReplicatedPartitions><>Value: 0",
      "kafka_server_replicamanager_under_replicated_partitions",
      {},
    ],
    [
      "kafka.server<type=ReplicaManager, name=UnderMinIsrPartitionCount><>Value: 0",
      "kafka_server_replicamanager_under_min_isr_partitions",
      {},
    ],
    ["kafka.server<type=ReplicaManager, name=IsrShrinksPerSec><>Count: 4.0", "kafka_server_replicamanager_isr_shrinks_total", {}],
    ["kafka.server<type=ReplicaManager, name=IsrExpandsPerSec><>Count: 4.0", "kafka_server_replicamanager_isr_expands_total", {}],
    [
      "kafka.controller<type=KafkaController, name=ActiveControllerCount><>Value: 1",
      "kafka_controller_kafkacontroller_active_controller_count",
      {},
    ],
    [
      "kafka.controller<type=KafkaController, name=OfflinePartitionsCount><>Value: 0",
      "kafka_controller_kafkacontroller_offline_partitions",
      {},
    ],
    [
      "kafka.server<type=ReplicaFetcherManager, name=MaxLag, clientId=Replica><>Value: 12",
      "kafka_server_replicafetchermanager_max_lag",
      {},
    ],
    [
      "kafka.server<type=FetcherLagMetrics, name=ConsumerLag, clientId=ReplicaFetcherThread-0-101, topic=orders, partition=7><>Value: 3",
      "kafka_server_fetcherlagmetrics_consumer_lag",
      { client_id: "ReplicaFetcherThread-0-101", topic: "orders", partition: "7" },
    ],
    [
      "kafka.network<type=SocketServer, name=NetworkProcessorAvgIdlePercent><>Value: 0.8",
      "kafka_network_socketserver_network_processor_avg_idle_ratio",
      {},
    ],
    ["kafka.server<type=raft-metrics><>current-leader: 1100.0", "kafka_server_raft_metrics_current_leader", {}],
    ["kafka.server<type=raft-metrics><>number-of-voters: 3.0", "kafka_server_raft_metrics_number_of_voters", {}],
    ["kafka.server<type=raft-metrics><>current-state: follower", "kafka_server_raft_metrics_current_state", { state: "follower" }],
    // Bean and attribute names as Kafka 4.1.2 registers them (Selector.SelectorMetrics; StandardAuthorizer plugin metrics).
    [
      "kafka.server<type=socket-server-metrics, listener=CLIENT, networkProcessor=4><>failed-authentication-total: 17.0",
      "kafka_server_socket_server_metrics_failed_authentication_total",
      { listener: "CLIENT", network_processor: "4" },
    ],
    [
      "kafka.server<type=socket-server-metrics, listener=REPLICATION, networkProcessor=0><>failed-authentication-total: 2.0",
      "kafka_server_socket_server_metrics_failed_authentication_total",
      { listener: "REPLICATION", network_processor: "0" },
    ],
    [
      "kafka.server<type=socket-server-metrics, listener=CONTROLLER, networkProcessor=1><>successful-authentication-total: 40.0",
      "kafka_server_socket_server_metrics_successful_authentication_total",
      { listener: "CONTROLLER", network_processor: "1" },
    ],
    [
      "kafka.server<type=plugins, config=authorizer.class.name, class=StandardAuthorizer, role=broker><>authorization-denied-rate-per-minute: 120.0",
      "kafka_server_authorizer_authorization_denied_per_minute",
      { process_role: "broker" },
    ],
    [
      "kafka.server<type=plugins, config=authorizer.class.name, class=StandardAuthorizer, role=controller><>authorization-request-rate-per-minute: 6.0",
      "kafka_server_authorizer_authorization_requests_per_minute",
      { process_role: "controller" },
    ],
    [
      "kafka.server<type=plugins, config=authorizer.class.name, class=StandardAuthorizer, role=broker><>acls-total-count: 12",
      "kafka_server_authorizer_acls",
      { process_role: "broker" },
    ],
  ])("maps %s to %s", (matchName, name, labels) => {
    const hit = firstMatch(matchName);
    expect(hit?.name).toBe(name);
    expect(hit?.labels).toEqual(labels);
    // And the collector queries the bean at all.
    expect(queried(matchName)).toBe(true);
  });

  it.each([
    // The all-topics Meter duplicates the per-topic ones (their sum) and is not exported.
    "kafka.server<type=BrokerTopicMetrics, name=BytesInPerSec><>Count: 1024.0",
    // Rates of the Meters: only the cumulative Count is exported; Prometheus computes rates itself.
    "kafka.server<type=BrokerTopicMetrics, name=BytesInPerSec, topic=orders><>OneMinuteRate: 3.2",
    "kafka.network<type=RequestMetrics, name=TotalTimeMs, request=Metadata><>99thPercentile: 1.0",
    "kafka.log<type=Log, name=Size, topic=orders, partition=0><>Value: 1.0",
    "kafka.server<type=raft-metrics><>current-vote: -1.0",
    // Only the cumulative authentication counts; the rates, re-authentication and the no-reauth count are not exported.
    "kafka.server<type=socket-server-metrics, listener=CLIENT, networkProcessor=4><>failed-authentication-rate: 0.5",
    "kafka.server<type=socket-server-metrics, listener=CLIENT, networkProcessor=4><>failed-reauthentication-total: 1.0",
    "kafka.server<type=socket-server-metrics, listener=CLIENT, networkProcessor=4><>successful-authentication-no-reauth-total: 3.0",
    // Connection acceptance is per listener without a network processor.
    "kafka.server<type=socket-server-metrics, listener=CLIENT><>connection-accept-rate: 2.0",
    "kafka.server<type=plugins, config=authorizer.class.name, class=StandardAuthorizer, role=broker><>authorization-allowed-rate-per-minute: 600.0",
    // Another plugin's metrics under the same group.
    "kafka.server<type=plugins, config=authorizer.class.name, class=OtherAuthorizer, role=broker><>authorization-denied-rate-per-minute: 1.0",
  ])("exports nothing for %s", (matchName) => {
    expect(firstMatch(matchName)).toBeUndefined();
  });

  it("names counters with _total and gauges without a suffix client_java 1.x would strip", () => {
    for (const rule of EXPORTER_RULES) {
      if (rule.type === "COUNTER") expect(rule.name, rule.name).toMatch(/_total$/);
      else expect(rule.name, rule.name).not.toMatch(/_(total|created|bucket|info)$/);
      expect(exposedName(rule)).toBe(rule.name);
      expect(rule.name).toMatch(/^[a-z_][a-z0-9_]*$/);
    }
    expect(exposedName({ name: "x_total", type: "GAUGE" })).toBe("x");
    expect(exposedName({ name: "x", type: "COUNTER" })).toBe("x_total");
    expect(exposedName({ name: "x_info", type: "GAUGE" })).toBe("x");
  });

  it("covers every metric the issue lists", () => {
    const names = exporterMetricNames();
    for (const wanted of [
      "kafka_server_brokertopicmetrics_bytes_in_total",
      "kafka_server_brokertopicmetrics_bytes_out_total",
      "kafka_network_requestmetrics_total_time_ms",
      "kafka_server_replicamanager_under_replicated_partitions",
      "kafka_controller_kafkacontroller_offline_partitions",
      "kafka_server_replicamanager_isr_shrinks_total",
      "kafka_server_replicamanager_isr_expands_total",
      "kafka_controller_kafkacontroller_active_controller_count",
      "kafka_server_replicafetchermanager_max_lag",
      "kafka_server_fetcherlagmetrics_consumer_lag",
      "kafka_network_socketserver_network_processor_avg_idle_ratio",
    ])
      expect(names).toContain(wanted);
  });

  it("renders a YAML config with the rules, their types and labels, limited to the MBeans they read", () => {
    const text = renderExporterConfig();
    expect(text.startsWith("# geo-kafka:")).toBe(true);
    const doc = parse(text) as { includeObjectNames: string[]; rules: Array<Record<string, unknown>>; lowercaseOutputName: boolean };
    expect(doc.lowercaseOutputName).toBe(false);
    expect(doc.rules).toHaveLength(EXPORTER_RULES.length);
    doc.rules.forEach((r, i) =>
      expect(r).toMatchObject({ pattern: EXPORTER_RULES[i].pattern, name: EXPORTER_RULES[i].name, type: EXPORTER_RULES[i].type }),
    );
    // Every rule's domain and type are among the queried ObjectNames.
    for (const rule of EXPORTER_RULES) {
      const [, domain, type] = /^([a-z.]+)<type=([^,>]+)/.exec(rule.pattern)!;
      expect(
        doc.includeObjectNames.some((o) => o.startsWith(`${domain}:type=${type}`)),
        rule.pattern,
      ).toBe(true);
    }
  });

  it("loads the agent from the data volume with the rules file, and fetches it only with a matching SHA-256", () => {
    expect(javaAgentOpts("/var/lib/kafka")).toBe(
      `-javaagent:/var/lib/kafka/jmx-exporter/jmx_prometheus_javaagent-1.6.0.jar=${METRICS_PORT}:/etc/jmx-exporter/config.yaml`,
    );
    const script = agentFetchScript("/var/lib/kafka");
    expect(JMX_EXPORTER.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(script).toContain(`want="${JMX_EXPORTER.sha256}"`);
    expect(script).toContain(JMX_EXPORTER.downloadUrl);
    expect(script).toMatch(/mv "\$tmp" "\$jar"/);
    expect(agentFetchScript("/var/lib/kafka", "https://mirror.example/agent.jar")).toContain("https://mirror.example/agent.jar");
  });
});

describe("PromQL metric-name extractor", () => {
  it.each([
    ["up", ["up"]],
    ['sum by (region) (rate(kafka_x_total{namespace="kafka", region=~"us-.*"}[5m])) > 0', ["kafka_x_total"]],
    ["sum(rate(a_total[5m])) by (region, pod) / ignoring(pod) group_left(region) b", ["a_total", "b"]],
    ['max(a{quantile="0.99"}) > 585 and on(region) b offset 5m', ["a", "b"]],
    ["histogram_quantile(0.99, sum by (le) (rate(h_bucket[1m:30s])))", ["h_bucket"]],
    ['label_replace(a, "dst", "$1", "src", "(.*)")', ["a"]],
    ['{__name__="via_matcher", job="x"}', ["via_matcher"]],
    ['(sum(a) == 0) or absent(b{role="broker"})', ["a", "b"]],
    ['count_values("version", build_info) unless bool c', ["build_info", "c"]],
    ["1e3 * a + Inf - NaN + 0x1F", ["a"]],
    ["rate(ns:metric:rate5m[1h])", ["ns:metric:rate5m"]],
    ["topk(3, a) # a comment naming fake_metric\n", ["a"]],
  ])("%s -> %j", (expr, names) => {
    expect(metricNames(expr)).toEqual(names);
  });

  it("finds exactly the metric names it is given, wherever they sit in an expression", () => {
    const name = fc.constantFrom(...exporterMetricNames(), ...SCRAPE_SERIES);
    const label = fc.constantFrom("region", "pod", "topic", "request");
    // Each generated term carries the one metric name it selects.
    const term: fc.Arbitrary<[string, string]> = fc.oneof(
      fc.tuple(name, label, fc.constantFrom("a", "us-east4", "0.99")).map(([n, l, v]): [string, string] => [n, `${n}{${l}="${v}"}`]),
      name.map((n): [string, string] => [n, n]),
      fc.tuple(name, fc.constantFrom("1m", "5m", "1h")).map(([n, d]): [string, string] => [n, `rate(${n}[${d}])`]),
      fc.tuple(name, label).map(([n, l]): [string, string] => [n, `sum by (${l}) (${n})`]),
      fc.tuple(name, label).map(([n, l]): [string, string] => [n, `max(${n}) without (${l})`]),
    );
    fc.assert(
      fc.property(
        fc.array(term, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(" + ", " / on(region) ", " or ", " > bool "),
        (terms, op) => {
          const expr = terms.map(([, t]) => t).join(op);
          expect(metricNames(expr)).toEqual([...new Set(terms.map(([n]) => n))]);
        },
      ),
    );
  });
});

describe("replication-lag threshold", () => {
  it.each([
    [65, 575],
    [67, 585],
    [1, 255],
    [10_000, REPLICA_LAG_TIME_MAX_MS / 2],
  ])("worst RTT %d ms -> %d ms", (rtt, threshold) => {
    expect(replicationLagThresholdMs(rtt)).toBe(threshold);
  });

  it("takes an explicit value as given", () => {
    expect(replicationLagThresholdMs(65, 2000)).toBe(2000);
  });

  it("is above a few round trips, never reaches replica.lag.time.max.ms, and grows with the RTT", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.1, max: 20_000, noNaN: true }), fc.double({ min: 0.1, max: 20_000, noNaN: true }), (a, b) => {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        const t = replicationLagThresholdMs(lo);
        expect(t).toBeLessThan(REPLICA_LAG_TIME_MAX_MS);
        expect(t).toBeGreaterThanOrEqual(Math.min(3 * lo, REPLICA_LAG_TIME_MAX_MS / 2));
        expect(replicationLagThresholdMs(hi)).toBeGreaterThanOrEqual(t);
      }),
    );
  });
});

const produced = new Set([...exporterMetricNames(), ...SCRAPE_SERIES]);
const alertInputs = {
  brokersPerRegion: 3,
  controllersPerRegion: 1,
  regionCount: 3,
  replicationLagThresholdMs: 585,
  namespace: "kafka",
  globalScope: 'cluster=~"a|b|c"',
};

describe("alert rules", () => {
  const local = localAlertGroups(alertInputs);
  const global = globalAlertGroups(alertInputs);

  it("has the alerts the issue asks for, with their conditions", () => {
    const byName = Object.fromEntries([...local, ...global].flatMap((g) => g.rules).map((r) => [r.alert, r]));
    expect(byName.KafkaOfflinePartitions.expr).toMatch(/offline_partitions.*\) > 0$/);
    expect(byName.KafkaUnderReplicatedPartitions).toMatchObject({ for: "5m" });
    expect(byName.KafkaUnderReplicatedPartitions.expr).toMatch(/under_replicated_partitions.*\) > 0$/);
    expect(byName.KafkaActiveControllerCountNotOne.expr).toBe(
      'sum(kafka_controller_kafkacontroller_active_controller_count{namespace="kafka", cluster=~"a|b|c"}) != 1',
    );
    expect(byName.KafkaNoQuorumLeader.expr).toContain("kafka_server_raft_metrics_current_leader");
    expect(byName.KafkaIsrShrinking.expr).toContain("rate(kafka_server_replicamanager_isr_shrinks_total");
    expect(byName.KafkaRegionBrokersDown.expr).toContain('up{namespace="kafka", role="broker"}');
    expect(byName.KafkaBrokersOfARegionMissing.expr).toMatch(/active_brokers\{namespace="kafka"\}\) <= 6$/);
    expect(byName.KafkaReplicationLagHigh.expr).toMatch(/remote_time_ms\{.*quantile="0\.99"\}\) > 585$/);
  });

  it("warns on sustained authentication failures per listener and authorization denials, over 1/s for 10 minutes", () => {
    const access = local.find((g) => g.name === "geo-kafka.access")!;
    expect(access.rules.map((r) => [r.alert, r.for, r.labels.severity])).toEqual([
      ["KafkaAuthenticationFailures", "10m", "warning"],
      ["KafkaAuthorizationDenials", "10m", "warning"],
    ]);
    expect(access.rules[0].expr).toBe(
      'sum by (region, listener) (rate(kafka_server_socket_server_metrics_failed_authentication_total{namespace="kafka"}[5m])) > 1',
    );
    // A gauge of denials per minute: divided, not rate()d.
    expect(access.rules[1].expr).toBe(
      'sum by (region, process_role) (kafka_server_authorizer_authorization_denied_per_minute{namespace="kafka"}) / 60 > 1',
    );
    expect(AUTHENTICATION_FAILURES_PER_SECOND).toBe(1);
    expect(AUTHORIZATION_DENIALS_PER_SECOND).toBe(1);
    expect(ACCESS_ALERT_FOR).toBe("10m");
  });

  it("reads only series the exporter produces (and up)", () => {
    const exprs = alertExpressions([...local, ...global]);
    expect(exprs.length).toBeGreaterThan(8);
    for (const expr of exprs) {
      const names = metricNames(expr);
      expect(names.length, expr).toBeGreaterThan(0);
      for (const n of names) expect(produced.has(n), `${n} in ${expr}`).toBe(true);
    }
  });

  it("gives every alert a severity, a duration, a summary and a runbook anchor in docs/observability.md", () => {
    for (const rule of [...local, ...global].flatMap((g) => g.rules)) {
      expect(["critical", "warning"]).toContain(rule.labels.severity);
      expect(rule.for).toMatch(/^\d+[smh]$/);
      expect(rule.annotations.runbook).toMatch(/^docs\/observability\.md#[a-z]+$/);
    }
  });

  it("points every runbook link at a heading of docs/observability.md", () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "observability.md"), "utf8");
    const anchors = new Set(
      [...doc.matchAll(/^#{2,4} (.+)$/gm)].map((m) =>
        m[1]
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, "")
          .replace(/ /g, "-"),
      ),
    );
    for (const rule of [...local, ...global].flatMap((g) => g.rules))
      expect(anchors, rule.alert).toContain(rule.annotations.runbook.split("#")[1]);
  });

  it("renders a rule file with the same groups", () => {
    expect(parse(renderRuleFile(local))).toEqual({ groups: JSON.parse(JSON.stringify(local)) });
  });
});

describe("dashboard", () => {
  const dashboard = buildDashboard({
    regions: ["us-east4", "us-central1", "us-west1"],
    namespace: "kafka",
    replicationLagThresholdMs: 575,
  });

  it("has one row per region with throughput, replication, under-replication, ISR churn, latency and controller panels", () => {
    const rows = dashboard.panels.filter((p) => p.type === "row");
    expect(rows.map((r) => r.title)).toEqual(["Region us-east4", "Region us-central1", "Region us-west1"]);
    const titles = dashboard.panels.filter((p) => p.type !== "row").map((p) => p.title);
    expect(titles).toHaveLength(24);
    for (const region of ["us-east4", "us-central1", "us-west1"]) {
      const panels = dashboard.panels.filter((p) => p.targets?.every((t) => t.expr.includes(`region="${region}"`)));
      expect(panels).toHaveLength(8);
    }
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
  });

  it("shows authentication failures per listener and authorization denials per second in each region", () => {
    const byTitle = (title: string) =>
      dashboard.panels.filter((p) => p.title === title).map((p) => (p.targets ?? []).map((t) => [t.expr, t.legendFormat]));
    expect(byTitle("Authentication by listener")[1]).toEqual([
      [
        'sum by (listener) (rate(kafka_server_socket_server_metrics_failed_authentication_total{namespace="kafka", region="us-central1"}[5m]))',
        "{{listener}} failed",
      ],
      [
        'sum by (listener) (rate(kafka_server_socket_server_metrics_successful_authentication_total{namespace="kafka", region="us-central1"}[5m]))',
        "{{listener}} succeeded",
      ],
    ]);
    expect(byTitle("Authorization denials")[2]).toEqual([
      [
        'sum by (process_role) (kafka_server_authorizer_authorization_denied_per_minute{namespace="kafka", region="us-west1"}) / 60',
        "{{process_role}} denied",
      ],
      [
        'sum by (process_role) (kafka_server_authorizer_authorization_requests_per_minute{namespace="kafka", region="us-west1"}) / 60',
        "{{process_role}} checked",
      ],
    ]);
    for (const title of ["Authentication by listener", "Authorization denials"]) {
      const panels = dashboard.panels.filter((p) => p.title === title);
      expect(panels).toHaveLength(3);
      for (const p of panels) expect(p.fieldConfig?.defaults.unit).toBe("ops");
    }
  });

  it("survives a JSON round trip and queries only series the exporter produces (and up)", () => {
    const parsed = JSON.parse(JSON.stringify(dashboard));
    expect(parsed).toEqual(dashboard);
    for (const expr of dashboardExpressions(parsed)) {
      for (const n of metricNames(expr)) expect(produced.has(n), `${n} in ${expr}`).toBe(true);
    }
  });

  it("lays panels out on Grafana's 24-column grid without overlap", () => {
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++)
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          expect(cells.has(`${x},${y}`), p.title).toBe(false);
          cells.add(`${x},${y}`);
        }
    }
  });
});

describe("scrape objects", () => {
  const target = kafkaMetricsTarget("kafka", { "app.kubernetes.io/name": "kafka" });

  it("builds a PodMonitor and a PodMonitoring that pass the CRD shape checks and set region and role", () => {
    const podMonitor = {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PodMonitor",
      metadata: { name: "kafka", namespace: "kafka" },
      spec: podMonitorSpec(target),
    };
    expect(handCheckedErrors("kubernetes:monitoring.coreos.com/v1:PodMonitor", podMonitor)).toEqual([]);
    expect(podMonitor.spec.podMetricsEndpoints[0].relabelings.map((r) => [r.sourceLabels[0], r.targetLabel])).toEqual([
      ["__meta_kubernetes_pod_label_geo_kafka_region", "region"],
      ["__meta_kubernetes_pod_label_app_kubernetes_io_component", "role"],
    ]);
    const podMonitoring = {
      apiVersion: "monitoring.googleapis.com/v1",
      kind: "PodMonitoring",
      metadata: { name: "kafka", namespace: "kafka" },
      spec: podMonitoringSpec(target),
    };
    expect(handCheckedErrors("kubernetes:monitoring.googleapis.com/v1:PodMonitoring", podMonitoring)).toEqual([]);
    // The hand checks are strict: an unknown key or a missing interval is an error.
    expect(
      handCheckedErrors("kubernetes:monitoring.googleapis.com/v1:PodMonitoring", {
        ...podMonitoring,
        spec: { ...podMonitoring.spec, endpoints: [{ port: "http-metrics" }], sampleLimit: 1 },
      }),
    ).toEqual([".spec.endpoints[0]: must have required property 'interval'", ".spec: unknown property 'sampleLimit'"]);
  });

  it("gives the AMP collector a pod-discovery config limited to the Kafka namespace and its metrics port", () => {
    const doc = parse(ampScrapeConfiguration(target)) as {
      scrape_configs: Array<{ kubernetes_sd_configs: unknown[]; relabel_configs: Array<Record<string, unknown>>; metrics_path: string }>;
    };
    const job = doc.scrape_configs[0];
    expect(job.metrics_path).toBe("/metrics");
    expect(job.kubernetes_sd_configs).toEqual([{ role: "pod", namespaces: { names: ["kafka"] } }]);
    expect(job.relabel_configs[0]).toEqual({
      action: "keep",
      source_labels: ["__meta_kubernetes_pod_label_app_kubernetes_io_name", "__meta_kubernetes_pod_container_port_name"],
      regex: "kafka;http-metrics",
    });
    expect(job.relabel_configs.map((r) => r.target_label).filter(Boolean)).toEqual(["namespace", "pod", "region", "role"]);
  });
});

describe("Kafka protocol EnvoyFilter", () => {
  const spec = kafkaBrokerEnvoyFilterSpec({
    brokerPodLabels: { "app.kubernetes.io/name": "kafka", "app.kubernetes.io/component": "broker" },
    ports: [
      { name: "client", port: 9092 },
      { name: "replication", port: 9091 },
    ],
  });

  it("inserts the kafka_broker filter before tcp_proxy, inbound, on each broker port, and passes @kubernetes-models/istio", () => {
    expect(
      spec.configPatches.map((p) => [
        p.match.context,
        p.match.listener.portNumber,
        p.match.listener.filterChain.filter.name,
        p.patch.operation,
      ]),
    ).toEqual([
      ["SIDECAR_INBOUND", 9092, "envoy.filters.network.tcp_proxy", "INSERT_BEFORE"],
      ["SIDECAR_INBOUND", 9091, "envoy.filters.network.tcp_proxy", "INSERT_BEFORE"],
    ]);
    expect(spec.configPatches[0].patch.value).toEqual({
      name: "envoy.filters.network.kafka_broker",
      typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.network.kafka_broker.v3.KafkaBroker", stat_prefix: "client" },
    });
    expect(() => new EnvoyFilter({ metadata: { name: "f", namespace: "kafka" }, spec } as never).validate()).not.toThrow();
  });
});

describe("kube-prometheus-stack", () => {
  it("is pinned to an exact chart version from the official repository", () => {
    expect(KUBE_PROMETHEUS_STACK.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(KUBE_PROMETHEUS_STACK.repo).toBe("https://prometheus-community.github.io/helm-charts");
  });

  it("sets only value keys checked in the chart's values.yaml", () => {
    const values = kubePrometheusStackValues({ region: "r", clusterId: "c", nodeSelector: { a: "b" } });
    for (const path of [...valuePaths(values), ...valuePaths(grafanaAdminValues("s"))])
      expect(KUBE_PROMETHEUS_STACK.valueKeys, path).toContain(path);
    expect(values.prometheus.prometheusSpec.externalLabels).toEqual({ region: "r", cluster: "c" });
  });
});
