// The Grafana dashboard of the stretched cluster, as plain JSON: one row per region with throughput, cross-region
// replication, under-replicated partitions, ISR churn, request latency, controller status, authentication and
// authorization. Every query reads only series the JMX exporter rules produce (and `up`), filtered by the `region`
// target label the scrape objects set.

export interface DashboardInputs {
  /** Region names in stack order; one row each. */
  regions: readonly string[];
  namespace: string;
  /** Draws the replication-lag alert threshold on the latency panel. */
  replicationLagThresholdMs: number;
}

interface Target {
  expr: string;
  legendFormat: string;
  refId: string;
}

export interface Panel {
  id: number;
  type: "row" | "timeseries" | "stat";
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  collapsed?: boolean;
  panels?: Panel[];
  datasource?: { type: "prometheus"; uid: string };
  targets?: Target[];
  fieldConfig?: { defaults: Record<string, unknown>; overrides: unknown[] };
  options?: Record<string, unknown>;
  description?: string;
}

export interface Dashboard {
  uid: string;
  title: string;
  tags: string[];
  timezone: string;
  schemaVersion: number;
  version: number;
  refresh: string;
  time: { from: string; to: string };
  templating: { list: unknown[] };
  annotations: { list: unknown[] };
  panels: Panel[];
}

export const DASHBOARD_UID = "geo-kafka-stretched";
/** Label and value the Grafana sidecar (kube-prometheus-stack: grafana.sidecar.dashboards) looks for on ConfigMaps. */
export const DASHBOARD_CONFIGMAP_LABEL = { key: "grafana_dashboard", value: "1" } as const;
export const DASHBOARD_FILE = "geo-kafka-stretched.json";

const DATASOURCE = { type: "prometheus" as const, uid: "${datasource}" };
const PANEL_HEIGHT = 8;

interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  targets: Array<Omit<Target, "refId">>;
  width: number;
  kind?: "timeseries" | "stat";
  thresholdMs?: number;
}

function regionPanels(region: string, namespace: string, lagThresholdMs: number): PanelSpec[] {
  const sel = `namespace="${namespace}", region="${region}"`;
  return [
    {
      title: "Produce / consume throughput",
      description: "Bytes produced to and fetched by clients from this region's brokers (all topics).",
      unit: "Bps",
      width: 8,
      targets: [
        { expr: `sum(rate(kafka_server_brokertopicmetrics_bytes_in_total{${sel}}[5m]))`, legendFormat: "produce" },
        { expr: `sum(rate(kafka_server_brokertopicmetrics_bytes_out_total{${sel}}[5m]))`, legendFormat: "consume" },
      ],
    },
    {
      title: "Cross-region replication",
      description: "Replication bytes this region's brokers fetch (in) and serve (out); with rack = region all of it crosses regions.",
      unit: "Bps",
      width: 8,
      targets: [
        {
          expr: `sum(rate(kafka_server_brokertopicmetrics_replication_bytes_in_total{${sel}}[5m]))`,
          legendFormat: "fetched from other regions",
        },
        {
          expr: `sum(rate(kafka_server_brokertopicmetrics_replication_bytes_out_total{${sel}}[5m]))`,
          legendFormat: "served to other regions",
        },
      ],
    },
    {
      title: "Under-replicated / under-min-ISR partitions",
      description: "Partitions led here with a follower out of the ISR; under min ISR means acks=all writes fail.",
      unit: "short",
      width: 8,
      targets: [
        { expr: `sum(kafka_server_replicamanager_under_replicated_partitions{${sel}})`, legendFormat: "under-replicated" },
        { expr: `sum(kafka_server_replicamanager_under_min_isr_partitions{${sel}})`, legendFormat: "under min ISR" },
      ],
    },
    {
      title: "ISR churn",
      description: "ISR shrinks and expansions per second on partitions led here; a restart shows as a short burst of both.",
      unit: "ops",
      width: 8,
      targets: [
        { expr: `sum(rate(kafka_server_replicamanager_isr_shrinks_total{${sel}}[5m]))`, legendFormat: "shrinks" },
        { expr: `sum(rate(kafka_server_replicamanager_isr_expands_total{${sel}}[5m]))`, legendFormat: "expands" },
      ],
    },
    {
      title: "Request latency (p99) and replication wait",
      description: `p99 total time of produce and fetch requests; the produce wait for followers is the replication delay (alert above ${lagThresholdMs} ms).`,
      unit: "ms",
      width: 8,
      thresholdMs: lagThresholdMs,
      targets: [
        {
          expr: `max by (request) (kafka_network_requestmetrics_total_time_ms{${sel}, quantile="0.99"})`,
          legendFormat: "{{request}} total",
        },
        {
          expr: `max(kafka_network_requestmetrics_remote_time_ms{${sel}, request="Produce", quantile="0.99"})`,
          legendFormat: "produce waiting for followers",
        },
      ],
    },
    {
      title: "Controller and brokers",
      description: "Active controllers here (0 or 1), the quorum leader this region's nodes know (-1: none), brokers up.",
      unit: "short",
      width: 8,
      kind: "stat",
      targets: [
        { expr: `sum(kafka_controller_kafkacontroller_active_controller_count{${sel}})`, legendFormat: "active controllers here" },
        { expr: `max(kafka_server_raft_metrics_current_leader{${sel}})`, legendFormat: "quorum leader id" },
        { expr: `sum(up{${sel}, role="broker"})`, legendFormat: "brokers up" },
        { expr: `max(kafka_server_replicafetchermanager_max_lag{${sel}})`, legendFormat: "max follower lag (messages)" },
      ],
    },
    {
      title: "Authentication by listener",
      description:
        "Failed and successful authentications per second on this region's listeners: CLIENT is SASL/SCRAM, REPLICATION and CONTROLLER mutual TLS.",
      unit: "ops",
      width: 12,
      targets: [
        {
          expr: `sum by (listener) (rate(kafka_server_socket_server_metrics_failed_authentication_total{${sel}}[5m]))`,
          legendFormat: "{{listener}} failed",
        },
        {
          expr: `sum by (listener) (rate(kafka_server_socket_server_metrics_successful_authentication_total{${sel}}[5m]))`,
          legendFormat: "{{listener}} succeeded",
        },
      ],
    },
    {
      title: "Authorization denials",
      description:
        "Actions the StandardAuthorizer denied and checked per second on this region's brokers and controllers (Kafka's one-minute windowed rate / 60).",
      unit: "ops",
      width: 12,
      targets: [
        {
          expr: `sum by (process_role) (kafka_server_authorizer_authorization_denied_per_minute{${sel}}) / 60`,
          legendFormat: "{{process_role}} denied",
        },
        {
          expr: `sum by (process_role) (kafka_server_authorizer_authorization_requests_per_minute{${sel}}) / 60`,
          legendFormat: "{{process_role}} checked",
        },
      ],
    },
  ];
}

/** The dashboard for a stack's regions. Deterministic: the same inputs give the same JSON. */
export function buildDashboard(input: DashboardInputs): Dashboard {
  const panels: Panel[] = [];
  let id = 1;
  let y = 0;
  for (const region of input.regions) {
    panels.push({ id: id++, type: "row", title: `Region ${region}`, collapsed: false, panels: [], gridPos: { h: 1, w: 24, x: 0, y } });
    y += 1;
    let x = 0;
    for (const spec of regionPanels(region, input.namespace, input.replicationLagThresholdMs)) {
      if (x + spec.width > 24) {
        x = 0;
        y += PANEL_HEIGHT;
      }
      const steps =
        spec.thresholdMs !== undefined
          ? [
              { color: "green", value: null },
              { color: "red", value: spec.thresholdMs },
            ]
          : [];
      panels.push({
        id: id++,
        type: spec.kind ?? "timeseries",
        title: spec.title,
        description: spec.description,
        datasource: DATASOURCE,
        gridPos: { h: PANEL_HEIGHT, w: spec.width, x, y },
        targets: spec.targets.map((t, i) => ({ ...t, refId: String.fromCharCode(65 + i) })),
        fieldConfig: {
          defaults: {
            unit: spec.unit,
            ...(steps.length > 0 ? { thresholds: { mode: "absolute", steps }, custom: { thresholdsStyle: { mode: "line" } } } : {}),
          },
          overrides: [],
        },
        options:
          spec.kind === "stat" ? { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, textMode: "value_and_name" } : {},
      });
      x += spec.width;
    }
    y += PANEL_HEIGHT;
  }
  return {
    uid: DASHBOARD_UID,
    title: "geo-kafka: stretched Kafka cluster",
    tags: ["geo-kafka", "kafka"],
    timezone: "utc",
    schemaVersion: 39,
    version: 1,
    refresh: "30s",
    time: { from: "now-6h", to: "now" },
    templating: {
      list: [{ name: "datasource", label: "Prometheus", type: "datasource", query: "prometheus", current: {}, hide: 0 }],
    },
    annotations: { list: [] },
    panels,
  };
}

/** Every PromQL expression on the dashboard. */
export function dashboardExpressions(dashboard: Dashboard): string[] {
  const walk = (panels: readonly Panel[]): string[] =>
    panels.flatMap((p) => [...(p.targets ?? []).map((t) => t.expr), ...walk(p.panels ?? [])]);
  return walk(dashboard.panels);
}
