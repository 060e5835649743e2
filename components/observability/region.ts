// Observability in one region's cluster, all on that cluster's provider: who may scrape the Kafka pods' metrics port,
// the scrape objects and alert rules of the chosen scraper, the Grafana dashboard, optionally a kube-prometheus-stack,
// and in Istio mode the EnvoyFilter that adds Kafka protocol metrics to the brokers' sidecars.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { stringify } from "yaml";
import { KAFKA_NAMESPACE } from "../../lib/kafka/addresses";
import { KAFKA_PORTS } from "../../lib/ports";
import {
  DASHBOARD_CONFIGMAP_LABEL,
  DASHBOARD_FILE,
  ENVOY_FILTER_NAME,
  ENVOY_STATS_PORT,
  GRAFANA_ADMIN_KEYS,
  KUBE_PROMETHEUS_STACK,
  METRICS_PORT,
  RuleGroup,
  ScrapeMode,
  envoyStatsTarget,
  grafanaAdminValues,
  kafkaBrokerEnvoyFilterSpec,
  kafkaMetricsTarget,
  kubePrometheusStackValues,
  podMonitorSpec,
  podMonitoringSpec,
  scraperNamespaces,
} from "../../lib/observability";
import { KAFKA_POD_SELECTOR } from "../kafka/workload";
import { SYSTEM_NODE_LABEL } from "../../lib/node-pools";
import type { RegionalCluster } from "../platform";
import { AmazonManagedPrometheus, AmpClusterTarget } from "../aws/amazon-managed-prometheus";

export interface ObservabilityRegionArgs {
  /** The region's cluster; every Kubernetes object here uses its provider. Required. */
  cluster: RegionalCluster;
  /** Who scrapes. Required. */
  scrape: ScrapeMode;
  /** Namespace of the Prometheus that scrapes (prometheus-operator mode), admitted to the metrics port. Required. */
  monitoringNamespace: string;
  /** Labels for PodMonitors and PrometheusRules so an existing Prometheus selects them. Default none. */
  monitorLabels?: Record<string, string>;
  /** Install kube-prometheus-stack (namespace `monitoringNamespace`) in this cluster. Default false. */
  installKubePrometheusStack?: boolean;
  /** Rules each region evaluates on its own series. Required. */
  localRuleGroups: readonly RuleGroup[];
  /** Rules over all regions (GMP GlobalRules); create them here only in one region. Default none. */
  globalRuleGroups?: readonly RuleGroup[];
  /** The Grafana dashboard JSON. Required. */
  dashboardJson: string;
  /** Istio mode with the Kafka filter: the EnvoyFilter and the sidecars' stats endpoint. Default false. */
  envoyKafkaFilter?: boolean;
  /** Labels of broker pods (the EnvoyFilter's and the Envoy scrape's selector). Required with envoyKafkaFilter. */
  brokerPodLabels?: Record<string, string>;
  /** amazon-managed: the region's EKS cluster and AWS provider. Required in that mode. */
  amazonManaged?: AmpClusterTarget;
  /** What objects in the Kafka namespace wait for (the namespace; the mesh for Istio CRDs). Required. */
  dependsOn: pulumi.Resource[];
}

export class ObservabilityRegion extends pulumi.ComponentResource {
  /** Scrape objects created in this cluster (PodMonitors or PodMonitorings). */
  readonly scrapeObjects: pulumi.Resource[] = [];
  readonly kubePrometheusStack?: k8s.helm.v3.Release;
  readonly amazonManagedPrometheus?: AmazonManagedPrometheus;

  constructor(name: string, args: ObservabilityRegionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:observability:ObservabilityRegion", name, {}, opts);
    const { cluster, scrape } = args;
    const problems: Array<{ propertyPath: string; reason: string }> = [];
    if (args.envoyKafkaFilter && !args.brokerPodLabels)
      problems.push({ propertyPath: "brokerPodLabels", reason: "the Kafka EnvoyFilter needs the broker pod labels" });
    if (scrape === "amazon-managed" && !args.amazonManaged)
      problems.push({ propertyPath: "amazonManaged", reason: "amazon-managed scraping needs the region's EKS cluster and AWS provider" });
    if (problems.length > 0)
      throw new pulumi.InputPropertiesError({ message: `invalid arguments for observability region ${name}`, errors: problems });
    const provider = cluster.provider;
    const partOf = { "app.kubernetes.io/part-of": "geo-kafka" };
    const inCluster = (extra: pulumi.Resource[] = []): pulumi.CustomResourceOptions => ({
      parent: this,
      provider,
      dependsOn: [...args.dependsOn, ...extra],
    });
    const inKafka = (objectName: string, labels: Record<string, string> = {}) => ({
      name: objectName,
      namespace: KAFKA_NAMESPACE,
      labels: { ...partOf, ...labels },
    });

    // The operator's CRDs come with the chart when it is installed here; otherwise they must already exist.
    const crdSource: pulumi.Resource[] = [];
    if (args.installKubePrometheusStack) {
      const ns = new k8s.core.v1.Namespace(
        `${name}-monitoring-ns`,
        { metadata: { name: args.monitoringNamespace, labels: partOf } },
        inCluster(),
      );
      // kube-prometheus-stack's default Grafana password is public ("prom-operator"); a random one, kept secret.
      const password = new random.RandomPassword(`${name}-grafana-admin-password`, { length: 32, special: false }, { parent: this });
      const adminSecret = new k8s.core.v1.Secret(
        `${name}-grafana-admin`,
        {
          metadata: { name: "grafana-admin", namespace: args.monitoringNamespace, labels: partOf },
          type: "Opaque",
          stringData: pulumi.secret(
            password.result.apply((p) => ({ [GRAFANA_ADMIN_KEYS.user]: "admin", [GRAFANA_ADMIN_KEYS.password]: p })),
          ),
        },
        inCluster([ns]),
      );
      this.kubePrometheusStack = new k8s.helm.v3.Release(
        `${name}-kube-prometheus-stack`,
        {
          name: "kube-prometheus-stack",
          chart: KUBE_PROMETHEUS_STACK.chart,
          version: KUBE_PROMETHEUS_STACK.version,
          repositoryOpts: { repo: KUBE_PROMETHEUS_STACK.repo },
          namespace: args.monitoringNamespace,
          values: kubePrometheusStackValues({
            region: cluster.region.name,
            clusterId: cluster.region.clusterId,
            nodeSelector: { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value },
          }),
          valueYamlFiles: [new pulumi.asset.StringAsset(stringify(grafanaAdminValues("grafana-admin")))],
        },
        inCluster([ns, adminSecret]),
      );
      crdSource.push(this.kubePrometheusStack);
    }

    const metricsTarget = kafkaMetricsTarget(KAFKA_NAMESPACE, { ...KAFKA_POD_SELECTOR });
    const envoyTarget = args.envoyKafkaFilter ? envoyStatsTarget(KAFKA_NAMESPACE, { ...args.brokerPodLabels! }) : undefined;

    if (scrape !== "none") {
      // The Kafka layer's policy admits nothing to the metrics port; this one admits the scraper and nothing else.
      const namespaces = scraperNamespaces(scrape, args.monitoringNamespace);
      // The AMP collector is not a pod: its ENIs sit in the cluster's private subnets, inside the VPC range.
      const from: k8s.types.input.networking.v1.NetworkPolicyPeer[] =
        namespaces.length > 0
          ? [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: namespaces }] } }]
          : [{ ipBlock: { cidr: cluster.region.nodeCidr } }];
      const ports = [METRICS_PORT, ...(args.envoyKafkaFilter ? [ENVOY_STATS_PORT] : [])].map((port) => ({ protocol: "TCP", port }));
      new k8s.networking.v1.NetworkPolicy(
        `${name}-metrics-ingress`,
        {
          metadata: inKafka("kafka-metrics-ingress"),
          spec: { podSelector: { matchLabels: { ...KAFKA_POD_SELECTOR } }, policyTypes: ["Ingress"], ingress: [{ from, ports }] },
        },
        inCluster(),
      );
    }

    const monitorLabels = { ...(args.monitorLabels ?? {}) };
    if (scrape === "prometheus-operator") {
      this.scrapeObjects.push(
        new k8s.apiextensions.CustomResource(
          `${name}-pod-monitor`,
          {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PodMonitor",
            metadata: inKafka("kafka", monitorLabels),
            spec: podMonitorSpec(metricsTarget),
          },
          inCluster(crdSource),
        ),
      );
      if (envoyTarget) {
        this.scrapeObjects.push(
          new k8s.apiextensions.CustomResource(
            `${name}-envoy-pod-monitor`,
            {
              apiVersion: "monitoring.coreos.com/v1",
              kind: "PodMonitor",
              metadata: inKafka("kafka-envoy", monitorLabels),
              spec: podMonitorSpec(envoyTarget),
            },
            inCluster(crdSource),
          ),
        );
      }
      new k8s.apiextensions.CustomResource(
        `${name}-alerts`,
        {
          apiVersion: "monitoring.coreos.com/v1",
          kind: "PrometheusRule",
          metadata: inKafka("kafka-alerts", monitorLabels),
          spec: { groups: args.localRuleGroups },
        },
        inCluster(crdSource),
      );
    } else if (scrape === "gke-managed") {
      this.scrapeObjects.push(
        new k8s.apiextensions.CustomResource(
          `${name}-pod-monitoring`,
          {
            apiVersion: "monitoring.googleapis.com/v1",
            kind: "PodMonitoring",
            metadata: inKafka("kafka"),
            spec: podMonitoringSpec(metricsTarget),
          },
          inCluster(),
        ),
      );
      if (envoyTarget) {
        this.scrapeObjects.push(
          new k8s.apiextensions.CustomResource(
            `${name}-envoy-pod-monitoring`,
            {
              apiVersion: "monitoring.googleapis.com/v1",
              kind: "PodMonitoring",
              metadata: inKafka("kafka-envoy"),
              spec: podMonitoringSpec(envoyTarget),
            },
            inCluster(),
          ),
        );
      }
      // Namespaced Rules: GMP scopes their queries to this cluster and namespace.
      new k8s.apiextensions.CustomResource(
        `${name}-alerts`,
        {
          apiVersion: "monitoring.googleapis.com/v1",
          kind: "Rules",
          metadata: inKafka("kafka-alerts"),
          spec: { groups: args.localRuleGroups },
        },
        inCluster(),
      );
      if (args.globalRuleGroups && args.globalRuleGroups.length > 0) {
        // GlobalRules query every cluster of the project: the one place "exactly one active controller" can be checked.
        new k8s.apiextensions.CustomResource(
          `${name}-global-alerts`,
          {
            apiVersion: "monitoring.googleapis.com/v1",
            kind: "GlobalRules",
            metadata: { name: "geo-kafka-global", labels: partOf },
            spec: { groups: args.globalRuleGroups },
          },
          inCluster(),
        );
      }
    } else if (scrape === "amazon-managed") {
      this.amazonManagedPrometheus = new AmazonManagedPrometheus(
        `${name}-amp`,
        {
          // Checked with the other arguments above.
          target: args.amazonManaged!,
          k8sProvider: provider,
          clusterId: cluster.region.clusterId,
          scrapeTarget: metricsTarget,
          ruleGroups: args.localRuleGroups,
          dependsOn: args.dependsOn,
        },
        { parent: this },
      );
    }

    // For Grafana's dashboard sidecar (kube-prometheus-stack searches every namespace for this label).
    new k8s.core.v1.ConfigMap(
      `${name}-dashboard`,
      {
        metadata: inKafka("kafka-dashboard", { [DASHBOARD_CONFIGMAP_LABEL.key]: DASHBOARD_CONFIGMAP_LABEL.value }),
        data: { [DASHBOARD_FILE]: args.dashboardJson },
      },
      inCluster(),
    );

    if (args.envoyKafkaFilter) {
      new k8s.apiextensions.CustomResource(
        `${name}-kafka-envoy-filter`,
        {
          apiVersion: "networking.istio.io/v1alpha3",
          kind: "EnvoyFilter",
          metadata: inKafka(ENVOY_FILTER_NAME),
          spec: kafkaBrokerEnvoyFilterSpec({
            brokerPodLabels: args.brokerPodLabels!,
            // The client port only: REPLICATION carries Kafka's own TLS between nodes, which the filter cannot decode.
            ports: [{ name: "client", port: KAFKA_PORTS.client }],
          }),
        },
        inCluster(),
      );
    }

    this.registerOutputs({ scrape, kubePrometheusStack: this.kubePrometheusStack?.status });
  }
}
