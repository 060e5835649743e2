// Observability of the stretched Kafka cluster: one ObservabilityRegion per regional cluster, each on its own provider,
// all fed by one plan (lib/observability) so every region gets the same rules, dashboard and scrape settings.
import * as pulumi from "@pulumi/pulumi";
import type { StackSpec } from "../../lib/config/spec";
import { ENVOY_KAFKA_STATS_PREFIX, ObservabilityPlan } from "../../lib/observability";
import { DEFAULT_MONITORING_NAMESPACE } from "../../lib/observability/defaults";
import type { StretchedKafka } from "../kafka";
import type { MeshLayer } from "../mesh/types";
import type { RegionalCluster } from "../platform";
import type { AmpClusterTarget } from "../aws/amazon-managed-prometheus";
import { ObservabilityRegion } from "./region";

/** Labels every broker pod carries in every cluster (the StatefulSet's selector minus its per-region instance). */
export const BROKER_POD_LABELS = { "app.kubernetes.io/name": "kafka", "app.kubernetes.io/component": "broker" } as const;

export interface KafkaObservabilityArgs {
  /**
   * What every region gets: the scraper (`plan.scrape`), alert rules, the dashboard and the replication-lag threshold,
   * from `observabilityPlan(spec)` (lib/observability). Required.
   */
  plan: ObservabilityPlan;
  /** Namespace of the Prometheus that scrapes Kafka (prometheus-operator); the only one admitted to the metrics port. Default `monitoring`. */
  monitoringNamespace?: string;
  /** Labels on PodMonitors and PrometheusRules so an existing Prometheus' selectors pick them up. Default none. */
  monitorLabels?: Record<string, string>;
  /** Install a pinned kube-prometheus-stack in every cluster (prometheus-operator scraping). Default false. */
  installKubePrometheusStack?: boolean;
  /** Envoy's Kafka filter on the brokers' sidecars, for Kafka protocol metrics; needs the Istio mesh. Default false. */
  envoyKafkaFilter?: boolean;
  /** One per region, in region order; region i's objects use `clusters[i].provider`. Required. */
  clusters: readonly RegionalCluster[];
  /** The Kafka layer: its per-region namespace is what objects in the Kafka namespace wait for. Required. */
  kafka: StretchedKafka;
  /** The mesh: Istio CRDs (EnvoyFilter) wait for it in each region. Required. */
  mesh: MeshLayer;
  /** `observability.scrape: amazon-managed` only: per region, the EKS cluster and AWS provider. Conflicts with other modes. */
  amazonManaged?: readonly AmpClusterTarget[];
}

export class KafkaObservability extends pulumi.ComponentResource {
  readonly plan: ObservabilityPlan;
  readonly regions: ObservabilityRegion[];

  constructor(name: string, args: KafkaObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:observability:KafkaObservability", name, {}, opts);
    const { plan } = args;
    const scrape = plan.scrape;
    const envoyKafkaFilter = args.envoyKafkaFilter ?? false;
    const problems: Array<{ propertyPath: string; reason: string }> = [];
    if (args.kafka.regions.length !== args.clusters.length) {
      problems.push({ propertyPath: "clusters", reason: "need one cluster per Kafka region" });
    }
    if (scrape === "amazon-managed" && args.amazonManaged?.length !== args.clusters.length) {
      problems.push({ propertyPath: "amazonManaged", reason: "amazon-managed scraping needs one EKS target per region" });
    }
    if (scrape !== "amazon-managed" && args.amazonManaged !== undefined) {
      problems.push({ propertyPath: "amazonManaged", reason: `is only used with scrape amazon-managed (found ${scrape})` });
    }
    if (envoyKafkaFilter && args.mesh.mode !== "istio") {
      problems.push({ propertyPath: "envoyKafkaFilter", reason: "needs the Istio mesh" });
    }
    if (problems.length > 0) throw new pulumi.InputPropertiesError({ message: `invalid arguments for ${name}`, errors: problems });

    this.plan = plan;
    this.regions = args.clusters.map((cluster, i) => {
      const kafkaRegion = args.kafka.regions[i];
      return new ObservabilityRegion(
        `${name}-${cluster.region.name}`,
        {
          cluster,
          scrape,
          monitoringNamespace: args.monitoringNamespace ?? DEFAULT_MONITORING_NAMESPACE,
          monitorLabels: args.monitorLabels ?? {},
          installKubePrometheusStack: args.installKubePrometheusStack ?? false,
          localRuleGroups: this.plan.localRuleGroups,
          // One evaluator for the cross-cluster rule, or every region would page for the same condition.
          globalRuleGroups: i === 0 ? this.plan.globalRuleGroups : [],
          dashboardJson: this.plan.dashboardJson,
          envoyKafkaFilter,
          brokerPodLabels: { ...BROKER_POD_LABELS },
          ...(args.amazonManaged ? { amazonManaged: args.amazonManaged[i] } : {}),
          dependsOn: [kafkaRegion.namespace, ...cluster.dependsOn, ...args.mesh.readyIn(i)],
        },
        { parent: this },
      );
    });

    this.registerOutputs(this.stackOutputs());
  }

  /** What the stack exports: where metrics go and what the alerts use. */
  stackOutputs() {
    return {
      scrape: this.plan.scrape,
      replicationLagAlertMs: this.plan.replicationLagThresholdMs,
      worstRttMs: this.plan.worstRttMs,
      alerts: this.plan.localRuleGroups.flatMap((g) => g.rules.map((r) => r.alert)),
      ...(this.regions.some((r) => r.amazonManagedPrometheus)
        ? { ampWorkspaces: this.regions.map((r) => r.amazonManagedPrometheus?.workspace.prometheusEndpoint) }
        : {}),
    };
  }
}

/** What the Kafka layer must do for this observability config: agent settings and, in Istio mode, broker sidecars. */
export function kafkaMetricsSettings(spec: StackSpec) {
  const o = spec.observability;
  return {
    metrics: {
      ...(o.jmxAgentUrl !== undefined ? { agentUrl: o.jmxAgentUrl } : {}),
      plaintextScrapes: spec.mesh.mode === "istio" && o.scrape !== "none",
    },
    ...(o.envoyKafkaFilter.enabled && o.envoyKafkaFilter.proxyImage !== undefined
      ? { brokerProxy: { image: o.envoyKafkaFilter.proxyImage, statsInclusionPrefixes: [ENVOY_KAFKA_STATS_PREFIX] } }
      : {}),
  };
}
