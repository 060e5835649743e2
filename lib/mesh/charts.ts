// The Helm charts the mesh layer installs: official repositories, pinned versions, and when and where each pin was
// checked. Bumping a chart means changing its entry here and re-checking the value keys listed in docs/mesh.md.

export interface HelmChartRef {
  /** Chart name inside the repository. */
  chart: string;
  /** Exact chart version; never a range, so a plan always means the same manifests. */
  version: string;
  /** Official chart repository (HTTP Helm repository). */
  repo: string;
  /** Date (ISO) the version was checked as the newest stable release. */
  checkedOn: string;
  /** What the version was checked against. */
  source: string;
  /** The value paths this project may set, each found in the chart's values.yaml (`valuesSource`). */
  valueKeys: readonly string[];
  /** Where the value keys were checked (repository, path, commit). */
  valuesSource: string;
}

export const SUBMARINER_CHART_REPO = "https://submariner-io.github.io/submariner-charts/charts";
export const ISTIO_CHART_REPO = "https://istio-release.storage.googleapis.com/charts";

/** Submariner release of both charts; the broker and the operators must run the same one. */
export const SUBMARINER_VERSION = "0.24.2";
/** Istio release; Istio publishes base, istiod and gateway with the Istio version as chart version. */
export const ISTIO_VERSION = "1.30.3";

const CHECKED_ON = "2026-11-22";
const SUBMARINER_SOURCE =
  "submariner-io/submariner-charts gh-pages charts/index.yaml @acf259bc (generated 2026-09-28): newest non-prerelease entry";
const ISTIO_SOURCE = "istio/istio tag 1.30.3 (commit 56df41f6, 2026-07-13), newest non-prerelease tag of the 2026-08-22 snapshot";
const SUBMARINER_OPERATOR_VALUES =
  "submariner-io/submariner-charts submariner-operator/values.yaml and templates/svc-acct.yaml @ef2c4cba (2024-10-07); the 0.24.2 archive itself is binary in the index";
const istioValues = (path: string) => `istio/istio ${path} @56df41f6 (tag 1.30.3)`;

export const CHARTS = {
  submarinerBroker: {
    chart: "submariner-k8s-broker",
    version: SUBMARINER_VERSION,
    repo: SUBMARINER_CHART_REPO,
    checkedOn: CHECKED_ON,
    source: SUBMARINER_SOURCE,
    // Defaults only: CRDs, the client ServiceAccount and its Role.
    valueKeys: [],
    valuesSource: "submariner-io/submariner-charts submariner-k8s-broker/values.yaml @ad2049c7, templates/_helpers.tpl @1bb89aba",
  },
  submarinerOperator: {
    chart: "submariner-operator",
    version: SUBMARINER_VERSION,
    repo: SUBMARINER_CHART_REPO,
    checkedOn: CHECKED_ON,
    source: SUBMARINER_SOURCE,
    // Only the ServiceAccounts of the components that never run; everything else is the chart's default.
    valueKeys: ["serviceAccounts.gateway.create", "serviceAccounts.routeAgent.create", "serviceAccounts.globalnet.create"],
    valuesSource: SUBMARINER_OPERATOR_VALUES,
  },
  istioBase: {
    chart: "base",
    version: ISTIO_VERSION,
    repo: ISTIO_CHART_REPO,
    checkedOn: CHECKED_ON,
    source: ISTIO_SOURCE,
    valueKeys: ["global.istioNamespace"],
    valuesSource: istioValues("manifests/charts/base/values.yaml"),
  },
  istiod: {
    chart: "istiod",
    version: ISTIO_VERSION,
    repo: ISTIO_CHART_REPO,
    checkedOn: CHECKED_ON,
    source: ISTIO_SOURCE,
    valueKeys: ["global.istioNamespace", "global.meshID", "global.multiCluster.clusterName", "global.network", "nodeSelector"],
    valuesSource: istioValues("manifests/charts/istio-control/istio-discovery/values.yaml"),
  },
  istioGateway: {
    chart: "gateway",
    version: ISTIO_VERSION,
    repo: ISTIO_CHART_REPO,
    checkedOn: CHECKED_ON,
    source: ISTIO_SOURCE,
    valueKeys: ["networkGateway", "labels", "nodeSelector"],
    valuesSource: istioValues("manifests/charts/gateway/values.yaml and values.schema.json"),
  },
} as const satisfies Record<string, HelmChartRef>;

/** The chart coordinates of a `k8s.helm.v3.Release` (chart, version, repository). */
export function releaseChart(ref: HelmChartRef): { chart: string; version: string; repositoryOpts: { repo: string } } {
  return { chart: ref.chart, version: ref.version, repositoryOpts: { repo: ref.repo } };
}

/** Every leaf path of a values object (`a.b.c`), for checking that only verified chart keys are set. */
export function valuePaths(values: unknown, prefix = ""): string[] {
  if (values === null || typeof values !== "object" || Array.isArray(values)) return prefix ? [prefix] : [];
  const entries = Object.entries(values as Record<string, unknown>);
  if (entries.length === 0) return prefix ? [prefix] : [];
  return entries.flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    // Maps whose keys are data (labels, node selectors) end the path: their keys are not chart settings.
    return DATA_MAP_KEYS.has(key) ? [path] : valuePaths(value, path);
  });
}

const DATA_MAP_KEYS = new Set(["nodeSelector", "labels"]);
