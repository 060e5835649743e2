// Alerting rules for the stretched cluster, as plain Prometheus rule groups (the shape PrometheusRule, GMP Rules and
// AMP rule namespaces all take), and the replication-lag threshold derived from the links' round-trip times.
//
// Who sees what: each region's scraper (a Prometheus per cluster, GMP's collectors, an AMP workspace per region)
// scrapes only that region's pods. Every rule in LOCAL groups is therefore written to be right when evaluated on one
// region's series alone; the one rule that needs all three regions at once (exactly one active controller in the
// whole cluster) is in the GLOBAL group, installed only where a query spans the clusters (GMP GlobalRules).
import { stringify } from "yaml";

export interface AlertRule {
  alert: string;
  expr: string;
  /** How long the condition must hold; a Prometheus duration. */
  for: string;
  labels: { severity: "critical" | "warning" } & Record<string, string>;
  annotations: { summary: string; description: string; runbook: string };
}

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: AlertRule[];
}

/**
 * Kafka's default `replica.lag.time.max.ms` (30 s since Kafka 2.5, KIP-537; lib/kafka does not override it). A follower
 * that has not caught up for this long leaves the ISR, which the under-replicated alert reports from then on.
 */
export const REPLICA_LAG_TIME_MAX_MS = 30_000;
/** Healthy replication waits about one round trip to the farthest follower (see replicationLagThresholdMs). */
export const REPLICATION_LAG_RTT_MULTIPLE = 5;
/** Fixed headroom for the follower's disk append, fetch scheduling and GC pauses that do not scale with distance. */
export const REPLICATION_LAG_HEADROOM_MS = 250;

/**
 * Threshold for the p99 time produce requests wait for their in-sync followers (RequestMetrics RemoteTimeMs,
 * request=Produce). With acks=all the leader answers once every ISR member has fetched the batch: a follower's
 * long-poll fetch returns as soon as the batch lands, crosses half a round trip, and the follower's next fetch (which
 * carries its new offset) crosses the other half, so a healthy cluster sits at one to two RTTs of the farthest
 * follower. Five worst-path RTTs plus a fixed headroom means replication runs well below what the network allows
 * (congested or BDP-starved links, a slow follower disk, fetcher threads saturated). It must stay well under
 * replica.lag.time.max.ms: past that the follower is dropped from the ISR, the wait falls again, and the
 * under-replicated alert takes over, so the threshold is capped at half of it.
 */
export function replicationLagThresholdMs(worstRttMs: number, override?: number): number {
  if (override !== undefined) return override;
  return Math.min(Math.ceil(REPLICATION_LAG_RTT_MULTIPLE * worstRttMs + REPLICATION_LAG_HEADROOM_MS), REPLICA_LAG_TIME_MAX_MS / 2);
}

/**
 * Authentication failures per second, per region and listener, sustained for ACCESS_ALERT_FOR. A client with a wrong or
 * stale SCRAM password, or a peer whose certificate the others no longer trust, reconnects with its backoff (Kafka's
 * reconnect.backoff.max.ms default is 1 s), so one such client or node failing without pause is about one failure per
 * second per broker it tries; a credential or certificate rollout that a few pods pick up late ends well within ten
 * minutes. Above one per second for ten minutes is therefore something that keeps failing (a Secret or truststore not
 * rolled out, an expired certificate, a client fleet on an old password) or someone guessing passwords.
 */
export const AUTHENTICATION_FAILURES_PER_SECOND = 1;
/**
 * Authorization denials per second, per region and process role, sustained for ACCESS_ALERT_FOR. The authorizer counts
 * every action it checks, including topics silently left out of a client's metadata listing (a few per client every
 * metadata.max.age.ms, 5 minutes by default), so a background of well under one per second is normal with ACLs.
 * A steady one per second or more is a client retrying an operation it has no ACL for, or ACLs missing after a change.
 */
export const AUTHORIZATION_DENIALS_PER_SECOND = 1;
/** Long enough to ride out a rolling credential or certificate change; short enough to page before a day of errors. */
export const ACCESS_ALERT_FOR = "10m";

export interface AlertInputs {
  /** Brokers in each region; a region's worth missing from the active controller's view is a lost region. */
  brokersPerRegion: number;
  /** Controllers in each region: the voter set should hold this many per region. */
  controllersPerRegion: number;
  regionCount: number;
  /** ms, from replicationLagThresholdMs. */
  replicationLagThresholdMs: number;
  /** Namespace of the Kafka pods (every series carries it). */
  namespace: string;
  /** Label matchers that restrict a cross-cluster query to this deployment's clusters, e.g. `cluster=~"a|b|c"`. */
  globalScope?: string;
}

const RUNBOOK = "docs/observability.md";
const runbook = (anchor: string) => `${RUNBOOK}#${anchor}`;

/** Rules that are right on one region's series alone (every region's scraper evaluates them). */
export function localAlertGroups(input: AlertInputs): RuleGroup[] {
  const ns = `namespace="${input.namespace}"`;
  const totalBrokers = input.brokersPerRegion * input.regionCount;
  return [
    {
      name: "geo-kafka.availability",
      rules: [
        {
          alert: "KafkaOfflinePartitions",
          // Only the active controller reports a non-zero value, so exactly one region's scraper sees it.
          expr: `max(kafka_controller_kafkacontroller_offline_partitions{${ns}}) > 0`,
          for: "1m",
          labels: { severity: "critical" },
          annotations: {
            summary: "Partitions without a leader: they can be neither written nor read.",
            description: "{{ $value }} partitions are offline as the active controller sees them.",
            runbook: runbook("kafkaofflinepartitions"),
          },
        },
        {
          alert: "KafkaUnderMinIsrPartitions",
          expr: `sum by (region) (kafka_server_replicamanager_under_min_isr_partitions{${ns}}) > 0`,
          for: "1m",
          labels: { severity: "critical" },
          annotations: {
            summary: "Partitions below min.insync.replicas: acks=all producers get NOT_ENOUGH_REPLICAS.",
            description: "{{ $value }} partitions led in {{ $labels.region }} have fewer in-sync replicas than min.insync.replicas.",
            runbook: runbook("kafkaunderminisrpartitions"),
          },
        },
        {
          alert: "KafkaUnderReplicatedPartitions",
          expr: `sum by (region) (kafka_server_replicamanager_under_replicated_partitions{${ns}}) > 0`,
          for: "5m",
          labels: { severity: "warning" },
          annotations: {
            summary: "Partitions with a replica out of the ISR for 5 minutes.",
            description: "{{ $value }} partitions led in {{ $labels.region }} are under-replicated: one region's copy is behind.",
            runbook: runbook("kafkaunderreplicatedpartitions"),
          },
        },
        {
          alert: "KafkaRegionBrokersDown",
          // The region's own view: every local broker target down, or no broker target at all.
          expr: `(sum by (region) (up{${ns}, role="broker"}) == 0) or absent(up{${ns}, role="broker"})`,
          for: "2m",
          labels: { severity: "critical" },
          annotations: {
            summary: "No broker of this region answers its metrics scrape.",
            description: "All brokers of {{ $labels.region }} are down or unscrapeable; its replicas are out of every ISR.",
            runbook: runbook("kafkaregionbrokersdown"),
          },
        },
        {
          alert: "KafkaBrokersOfARegionMissing",
          // The other regions' view of a lost region (whose own scraper may be gone with it): the active controller
          // counts a region's worth of brokers or more as not active. Reported where the active controller runs.
          expr: `max(kafka_controller_kafkacontroller_active_brokers{${ns}}) <= ${totalBrokers - input.brokersPerRegion}`,
          for: "2m",
          labels: { severity: "critical" },
          annotations: {
            summary: `At least ${input.brokersPerRegion} of ${totalBrokers} brokers are not active: possibly a whole region.`,
            description: "The active controller sees {{ $value }} active brokers.",
            runbook: runbook("kafkaregionbrokersdown"),
          },
        },
      ],
    },
    {
      name: "geo-kafka.controllers",
      rules: [
        {
          alert: "KafkaNoQuorumLeader",
          // Every node (controllers, and brokers as observers) reports the quorum leader it knows. When no node of
          // this region knows one, there is no active controller as far as this region can tell: the per-region form
          // of "active controllers != 1" (0 case).
          expr: `max by (region) (kafka_server_raft_metrics_current_leader{${ns}}) < 0`,
          for: "1m",
          labels: { severity: "critical" },
          annotations: {
            summary: "No node of this region knows a KRaft quorum leader (active controller).",
            description:
              "Metadata changes (leader elections, ISR updates) stop while no controller is active; {{ $labels.region }} may be cut off.",
            runbook: runbook("kafkanoquorumleader"),
          },
        },
        {
          alert: "KafkaQuorumVotersBelowConfigured",
          // The voter set every node reads from the metadata log. Fewer voters than controllers means a controller was
          // removed and not added again (the replacement of a lost volume left half done, docs/kafka.md), or the
          // quorum was formatted with fewer: it then survives fewer failures than planned. A voter whose volume was
          // wiped keeps its entry until removed, so the count does not see that case.
          // max: the view of the node that has read the most recent voter set in this region.
          expr: `max by (region) (kafka_server_raft_metrics_number_of_voters{${ns}}) < ${input.controllersPerRegion * input.regionCount}`,
          for: "15m",
          labels: { severity: "critical" },
          annotations: {
            summary: "The KRaft voter set holds fewer voters than the cluster has controllers.",
            description: `{{ $value }} voters of ${input.controllersPerRegion * input.regionCount} configured controllers, as {{ $labels.region }} sees it: losing a region may now lose the quorum.`,
            runbook: runbook("kafkaquorumvotersbelowconfigured"),
          },
        },
        {
          alert: "KafkaMultipleActiveControllers",
          // The per-region form of "active controllers != 1" (more-than-one case) for the controllers this region runs.
          expr: `sum by (region) (kafka_controller_kafkacontroller_active_controller_count{${ns}}) > 1`,
          for: "1m",
          labels: { severity: "critical" },
          annotations: {
            summary: "More than one controller of this region claims to be active.",
            description: "{{ $value }} controllers in {{ $labels.region }} report ActiveControllerCount 1.",
            runbook: runbook("kafkaactivecontrollercountnotone"),
          },
        },
      ],
    },
    {
      name: "geo-kafka.replication",
      rules: [
        {
          alert: "KafkaIsrShrinking",
          // One broker restart shrinks ISRs for a minute or two and then expands them; shrinks that keep coming for
          // 15 minutes mean followers keep falling behind (a flapping link or an overloaded follower).
          expr: `sum by (region) (rate(kafka_server_replicamanager_isr_shrinks_total{${ns}}[5m])) > 0`,
          for: "15m",
          labels: { severity: "warning" },
          annotations: {
            summary: "ISRs have kept shrinking for 15 minutes.",
            description: "Partitions led in {{ $labels.region }} lose in-sync followers at {{ $value }} per second.",
            runbook: runbook("kafkaisrshrinking"),
          },
        },
        {
          alert: "KafkaReplicationLagHigh",
          expr: `max by (region, pod) (kafka_network_requestmetrics_remote_time_ms{${ns}, request="Produce", quantile="0.99"}) > ${input.replicationLagThresholdMs}`,
          for: "10m",
          labels: { severity: "warning" },
          annotations: {
            summary: `Produce requests wait more than ${input.replicationLagThresholdMs} ms (p99) for their followers.`,
            description: "{{ $labels.pod }} in {{ $labels.region }}: p99 replication wait {{ $value }} ms.",
            runbook: runbook("kafkareplicationlaghigh"),
          },
        },
        {
          alert: "KafkaNetworkThreadsSaturated",
          expr: `min by (region, pod) (kafka_network_socketserver_network_processor_avg_idle_ratio{${ns}}) < 0.3`,
          for: "15m",
          labels: { severity: "warning" },
          annotations: {
            summary: "Network threads idle less than 30% of the time.",
            description: "{{ $labels.pod }} in {{ $labels.region }}: network processors {{ $value }} idle.",
            runbook: runbook("kafkanetworkthreadssaturated"),
          },
        },
      ],
    },
    {
      name: "geo-kafka.access",
      rules: [
        {
          alert: "KafkaAuthenticationFailures",
          expr: `sum by (region, listener) (rate(kafka_server_socket_server_metrics_failed_authentication_total{${ns}}[5m])) > ${AUTHENTICATION_FAILURES_PER_SECOND}`,
          for: ACCESS_ALERT_FOR,
          labels: { severity: "warning" },
          annotations: {
            summary: `More than ${AUTHENTICATION_FAILURES_PER_SECOND} failed authentication per second on one listener for ${ACCESS_ALERT_FOR}.`,
            description:
              "{{ $labels.listener }} in {{ $labels.region }}: {{ $value }} failed authentications per second (CLIENT: SASL/SCRAM; REPLICATION, CONTROLLER: mutual TLS between Kafka nodes).",
            runbook: runbook("kafkaauthenticationfailures"),
          },
        },
        {
          alert: "KafkaAuthorizationDenials",
          // Kafka exposes the denials only as a windowed rate per minute (a gauge), hence / 60 rather than rate().
          expr: `sum by (region, process_role) (kafka_server_authorizer_authorization_denied_per_minute{${ns}}) / 60 > ${AUTHORIZATION_DENIALS_PER_SECOND}`,
          for: ACCESS_ALERT_FOR,
          labels: { severity: "warning" },
          annotations: {
            summary: `More than ${AUTHORIZATION_DENIALS_PER_SECOND} authorization denial per second for ${ACCESS_ALERT_FOR}.`,
            description:
              "The StandardAuthorizer of the {{ $labels.process_role }}s in {{ $labels.region }} denies {{ $value }} actions per second.",
            runbook: runbook("kafkaauthorizationdenials"),
          },
        },
      ],
    },
  ];
}

/** Rules that need every region's series in one query: only for evaluators that span the clusters. */
export function globalAlertGroups(input: AlertInputs): RuleGroup[] {
  const scope = [`namespace="${input.namespace}"`, ...(input.globalScope ? [input.globalScope] : [])].join(", ");
  return [
    {
      name: "geo-kafka.global",
      rules: [
        {
          alert: "KafkaActiveControllerCountNotOne",
          // Each controller reports 1 when active; over the whole stretched cluster the sum is exactly 1.
          expr: `sum(kafka_controller_kafkacontroller_active_controller_count{${scope}}) != 1`,
          for: "1m",
          labels: { severity: "critical" },
          annotations: {
            summary: "The stretched cluster does not have exactly one active controller.",
            description: "{{ $value }} controllers across all regions report themselves active.",
            runbook: runbook("kafkaactivecontrollercountnotone"),
          },
        },
      ],
    },
  ];
}

/** Every alert expression of some groups. */
export function alertExpressions(groups: readonly RuleGroup[]): string[] {
  return groups.flatMap((g) => g.rules.map((r) => r.expr));
}

/** The `groups:` document a Prometheus rule file (and an AMP rule group namespace) holds. */
export function renderRuleFile(groups: readonly RuleGroup[]): string {
  return stringify({ groups }, { lineWidth: 0 });
}
