// Values for kube-prometheus-stack when the stack installs it (`observability.installKubePrometheusStack`). Only keys
// listed in KUBE_PROMETHEUS_STACK.valueKeys are set; test/observability-lib.test.ts holds the builder to that list.
import { KUBE_PROMETHEUS_STACK } from "./versions";
import { DASHBOARD_CONFIGMAP_LABEL } from "./dashboard";

/** Secret keys the chart's Grafana reads the admin credentials from (grafana.admin.userKey / passwordKey defaults). */
export const GRAFANA_ADMIN_KEYS = { user: "admin-user", password: "admin-password" } as const;

export interface KubePrometheusStackInputs {
  region: string;
  clusterId: string;
  /** Node labels of the system pool: monitoring stays off the Kafka nodes. */
  nodeSelector: Record<string, string>;
}

export function kubePrometheusStackValues(input: KubePrometheusStackInputs) {
  return {
    prometheus: {
      prometheusSpec: {
        // Each cluster's Prometheus sees one region; these labels tell a global query layer which one.
        externalLabels: { region: input.region, cluster: input.clusterId },
        // Select every PodMonitor, ServiceMonitor and PrometheusRule, not only those labelled with the release name.
        podMonitorSelectorNilUsesHelmValues: false,
        serviceMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        retention: "15d",
        nodeSelector: { ...input.nodeSelector },
        resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } },
      },
    },
    grafana: {
      sidecar: {
        dashboards: {
          enabled: true,
          label: DASHBOARD_CONFIGMAP_LABEL.key,
          labelValue: DASHBOARD_CONFIGMAP_LABEL.value,
          searchNamespace: "ALL",
        },
      },
    },
  };
}

/**
 * Grafana's admin credentials come from our Secret, not from the chart (whose default password is public). Kept in a
 * values file of its own: the policy rule secrets-are-secret takes any key ending in "secret" for a credential, and
 * `existingSecret` holds only a Secret's name, which reviewers should still read in the plan.
 */
export function grafanaAdminValues(secretName: string) {
  return { grafana: { admin: { existingSecret: secretName, userKey: GRAFANA_ADMIN_KEYS.user, passwordKey: GRAFANA_ADMIN_KEYS.password } } };
}

/** Dotted paths of every leaf (or empty object) a values object sets. */
export function valuePaths(values: unknown, prefix = ""): string[] {
  if (values === null || typeof values !== "object" || Array.isArray(values)) return [prefix];
  const entries = Object.entries(values as Record<string, unknown>);
  if (entries.length === 0) return [prefix];
  return entries.flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    // A map the chart takes whole (labels, selectors, resources) ends the walk at its key.
    return KUBE_PROMETHEUS_STACK.valueKeys.includes(path as (typeof KUBE_PROMETHEUS_STACK.valueKeys)[number])
      ? [path]
      : valuePaths(v, path);
  });
}
