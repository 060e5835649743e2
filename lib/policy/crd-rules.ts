// The rule that every custom resource has its CRD installed by something in the same cluster's part of the plan (a
// chart, an operator, a cloud add-on), and waits for it: a fresh cluster has none. The charts' CRD groups are listed
// with their sources.
import { ISTIO_VERSION, SUBMARINER_VERSION } from "../mesh/charts";
import { KUBE_PROMETHEUS_STACK } from "../observability/versions";
import { K8S_PROVIDER_TYPE } from "../plan";
import { PolicyRule, Violation, get, str, violation, waitsFor } from "./plan-access";

/** A Kubernetes resource's API group from its Pulumi type (`kubernetes:<group>/<version>:<Kind>`); "core" for the core group. */
function apiGroupOf(type: string): { group: string; kind: string } | undefined {
  const m = /^kubernetes:([^/:]+)\/[^:]+:(.+)$/.exec(type);
  return m ? { group: m[1], kind: m[2] } : undefined;
}

/** Groups Kubernetes itself serves (`core`, `apps`, `*.k8s.io`), and Pulumi's own `helm.sh` Release: no CRD needed. */
function isBuiltInGroup(group: string): boolean {
  return !group.includes(".") || group.endsWith(".k8s.io") || group === "helm.sh";
}

/**
 * CRDs a Helm chart ships, by chart name, for the version this project pins. A Release of another version counts as
 * unknown until its entry is re-checked. Helm installs a chart's `crds/` on first install only, which is what a fresh
 * cluster needs.
 */
export const CHART_CRDS: Readonly<Record<string, { version: string; groups: Record<string, readonly string[]>; source: string }>> = {
  "kube-prometheus-stack": {
    version: KUBE_PROMETHEUS_STACK.version,
    groups: {
      "monitoring.coreos.com": [
        "Alertmanager",
        "AlertmanagerConfig",
        "PodMonitor",
        "Probe",
        "Prometheus",
        "PrometheusAgent",
        "PrometheusRule",
        "ScrapeConfig",
        "ServiceMonitor",
        "ThanosRuler",
      ],
    },
    source:
      "prometheus-community/helm-charts charts/kube-prometheus-stack (tag kube-prometheus-stack-88.5.3, 2026-08-21): the crds " +
      "subchart carries the operator's monitoring.coreos.com CRDs (operator v0.93.1), checked 2026-11-30",
  },
  base: {
    version: ISTIO_VERSION,
    groups: {
      "networking.istio.io": [
        "DestinationRule",
        "EnvoyFilter",
        "Gateway",
        "ProxyConfig",
        "ServiceEntry",
        "Sidecar",
        "VirtualService",
        "WorkloadEntry",
        "WorkloadGroup",
      ],
      "security.istio.io": ["AuthorizationPolicy", "PeerAuthentication", "RequestAuthentication"],
      "telemetry.istio.io": ["Telemetry"],
      "extensions.istio.io": ["WasmPlugin"],
    },
    source: "istio/istio tag 1.30.3 (2026-07-13) manifests/charts/base: templates render files/crd-all.gen.yaml, checked 2026-11-30",
  },
  "submariner-operator": {
    version: SUBMARINER_VERSION,
    groups: {
      "submariner.io": ["Broker", "ServiceDiscovery", "Submariner"],
      // The operator deploys Lighthouse, which serves ServiceExport/ServiceImport; the operator installs their CRDs when it
      // starts (submariner-website operations/usage lists serviceimports.multicluster.x-k8s.io after joining, 2020-11-30).
      "multicluster.x-k8s.io": ["ServiceExport", "ServiceImport"],
    },
    source:
      "submariner-io/submariner-charts submariner-operator 0.24.2 (crds/ for submariner.io); Lighthouse CRDs from the operator " +
      "(submariner-io/submariner-website src/content/operations/usage), checked 2026-11-30",
  },
};

/** Cloud add-ons that install CRDs, recognised on the cluster resource the Kubernetes provider is built from. */
const ADDON_CRD_GROUPS: ReadonlyArray<{
  type: string;
  enabled: (inputs: Record<string, unknown>) => boolean;
  groups: string[];
  name: string;
}> = [
  {
    // GKE Managed Service for Prometheus: managed collection installs PodMonitoring, Rules, GlobalRules, ... (GKE API
    // MonitoringConfig.managedPrometheusConfig.enabled "Enable Managed Collection").
    type: "gcp:container/cluster:Cluster",
    enabled: (inputs) => get(inputs, "monitoringConfig", "managedPrometheus", "enabled") === true,
    groups: ["monitoring.googleapis.com"],
    name: "GKE managed Prometheus",
  },
];

export const customResourcesHaveCrds: PolicyRule = {
  id: "custom-resources-have-crds",
  description:
    "Every Kubernetes custom resource is served by a CRD that the same cluster's part of the plan installs (a known chart, a " +
    "CustomResourceDefinition, a cloud add-on), and waits for it: a fresh cluster has none.",
  check(resources) {
    const depsOf = new Map(resources.map((r) => [r.name, r.dependsOn ?? []]));
    const byName = new Map(resources.map((r) => [r.name, r]));
    // Installers by Kubernetes provider: resource name and the groups it brings.
    const installers = new Map<string, Array<{ name: string; what: string; groups: Set<string> }>>();
    const add = (provider: string | null, name: string, what: string, groups: Iterable<string>) => {
      if (provider === null) return;
      if (!installers.has(provider)) installers.set(provider, []);
      installers.get(provider)!.push({ name, what, groups: new Set(groups) });
    };
    for (const r of resources) {
      if (r.type === "kubernetes:helm.sh/v3:Release") {
        const chart = str(r.inputs.chart);
        const known = chart !== undefined ? CHART_CRDS[chart] : undefined;
        if (known && str(r.inputs.version) === known.version)
          add(r.provider, r.name, `chart ${chart} ${known.version}`, Object.keys(known.groups));
      } else if (r.type === "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition") {
        const group = str(get(r.inputs, "spec", "group"));
        if (group) add(r.provider, r.name, "CustomResourceDefinition", [group]);
      } else if (r.type === K8S_PROVIDER_TYPE) {
        // The provider reaches its cluster through its kubeconfig: the cluster and its add-ons are what it depends on.
        for (const name of waitsFor(r.dependsOn ?? [], depsOf)) {
          const cluster = byName.get(name);
          for (const addon of ADDON_CRD_GROUPS) {
            if (cluster && cluster.type === addon.type && addon.enabled(cluster.inputs))
              add(r.name, cluster.name, addon.name, addon.groups);
          }
        }
      }
    }
    const out: Violation[] = [];
    for (const r of resources) {
      const api = apiGroupOf(r.type);
      if (!api || isBuiltInGroup(api.group) || api.group === "apiextensions.k8s.io") continue;
      const candidates = (installers.get(r.provider ?? "") ?? []).filter((i) => i.groups.has(api.group));
      if (candidates.length === 0) {
        out.push(
          violation(
            this.id,
            r,
            `nothing in this cluster's part of the plan (provider ${r.provider ?? "default"}) installs the CRD of ${api.group} ${api.kind}`,
          ),
        );
        continue;
      }
      const waited = waitsFor([...(r.dependsOn ?? []), ...(r.provider ? (depsOf.get(r.provider) ?? []) : [])], depsOf);
      if (!candidates.some((i) => waited.has(i.name))) {
        out.push(
          violation(
            this.id,
            r,
            `does not depend on what installs ${api.group} (${candidates.map((i) => `${i.name}: ${i.what}`).join(", ")}); it may be created before its CRD`,
          ),
        );
      }
    }
    return out;
  },
};
