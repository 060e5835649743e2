// Pinned third-party artifacts of the observability layer, each with where and when the pin was checked.
// Bumping one means changing its entry here and re-checking what docs/observability.md lists for it.

/** Day every pin below was checked (snapshots of the upstream repositories read through the search tools). */
export const CHECKED_ON = "2026-11-22";

/**
 * Prometheus JMX exporter java agent. The project publishes no container image, and its 1.6.0 release process puts the
 * agent jar on GitHub Releases only (RELEASING.md: Maven Central gets the collector module), so an init container
 * downloads it and checks this SHA-256.
 */
export const JMX_EXPORTER = {
  version: "1.6.0",
  jarName: "jmx_prometheus_javaagent-1.6.0.jar",
  downloadUrl: "https://github.com/prometheus/jmx_exporter/releases/download/1.6.0/jmx_prometheus_javaagent-1.6.0.jar",
  sha256: "a95983fd96e865d2bcdf911cc500e7c82808c27ab9fd226bf96732b6c3d8c46e",
  source:
    "prometheus/jmx_exporter tag 1.6.0 (commit 3a7e2260, 2026-06-04), newest tag of the 2026-08-17 snapshot; artifact URL from " +
    "website/docs/reference/artifacts.md; SHA-256 from two independent public pins (a nix fetchurl hash and a PowerShell installer) that agree",
} as const;

/**
 * The init container that fetches and verifies the agent: curl's official image (Alpine based, so busybox sh and
 * sha256sum are there). Chosen over a bespoke image because it is maintained by the curl project and small.
 */
export const AGENT_FETCH_IMAGE = {
  image: "curlimages/curl:8.21.0",
  source: "curl/curl-container tag 8.21.0 (2026-06-24), newest tag of the 2026-07-01 snapshot; base docker.io/alpine:3.24.1 (Makefile)",
} as const;

/** kube-prometheus-stack, installed per cluster only when `observability.installKubePrometheusStack` is true. */
export const KUBE_PROMETHEUS_STACK = {
  chart: "kube-prometheus-stack",
  version: "88.5.3",
  repo: "https://prometheus-community.github.io/helm-charts",
  appVersion: "v0.93.1",
  source:
    "prometheus-community/helm-charts tag kube-prometheus-stack-88.5.3 (commit ea930bae, 2026-08-21), newest chart tag of the " +
    "2026-08-22 snapshot; the gh-pages index.yaml is too large to read offline",
  /** Value paths this project sets, each found in the chart's values.yaml at that commit. */
  valueKeys: [
    "prometheus.prometheusSpec.externalLabels",
    "prometheus.prometheusSpec.podMonitorSelectorNilUsesHelmValues",
    "prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues",
    "prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues",
    "prometheus.prometheusSpec.retention",
    "prometheus.prometheusSpec.nodeSelector",
    "prometheus.prometheusSpec.resources",
    "grafana.admin.existingSecret",
    "grafana.admin.userKey",
    "grafana.admin.passwordKey",
    "grafana.sidecar.dashboards.enabled",
    "grafana.sidecar.dashboards.label",
    "grafana.sidecar.dashboards.labelValue",
    "grafana.sidecar.dashboards.searchNamespace",
  ],
} as const;
