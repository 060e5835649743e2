// What each way of scraping needs, as plain objects: Prometheus Operator PodMonitors, GKE Managed Prometheus
// PodMonitorings and the AMP collector's scrape configuration. All three give every series the same target labels
// (`namespace`, `pod`, `region`, `role`), which the dashboard and the alerts rely on.
import { stringify } from "yaml";
import { METRICS_PATH, METRICS_PORT_NAME } from "./jmx-exporter";

export type ScrapeMode = "prometheus-operator" | "gke-managed" | "amazon-managed" | "none";

/** Pod labels that become target labels, by target label name. */
export const TARGET_LABELS_FROM_POD = {
  region: "geo-kafka/region",
  role: "app.kubernetes.io/component",
} as const;

/** GKE Managed Service for Prometheus runs its collectors here (prometheus-engine pkg/operator: DefaultOperatorNamespace). */
export const GMP_NAMESPACE = "gmp-system";
/** The Istio sidecar's Prometheus endpoint (port name of the injected istio-proxy container). */
export const ENVOY_STATS_PORT = 15090;
export const ENVOY_STATS_PORT_NAME = "http-envoy-prom";
export const ENVOY_STATS_PATH = "/stats/prometheus";

export const SCRAPE_INTERVAL = "30s";

/** `__meta_kubernetes_pod_label_<name>`: Prometheus' discovery label for a pod label (non-alphanumerics to `_`). */
export function podLabelMeta(label: string): string {
  return `__meta_kubernetes_pod_label_${label.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

export interface ScrapeTarget {
  /** Namespace of the pods (the Kafka namespace). */
  namespace: string;
  /** Labels every selected pod carries. */
  podSelector: Record<string, string>;
  /** Container port name to scrape. */
  port: string;
  path: string;
}

export const kafkaMetricsTarget = (namespace: string, podSelector: Record<string, string>): ScrapeTarget => ({
  namespace,
  podSelector,
  port: METRICS_PORT_NAME,
  path: METRICS_PATH,
});

export const envoyStatsTarget = (namespace: string, podSelector: Record<string, string>): ScrapeTarget => ({
  namespace,
  podSelector,
  port: ENVOY_STATS_PORT_NAME,
  path: ENVOY_STATS_PATH,
});

/** monitoring.coreos.com/v1 PodMonitor spec (fields checked against the operator's v0.93 CRD). */
export function podMonitorSpec(target: ScrapeTarget) {
  return {
    selector: { matchLabels: { ...target.podSelector } },
    namespaceSelector: { matchNames: [target.namespace] },
    podMetricsEndpoints: [
      {
        port: target.port,
        path: target.path,
        interval: SCRAPE_INTERVAL,
        // The operator already sets `namespace`, `pod` and `container`; region and role come from pod labels.
        relabelings: Object.entries(TARGET_LABELS_FROM_POD).map(([to, from]) => ({
          action: "replace",
          sourceLabels: [podLabelMeta(from)],
          targetLabel: to,
        })),
      },
    ],
  };
}

/** monitoring.googleapis.com/v1 PodMonitoring spec (prometheus-engine charts/operator/crds, v1). */
export function podMonitoringSpec(target: ScrapeTarget) {
  return {
    selector: { matchLabels: { ...target.podSelector } },
    endpoints: [{ port: target.port, path: target.path, interval: SCRAPE_INTERVAL }],
    // GMP adds `namespace` itself and, by default, `pod` and `container` from the pod's metadata.
    targetLabels: { fromPod: Object.entries(TARGET_LABELS_FROM_POD).map(([to, from]) => ({ from, to })) },
  };
}

/**
 * The AMP managed collector's Prometheus scrape configuration: pod discovery limited to the Kafka namespace (so the
 * collector needs only a Role there), one target per pod's metrics port, and the same target labels as the others.
 */
export function ampScrapeConfiguration(target: ScrapeTarget): string {
  const selectorLabels = Object.keys(target.podSelector);
  return stringify(
    {
      global: { scrape_interval: SCRAPE_INTERVAL },
      scrape_configs: [
        {
          job_name: "geo-kafka",
          metrics_path: target.path,
          kubernetes_sd_configs: [{ role: "pod", namespaces: { names: [target.namespace] } }],
          relabel_configs: [
            {
              action: "keep",
              source_labels: [...selectorLabels.map(podLabelMeta), "__meta_kubernetes_pod_container_port_name"],
              regex: [...selectorLabels.map((k) => target.podSelector[k]), target.port].join(";"),
            },
            { action: "replace", source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
            { action: "replace", source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
            ...Object.entries(TARGET_LABELS_FROM_POD).map(([to, from]) => ({
              action: "replace",
              source_labels: [podLabelMeta(from)],
              target_label: to,
            })),
          ],
        },
      ],
    },
    { lineWidth: 0 },
  );
}

/** Namespaces whose pods scrape the metrics port, for the NetworkPolicy; empty when the scraper is not a pod. */
export function scraperNamespaces(mode: ScrapeMode, monitoringNamespace: string): string[] {
  if (mode === "prometheus-operator") return [monitoringNamespace];
  if (mode === "gke-managed") return [GMP_NAMESPACE];
  return [];
}
