// The Kubernetes layer of a plan as a lab applies it: which cluster each resource belongs to, the object it sends to
// the API server, and the order the plan's dependencies give. Pure, so the order is tested without a server.
import { K8S_PROVIDER_TYPE, type PlanResource } from "../plan";

export const HELM_RELEASE_TYPE = "kubernetes:helm.sh/v3:Release";

/** A Kubernetes object as the API server receives it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** One thing the lab applies to a cluster: a plan object, or a Helm release to render and apply. */
export interface ApplyItem {
  /** The plan resource's name. */
  resource: string;
  type: string;
  region: string;
  /** The object (absent for a Helm release). */
  object?: KubeObject;
  /** `Patch` resources (ConfigMapPatch, ...) change an object something else owns, with their own field manager. */
  patch: boolean;
  /** Paths the plan marks replace-on-change (`replaceOnChanges`), and whether the old object goes first. */
  replaceOnChanges: string[];
  deleteBeforeReplace: boolean;
}

/** `kubernetes:<group>/<version>:<Kind>` -> apiVersion and kind (core group has no prefix); undefined for non-objects. */
export function apiOf(type: string): { apiVersion: string; kind: string } | undefined {
  const m = /^kubernetes:([^:]+):([A-Za-z0-9]+)$/.exec(type);
  if (!m || type === HELM_RELEASE_TYPE) return undefined;
  const [group, version] = m[1].split("/");
  if (version === undefined) return undefined;
  const kind = m[2].endsWith("Patch") ? m[2].slice(0, -"Patch".length) : m[2];
  if (kind.endsWith("List")) return undefined;
  return { apiVersion: group === "core" ? version : `${group}/${version}`, kind };
}

/** Kinds that live outside namespaces (the ones a plan or the charts this project installs use). */
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "StorageClass",
  "CustomResourceDefinition",
  "ClusterRole",
  "ClusterRoleBinding",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "PriorityClass",
  "PersistentVolume",
  "APIService",
  "IngressClass",
  "CSIDriver",
  "RuntimeClass",
  "GlobalRules",
  "ClusterRules",
  "ClusterPodMonitoring",
  "ClusterNodeMonitoring",
]);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

/**
 * A name as the provider would give it: the plan's `metadata.name`, else Pulumi's auto-name (resource name plus a
 * random suffix), here a fixed suffix from the name so two runs agree.
 */
export function autoName(resource: string): string {
  let h = 0;
  for (const c of resource) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `${resource}-${h.toString(16).padStart(8, "0").slice(0, 8)}`;
}

/** The object a plan resource asks for, with the provider's defaults (auto-name, `default` namespace). */
export function objectOf(resource: PlanResource): KubeObject | undefined {
  const api = apiOf(resource.type);
  if (!api) return undefined;
  const inputs = structuredClone(resource.inputs) as Record<string, unknown>;
  const metadata = { ...((inputs.metadata as Record<string, unknown> | undefined) ?? {}) };
  metadata.name ??= autoName(resource.name);
  if (!isClusterScoped(api.kind)) metadata.namespace ??= "default";
  return { ...inputs, apiVersion: api.apiVersion, kind: api.kind, metadata } as KubeObject;
}

/** Each Kubernetes provider's region: the longest region name its own name contains. */
export function providerRegions(resources: readonly PlanResource[], regions: readonly string[]): Map<string, string> {
  const ordered = [...regions].sort((a, b) => b.length - a.length);
  const out = new Map<string, string>();
  for (const r of resources) {
    if (r.type !== K8S_PROVIDER_TYPE) continue;
    const region = ordered.find((name) => r.name.includes(name));
    if (region) out.set(r.name, region);
  }
  return out;
}

/** What each cluster receives, in plan order; a Kubernetes resource whose provider names no region is an error. */
export function applyItems(resources: readonly PlanResource[], regions: readonly string[]): ApplyItem[] {
  const regionOfProvider = providerRegions(resources, regions);
  const items: ApplyItem[] = [];
  for (const r of resources) {
    if (!r.type.startsWith("kubernetes:")) continue;
    const region = r.provider ? regionOfProvider.get(r.provider) : undefined;
    if (!region) throw new Error(`${r.name} (${r.type}): provider ${r.provider ?? "default"} is no region's cluster`);
    const object = r.type === HELM_RELEASE_TYPE ? undefined : objectOf(r);
    if (r.type !== HELM_RELEASE_TYPE && !object) continue;
    items.push({
      resource: r.name,
      type: r.type,
      region,
      ...(object ? { object } : {}),
      patch: /Patch$/.test(r.type),
      replaceOnChanges: r.replaceOnChanges ?? [],
      deleteBeforeReplace: r.deleteBeforeReplace ?? false,
    });
  }
  return items;
}

/**
 * The items of one cluster in an order that respects every dependency among them (Kahn's algorithm; ties keep plan
 * order). Dependencies on resources outside the cluster (cloud resources, other clusters) are already satisfied.
 * A cycle is an error naming its members.
 */
export function applyOrder(items: readonly ApplyItem[], resources: readonly PlanResource[]): ApplyItem[] {
  const byName = new Map(resources.map((r) => [r.name, r]));
  const inCluster = new Map(items.map((i, index) => [i.resource, index]));
  const children = new Map<string, string[]>();
  for (const r of resources) if (r.parent) children.set(r.parent, [...(children.get(r.parent) ?? []), r.name]);

  // A dependency on a component means its whole subtree (as Pulumi waits for a component's children).
  const expand = (name: string, seen: Set<string>): string[] => {
    if (seen.has(name)) return [];
    seen.add(name);
    const r = byName.get(name);
    if (inCluster.has(name)) return [name];
    if (r && isComponentType(r.type)) return (children.get(name) ?? []).flatMap((c) => expand(c, seen));
    return [];
  };
  const deps = items.map((item) => {
    const out = new Set<number>();
    for (const d of byName.get(item.resource)?.dependsOn ?? []) {
      for (const n of expand(d, new Set())) {
        const index = inCluster.get(n);
        if (index !== undefined && n !== item.resource) out.add(index);
      }
    }
    return out;
  });

  const indegree = deps.map((d) => d.size);
  const dependents = items.map(() => [] as number[]);
  deps.forEach((d, i) => d.forEach((j) => dependents[j].push(i)));
  const ready = indegree.flatMap((n, i) => (n === 0 ? [i] : []));
  const out: ApplyItem[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const i = ready.shift()!;
    out.push(items[i]);
    for (const j of dependents[i]) if (--indegree[j] === 0) ready.push(j);
  }
  if (out.length !== items.length) {
    const stuck = items.filter((_, i) => indegree[i] > 0).map((i) => i.resource);
    throw new Error(`dependency cycle among ${stuck.join(", ")}`);
  }
  return out;
}

/** This project's component resources (`geo-kafka:<area>:<Name>`); every other type is a provider's resource. */
function isComponentType(type: string): boolean {
  return type.startsWith("geo-kafka:");
}

/**
 * Helm's install order by kind (pkg/release/util/kind_sorter.go InstallOrder, Helm 3): a chart's objects are applied
 * in this order, unknown kinds (custom resources) last.
 */
export const HELM_INSTALL_ORDER = [
  "PriorityClass",
  "Namespace",
  "NetworkPolicy",
  "ResourceQuota",
  "LimitRange",
  "PodSecurityPolicy",
  "PodDisruptionBudget",
  "ServiceAccount",
  "Secret",
  "SecretList",
  "ConfigMap",
  "StorageClass",
  "PersistentVolume",
  "PersistentVolumeClaim",
  "CustomResourceDefinition",
  "ClusterRole",
  "ClusterRoleList",
  "ClusterRoleBinding",
  "ClusterRoleBindingList",
  "Role",
  "RoleList",
  "RoleBinding",
  "RoleBindingList",
  "Service",
  "DaemonSet",
  "Pod",
  "ReplicationController",
  "ReplicaSet",
  "Deployment",
  "HorizontalPodAutoscaler",
  "StatefulSet",
  "Job",
  "CronJob",
  "IngressClass",
  "Ingress",
  "APIService",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
] as const;

/** A chart's rendered objects in Helm's install order (stable within a kind). */
export function helmInstallOrder<T extends { kind: string }>(objects: readonly T[]): T[] {
  const rank = (kind: string) => {
    const i = (HELM_INSTALL_ORDER as readonly string[]).indexOf(kind);
    return i < 0 ? HELM_INSTALL_ORDER.length : i;
  };
  return objects
    .map((o, i) => ({ o, i }))
    .sort((a, b) => rank(a.o.kind) - rank(b.o.kind) || a.i - b.i)
    .map((x) => x.o);
}

/** `group/version` -> group ("" for the core group). */
export function groupOf(apiVersion: string): string {
  return apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
}

/** Groups the API server serves itself; anything else needs a CRD (or an aggregated API) first. */
export function isBuiltInGroup(group: string): boolean {
  return group === "" || !group.includes(".") || group.endsWith(".k8s.io");
}

/**
 * Kubernetes providers whose cluster has GKE managed Prometheus' managed collection on (the cloud then installs the
 * monitoring.googleapis.com CRDs): the GKE cluster the provider waits for, as lib/policy/rules.ts reads it.
 */
export function managedPrometheusProviders(resources: readonly PlanResource[]): Set<string> {
  const byName = new Map(resources.map((r) => [r.name, r]));
  const out = new Set<string>();
  for (const r of resources) {
    if (r.type !== K8S_PROVIDER_TYPE) continue;
    const seen = new Set<string>();
    const queue = [...(r.dependsOn ?? [])];
    while (queue.length > 0) {
      const name = queue.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      const dep = byName.get(name);
      if (!dep) continue;
      const mp = ((dep.inputs.monitoringConfig as Record<string, unknown> | undefined)?.managedPrometheus ?? {}) as { enabled?: unknown };
      if (dep.type === "gcp:container/cluster:Cluster" && mp.enabled === true) out.add(r.name);
      queue.push(...(dep.dependsOn ?? []));
    }
  }
  return out;
}
