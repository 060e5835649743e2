// Where the Kubernetes lab's control plane, charts and CRDs come from: Go modules at pinned versions, each with the
// release it stands for. Only Go modules are reachable offline; what is not served is recorded with the reason.
import { ISTIO_VERSION, SUBMARINER_VERSION } from "../mesh/charts";
import { KUBE_PROMETHEUS_STACK } from "../observability/versions";

/** The Kubernetes release the lab's API servers are built from (tools/k8s-lab/go.mod): EKS pins minor 1.34. */
export const LAB_KUBERNETES_VERSION = "v1.34.4";

/** A Go module version that holds a chart or CRDs, and what it is relative to the pinned release. */
export interface ModuleCandidate {
  module: string;
  version: string;
  /** Empty when this is exactly the pinned release; otherwise how it differs. */
  differsFromPinned: string;
}

export interface ChartSource {
  /** Chart name as the plan's Release names it. */
  chart: string;
  /** The version the plan pins. */
  version: string;
  /** Path of the chart inside the module. */
  path?: string;
  /** Tried in order; the first the Go module proxy serves is used. */
  candidates: ModuleCandidate[];
  /** Why the chart cannot be had when no candidate is served. */
  unavailable: string;
}

/**
 * istio/istio tag 1.30.3 is commit 56df41f63e51 (2026-07-13 16:56:34 UTC), module version
 * v0.0.0-20260713165634-56df41f63e51. When that is not served, the nearest served revision of the charts is
 * b01690e6db7d (master, 48 commits after 1.30.0-alpha.1); compared file by file with the tag, base differs in one CRD
 * description URL, istiod in the node-untaint taint-name value and env var, gateway in how networkGateway ports are
 * templated (the tag adds `networkGatewayPorts`, a values key this project does not set).
 */
function istioCandidates(difference: string): ModuleCandidate[] {
  return [
    { module: "istio.io/istio", version: "v0.0.0-20260713165634-56df41f63e51", differsFromPinned: "" },
    {
      module: "istio.io/istio",
      version: "v0.0.0-20260423205519-b01690e6db7d",
      differsFromPinned:
        `not the ${ISTIO_VERSION} tag (the Go module proxy does not serve its commit 56df41f63e51) but master at ` +
        `b01690e6db7d; against the tag this chart ${difference}`,
    },
  ];
}

const NOT_SERVED = "the Go module proxy serves no version of";

export const CHART_SOURCES: readonly ChartSource[] = [
  {
    chart: "base",
    version: ISTIO_VERSION,
    path: "manifests/charts/base",
    candidates: istioCandidates("differs in one CRD description URL"),
    unavailable: `${NOT_SERVED} istio.io/istio at or near tag ${ISTIO_VERSION}`,
  },
  {
    chart: "istiod",
    version: ISTIO_VERSION,
    path: "manifests/charts/istio-control/istio-discovery",
    candidates: istioCandidates("lacks the node-untaint taint-name value and its environment variable"),
    unavailable: `${NOT_SERVED} istio.io/istio at or near tag ${ISTIO_VERSION}`,
  },
  {
    chart: "gateway",
    version: ISTIO_VERSION,
    path: "manifests/charts/gateway",
    candidates: istioCandidates("templates the network-gateway ports without the `networkGatewayPorts` values key"),
    unavailable: `${NOT_SERVED} istio.io/istio at or near tag ${ISTIO_VERSION}`,
  },
  {
    chart: "submariner-k8s-broker",
    version: SUBMARINER_VERSION,
    candidates: [],
    unavailable:
      `the chart is published only as a Helm repository archive; ${NOT_SERVED} github.com/submariner-io/submariner-charts ` +
      `(nor submariner-operator, submariner or lighthouse at v${SUBMARINER_VERSION}); none of the other registries reached here lists it`,
  },
  {
    chart: "submariner-operator",
    version: SUBMARINER_VERSION,
    candidates: [],
    unavailable:
      `the chart is published only as a Helm repository archive; ${NOT_SERVED} github.com/submariner-io/submariner-charts ` +
      `(nor submariner-operator, submariner or lighthouse at v${SUBMARINER_VERSION}); none of the other registries reached here lists it`,
  },
  {
    chart: KUBE_PROMETHEUS_STACK.chart,
    version: KUBE_PROMETHEUS_STACK.version,
    candidates: [],
    unavailable:
      `the chart is published only as a Helm repository archive; ${NOT_SERVED} github.com/prometheus-community/helm-charts ` +
      `(tag kube-prometheus-stack-${KUBE_PROMETHEUS_STACK.version} nor its commit)`,
  },
];

/** CRDs published by an operator, installed where the plan installs the chart that would carry them. */
export interface CrdSource {
  /** The plan's chart that installs these CRDs on a real cluster. */
  installedByChart: string;
  module: string;
  version: string;
  /** Directory of CRD manifests inside the module. */
  path: string;
  source: string;
}

export const CRD_SOURCES: readonly CrdSource[] = [
  {
    installedByChart: KUBE_PROMETHEUS_STACK.chart,
    module: "github.com/prometheus-operator/prometheus-operator",
    version: KUBE_PROMETHEUS_STACK.appVersion,
    path: "example/prometheus-operator-crd-full",
    source:
      `prometheus-operator ${KUBE_PROMETHEUS_STACK.appVersion} example/prometheus-operator-crd-full (the operator release ` +
      `kube-prometheus-stack ${KUBE_PROMETHEUS_STACK.version} packages in its crds subchart)`,
  },
];

/** Every module version the build step downloads (charts and CRDs), without duplicates. */
export function modulesToDownload(): ModuleCandidate[] {
  const all = [
    ...CHART_SOURCES.flatMap((c) => c.candidates),
    ...CRD_SOURCES.map((c) => ({ module: c.module, version: c.version, differsFromPinned: "" })),
  ];
  const seen = new Set<string>();
  return all.filter((m) => {
    const key = `${m.module}@${m.version}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Cloud-provided CRDs: GKE managed Prometheus installs monitoring.googleapis.com when managed collection is on. Its
 * CRD manifests (GoogleCloudPlatform/prometheus-engine) are not served by the Go module proxy, so the lab installs a
 * minimal CRD per kind (any spec accepted) and marks it so: group, version, kind and scope are checked, fields not.
 */
export const CLOUD_CRDS: ReadonlyArray<{
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  source: string;
}> = [
  {
    group: "monitoring.googleapis.com",
    version: "v1",
    kind: "PodMonitoring",
    plural: "podmonitorings",
    namespaced: true,
    source: "GKE managed Prometheus",
  },
  { group: "monitoring.googleapis.com", version: "v1", kind: "Rules", plural: "rules", namespaced: true, source: "GKE managed Prometheus" },
  {
    group: "monitoring.googleapis.com",
    version: "v1",
    kind: "GlobalRules",
    plural: "globalrules",
    namespaced: false,
    source: "GKE managed Prometheus",
  },
  {
    group: "monitoring.googleapis.com",
    version: "v1",
    kind: "ClusterRules",
    plural: "clusterrules",
    namespaced: false,
    source: "GKE managed Prometheus",
  },
  {
    group: "monitoring.googleapis.com",
    version: "v1",
    kind: "ClusterPodMonitoring",
    plural: "clusterpodmonitorings",
    namespaced: false,
    source: "GKE managed Prometheus",
  },
];

/** The minimal CustomResourceDefinition for a cloud-provided kind whose real schema is not available offline. */
export function minimalCrd(c: (typeof CLOUD_CRDS)[number]): Record<string, unknown> {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${c.plural}.${c.group}`, annotations: { "geo-kafka.dev/lab-minimal-schema": c.source } },
    spec: {
      group: c.group,
      scope: c.namespaced ? "Namespaced" : "Cluster",
      names: { kind: c.kind, plural: c.plural, singular: c.kind.toLowerCase(), listKind: `${c.kind}List` },
      versions: [
        {
          name: c.version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
          subresources: { status: {} },
        },
      ],
    },
  };
}
