// The Prometheus JMX exporter java agent on every broker and controller: where it lives in the pod, how the JVM loads
// it, the init-container script that fetches and verifies it, and the rules file that turns Kafka's MBeans into the
// metrics the dashboard and the alerts read. Pure: the Kafka layer builds containers and a ConfigMap from this.
import { stringify } from "yaml";
import { JMX_EXPORTER } from "./versions";

/** The agent's HTTP port on every Kafka pod (the exporter's customary port). */
export const METRICS_PORT = 9404;
/** Container port name: the `http-` prefix tells Istio the protocol, and scrape objects select the port by this name. */
export const METRICS_PORT_NAME = "http-metrics";
export const METRICS_PATH = "/metrics";

/** Where the rules file is mounted (a ConfigMap volume, not subPath, so edits reach the pod without a restart). */
export const EXPORTER_CONFIG_DIR = "/etc/jmx-exporter";
export const EXPORTER_CONFIG_FILE = "config.yaml";
/** The ConfigMap holding the rules file, one per cluster in the Kafka namespace. */
export const EXPORTER_CONFIG_MAP = "kafka-jmx-exporter";

/**
 * Directory on the pod's own data volume where the verified agent jar is kept. On the persistent volume and not in an
 * emptyDir: only the first start of a pod downloads it, so restarts and rolling updates never depend on GitHub being
 * reachable. It sits beside `log.dirs` (`<volume>/logs`), never inside it, so Kafka does not take it for a partition.
 */
export function agentDir(dataVolumeMountPath: string): string {
  return `${dataVolumeMountPath}/jmx-exporter`;
}

export function agentJarPath(dataVolumeMountPath: string): string {
  return `${agentDir(dataVolumeMountPath)}/${JMX_EXPORTER.jarName}`;
}

/** `KAFKA_OPTS`: kafka-run-class.sh adds it to the JVM command line; `<port>:<file>` binds the agent on 0.0.0.0. */
export function javaAgentOpts(dataVolumeMountPath: string): string {
  return `-javaagent:${agentJarPath(dataVolumeMountPath)}=${METRICS_PORT}:${EXPORTER_CONFIG_DIR}/${EXPORTER_CONFIG_FILE}`;
}

/**
 * The init container's script (POSIX sh, busybox). A jar already on the volume with the right SHA-256 is kept; otherwise
 * it is downloaded to a temporary name, verified and renamed, so a torn download never looks valid. A mismatch fails
 * the pod rather than run an unverified agent inside the broker.
 */
export function agentFetchScript(dataVolumeMountPath: string, url: string = JMX_EXPORTER.downloadUrl): string {
  const dir = agentDir(dataVolumeMountPath);
  const jar = agentJarPath(dataVolumeMountPath);
  return `set -eu
# geo-kafka: fetch the Prometheus JMX exporter agent (lib/observability/jmx-exporter.ts). Rendered, not edited by hand.
jar="${jar}"
want="${JMX_EXPORTER.sha256}"
digest() { sha256sum "$1" | cut -d' ' -f1; }
if [ -f "$jar" ] && [ "$(digest "$jar")" = "$want" ]; then
  echo "geo-kafka: $jar present and verified"
  exit 0
fi
mkdir -p "${dir}"
tmp="$jar.download"
curl --fail --silent --show-error --location --retry 5 --retry-connrefused --connect-timeout 10 --max-time 300 --output "$tmp" "${url}"
got="$(digest "$tmp")"
if [ "$got" != "$want" ]; then
  echo "geo-kafka: SHA-256 of ${url} is $got, expected $want" >&2
  rm -f "$tmp"
  exit 1
fi
mv "$tmp" "$jar"
echo "geo-kafka: $jar downloaded and verified"
`;
}

export type ExporterMetricType = "GAUGE" | "COUNTER";

/** One jmx_exporter rule (website/docs/configuration/rules.md of the 1.6.0 tree). */
export interface ExporterRule {
  /** Java regex matched against `domain<key=value, ...><path>attribute: value`; the collector wraps it in `^.*(?:...).*$`. */
  pattern: string;
  /** Metric name. Counters end in `_total`: client_java 1.x strips that suffix and writes it back for counters. */
  name: string;
  type: ExporterMetricType;
  help: string;
  labels?: Record<string, string>;
  /** A constant value instead of the attribute's (used to turn a string attribute into a 1-valued gauge). */
  value?: string;
}

/** The label a percentile rule adds; Kafka's Yammer histograms expose `50thPercentile` ... `999thPercentile`. */
const QUANTILES = "(50|99|999)";
const LATENCY_REQUESTS = "(Produce|FetchConsumer|FetchFollower)";
/** A bean property value inside `<...>`: anything up to the next separator. */
const VALUE = "([^,>]+)";

const topicMeter = (mbeanName: string, metric: string, help: string): ExporterRule => ({
  pattern: `kafka.server<type=BrokerTopicMetrics, name=${mbeanName}, topic=${VALUE}><>Count`,
  name: metric,
  type: "COUNTER",
  help,
  labels: { topic: "$1" },
});

const value = (domainAndBean: string, metric: string, help: string): ExporterRule => ({
  pattern: `${domainAndBean}><>Value`,
  name: metric,
  type: "GAUGE",
  help,
});

/**
 * Only what the dashboard, the alerts and an on-call engineer need, each with an explicit name, so the set of
 * metric names is known here and can be checked against every query. MBean names: apache/kafka
 * docs/operations/monitoring.md (4.x, "KRaft Monitoring Metrics" for the controller and raft ones); the authentication
 * and authorizer ones from the classes of the 4.1.2 release (docs/observability.md, "Versions and sources").
 */
export const EXPORTER_RULES: readonly ExporterRule[] = [
  // Throughput per topic (per-topic Meters; their sum is the all-topics one, which is therefore not exported).
  topicMeter("BytesInPerSec", "kafka_server_brokertopicmetrics_bytes_in_total", "Bytes produced to this broker, per topic."),
  topicMeter("BytesOutPerSec", "kafka_server_brokertopicmetrics_bytes_out_total", "Bytes fetched by clients from this broker, per topic."),
  topicMeter("MessagesInPerSec", "kafka_server_brokertopicmetrics_messages_in_total", "Messages produced to this broker, per topic."),
  // Replication traffic: with rack = region and one replica per region, every replicated byte crosses regions.
  {
    pattern: "kafka.server<type=BrokerTopicMetrics, name=ReplicationBytesInPerSec><>Count",
    name: "kafka_server_brokertopicmetrics_replication_bytes_in_total",
    type: "COUNTER",
    help: "Bytes this broker fetched as a follower from leaders (all in other regions).",
  },
  {
    pattern: "kafka.server<type=BrokerTopicMetrics, name=ReplicationBytesOutPerSec><>Count",
    name: "kafka_server_brokertopicmetrics_replication_bytes_out_total",
    type: "COUNTER",
    help: "Bytes followers (all in other regions) fetched from this broker as leader.",
  },
  {
    pattern: "kafka.server<type=BrokerTopicMetrics, name=FailedProduceRequestsPerSec><>Count",
    name: "kafka_server_brokertopicmetrics_failed_produce_requests_total",
    type: "COUNTER",
    help: "Produce requests that failed on this broker (e.g. NOT_ENOUGH_REPLICAS).",
  },
  // Request latency percentiles (Yammer histograms, exponentially decaying over about five minutes).
  {
    pattern: `kafka.network<type=RequestMetrics, name=TotalTimeMs, request=${LATENCY_REQUESTS}><>${QUANTILES}thPercentile`,
    name: "kafka_network_requestmetrics_total_time_ms",
    type: "GAUGE",
    help: "Total request time in milliseconds, by request type and quantile.",
    labels: { request: "$1", quantile: "0.$2" },
  },
  {
    pattern: `kafka.network<type=RequestMetrics, name=RemoteTimeMs, request=(Produce)><>${QUANTILES}thPercentile`,
    name: "kafka_network_requestmetrics_remote_time_ms",
    type: "GAUGE",
    help: "Time a produce request waited for the in-sync followers (acks=all): the replication delay, in milliseconds.",
    labels: { request: "$1", quantile: "0.$2" },
  },
  {
    pattern: `kafka.network<type=RequestMetrics, name=RequestsPerSec, request=${LATENCY_REQUESTS}, version=([0-9]+)><>Count`,
    name: "kafka_network_requestmetrics_requests_total",
    type: "COUNTER",
    help: "Requests received, by request type and version.",
    labels: { request: "$1", version: "$2" },
  },
  // Replica state.
  value(
    "kafka.server<type=ReplicaManager, name=UnderReplicatedPartitions",
    "kafka_server_replicamanager_under_replicated_partitions",
    "Partitions this broker leads whose ISR is smaller than the replica set.",
  ),
  value(
    "kafka.server<type=ReplicaManager, name=UnderMinIsrPartitionCount",
    "kafka_server_replicamanager_under_min_isr_partitions",
    "Partitions this broker leads whose ISR is below min.insync.replicas: acks=all writes to them fail.",
  ),
  value(
    "kafka.server<type=ReplicaManager, name=OfflineReplicaCount",
    "kafka_server_replicamanager_offline_replicas",
    "Replicas on this broker that are offline (log directory failure).",
  ),
  value("kafka.server<type=ReplicaManager, name=LeaderCount", "kafka_server_replicamanager_leader_count", "Partitions this broker leads."),
  value(
    "kafka.server<type=ReplicaManager, name=PartitionCount",
    "kafka_server_replicamanager_partition_count",
    "Partitions with a replica on this broker.",
  ),
  {
    pattern: "kafka.server<type=ReplicaManager, name=IsrShrinksPerSec><>Count",
    name: "kafka_server_replicamanager_isr_shrinks_total",
    type: "COUNTER",
    help: "ISR shrinks on partitions this broker leads.",
  },
  {
    pattern: "kafka.server<type=ReplicaManager, name=IsrExpandsPerSec><>Count",
    name: "kafka_server_replicamanager_isr_expands_total",
    type: "COUNTER",
    help: "ISR expansions on partitions this broker leads.",
  },
  // Follower lag in messages: the fetcher's maximum, and per partition to find the one that lags.
  value(
    "kafka.server<type=ReplicaFetcherManager, name=MaxLag, clientId=Replica",
    "kafka_server_replicafetchermanager_max_lag",
    "Largest lag, in messages, of any follower replica on this broker.",
  ),
  {
    pattern: `kafka.server<type=FetcherLagMetrics, name=ConsumerLag, clientId=${VALUE}, topic=${VALUE}, partition=([0-9]+)><>Value`,
    name: "kafka_server_fetcherlagmetrics_consumer_lag",
    type: "GAUGE",
    help: "Lag in messages of one follower replica on this broker.",
    labels: { client_id: "$1", topic: "$2", partition: "$3" },
  },
  // Thread pools.
  value(
    "kafka.network<type=SocketServer, name=NetworkProcessorAvgIdlePercent",
    "kafka_network_socketserver_network_processor_avg_idle_ratio",
    "Average idle fraction (0-1) of the network threads; below 0.3 they are the bottleneck.",
  ),
  {
    pattern: "kafka.server<type=KafkaRequestHandlerPool, name=RequestHandlerAvgIdlePercent><>OneMinuteRate",
    name: "kafka_server_kafkarequesthandlerpool_request_handler_avg_idle_ratio",
    type: "GAUGE",
    help: "Average idle fraction (0-1) of the request handler (I/O) threads over the last minute.",
  },
  // Authentication per listener: the network threads' Selector metrics (Selector.SelectorMetrics, group
  // `socket-server-metrics`, tags listener and networkProcessor). A refused SASL exchange and a refused TLS handshake
  // (SslAuthenticationException) both count as failed; re-authentication has its own attributes, not exported.
  {
    pattern: `kafka.server<type=socket-server-metrics, listener=${VALUE}, networkProcessor=${VALUE}><>failed-authentication-total: `,
    name: "kafka_server_socket_server_metrics_failed_authentication_total",
    type: "COUNTER",
    help: "Connections whose authentication (SASL or TLS handshake) failed, by listener and network thread.",
    labels: { listener: "$1", network_processor: "$2" },
  },
  {
    pattern: `kafka.server<type=socket-server-metrics, listener=${VALUE}, networkProcessor=${VALUE}><>successful-authentication-total: `,
    name: "kafka_server_socket_server_metrics_successful_authentication_total",
    type: "COUNTER",
    help: "Connections that authenticated, by listener and network thread.",
    labels: { listener: "$1", network_processor: "$2" },
  },
  // StandardAuthorizer (Kafka >= 4.1 registers its metrics as plugin metrics: group `plugins`, tags config, class and
  // role). Kafka keeps only a windowed rate per minute here, no cumulative count, so these are gauges. Every action
  // checked counts, including the topics silently filtered out of a metadata listing.
  {
    pattern:
      "kafka.server<type=plugins, config=authorizer.class.name, class=StandardAuthorizer, role=([a-z]+)><>authorization-denied-rate-per-minute: ",
    name: "kafka_server_authorizer_authorization_denied_per_minute",
    type: "GAUGE",
    help: "Actions the StandardAuthorizer denied, per minute (Kafka's windowed rate), by process role.",
    labels: { process_role: "$1" },
  },
  {
    pattern:
      "kafka.server<type=plugins, config=authorizer.class.name, class=StandardAuthorizer, role=([a-z]+)><>authorization-request-rate-per-minute: ",
    name: "kafka_server_authorizer_authorization_requests_per_minute",
    type: "GAUGE",
    help: "Actions the StandardAuthorizer checked (allowed or denied), per minute (Kafka's windowed rate), by process role.",
    labels: { process_role: "$1" },
  },
  {
    pattern: "kafka.server<type=plugins, config=authorizer.class.name, class=StandardAuthorizer, role=([a-z]+)><>acls-total-count: ",
    name: "kafka_server_authorizer_acls",
    type: "GAUGE",
    help: "ACLs the StandardAuthorizer holds, by process role.",
    labels: { process_role: "$1" },
  },
  // Controllers (reported by the active controller; 0 or absent on the others).
  value(
    "kafka.controller<type=KafkaController, name=ActiveControllerCount",
    "kafka_controller_kafkacontroller_active_controller_count",
    "1 on the active controller, 0 on the other controllers.",
  ),
  value(
    "kafka.controller<type=KafkaController, name=OfflinePartitionsCount",
    "kafka_controller_kafkacontroller_offline_partitions",
    "Partitions without a leader, as the active controller sees them.",
  ),
  value(
    "kafka.controller<type=KafkaController, name=ActiveBrokerCount",
    "kafka_controller_kafkacontroller_active_brokers",
    "Unfenced brokers, as the active controller sees them.",
  ),
  value(
    "kafka.controller<type=KafkaController, name=FencedBrokerCount",
    "kafka_controller_kafkacontroller_fenced_brokers",
    "Fenced brokers, as the active controller sees them.",
  ),
  // The KRaft quorum, reported by controllers and (as observers) by brokers.
  {
    pattern: "kafka.server<type=raft-metrics><>current-leader: ",
    name: "kafka_server_raft_metrics_current_leader",
    type: "GAUGE",
    help: "Node id of the quorum leader (the active controller) as this node knows it; -1 when unknown.",
  },
  {
    pattern: "kafka.server<type=raft-metrics><>current-state: ([a-z]+)",
    // Not `_info`: client_java 1.x strips that suffix too.
    name: "kafka_server_raft_metrics_current_state",
    type: "GAUGE",
    value: "1",
    help: "1 for this node's quorum state: leader, candidate, voted, follower, unattached or observer.",
    labels: { state: "$1" },
  },
  {
    // KIP-853: the voters in the voter set this node has read from the metadata log (raft/.../KafkaRaftMetrics.java).
    pattern: "kafka.server<type=raft-metrics><>number-of-voters: ",
    name: "kafka_server_raft_metrics_number_of_voters",
    type: "GAUGE",
    help: "Voters in the KRaft voter set, as this node knows it.",
  },
  {
    pattern: "kafka.server<type=raft-metrics><>commit-latency-avg: ",
    name: "kafka_server_raft_metrics_commit_latency_avg_ms",
    type: "GAUGE",
    help: "Average time to commit a metadata record, milliseconds.",
  },
];

/**
 * MBeans the collector queries at all (javax.management.ObjectName patterns). Kafka registers thousands of beans
 * (per partition, per client quota); querying only these keeps a scrape cheap.
 */
export const EXPORTER_OBJECT_NAMES: readonly string[] = [
  "kafka.server:type=BrokerTopicMetrics,*",
  "kafka.server:type=ReplicaManager,*",
  "kafka.server:type=ReplicaFetcherManager,*",
  "kafka.server:type=FetcherLagMetrics,*",
  "kafka.server:type=KafkaRequestHandlerPool,*",
  "kafka.server:type=raft-metrics",
  "kafka.network:type=RequestMetrics,*",
  "kafka.network:type=SocketServer,*",
  "kafka.controller:type=KafkaController,*",
  "kafka.server:type=socket-server-metrics,*",
  "kafka.server:type=plugins,*",
];

/** The exporter's YAML configuration (keys from website/docs/reference/configuration.md, 1.6.0). */
export function renderExporterConfig(rules: readonly ExporterRule[] = EXPORTER_RULES): string {
  const doc = {
    lowercaseOutputName: false,
    lowercaseOutputLabelNames: false,
    includeObjectNames: [...EXPORTER_OBJECT_NAMES],
    rules: rules.map((r) => ({
      pattern: r.pattern,
      name: r.name,
      type: r.type,
      help: r.help,
      ...(r.value !== undefined ? { value: r.value } : {}),
      ...(r.labels ? { labels: r.labels } : {}),
    })),
  };
  return `# geo-kafka: Prometheus JMX exporter rules (lib/observability/jmx-exporter.ts). Rendered, not edited by hand.\n${stringify(doc, { lineWidth: 0 })}`;
}

/** Suffixes client_java 1.x removes from a metric name before writing it (PrometheusNaming.sanitizeMetricName). */
export const RESERVED_SUFFIXES = ["_total", "_created", "_bucket", "_info"] as const;

/**
 * The metric name a rule's samples carry on /metrics. client_java 1.x strips a reserved suffix from every name and
 * writes `_total` back for counters, so a counter named `x_total` is exposed as `x_total` and a gauge must not end in
 * a reserved suffix (it would lose it).
 */
export function exposedName(rule: Pick<ExporterRule, "name" | "type">): string {
  let base = rule.name;
  for (let stripped = true; stripped;) {
    stripped = false;
    for (const suffix of RESERVED_SUFFIXES) {
      if (base.endsWith(suffix)) {
        base = base.slice(0, -suffix.length);
        stripped = true;
      }
    }
  }
  return rule.type === "COUNTER" ? `${base}_total` : base;
}

/** Every metric name the rules produce, sorted. */
export function exporterMetricNames(rules: readonly ExporterRule[] = EXPORTER_RULES): string[] {
  return [...new Set(rules.map(exposedName))].sort();
}

/** Series Prometheus writes itself for every scraped target; queries may use them beside the exporter's. */
export const SCRAPE_SERIES: readonly string[] = ["up"];
