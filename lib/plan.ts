// The offline plan's shape (plan.json) and the pure views over it: region grouping and the readable tree.

/** Type token of a Kubernetes provider resource: every object of one cluster names it as its provider. */
export const K8S_PROVIDER_TYPE = "pulumi:providers:kubernetes";

export interface PlanResource {
  type: string;
  name: string;
  parent: string | null;
  provider: string | null;
  inputs: Record<string, unknown>;
  /** Names of the resources this one waits for; absent in plans recorded before it was kept. */
  dependsOn?: string[];
  /** Input paths whose change makes Pulumi replace the resource (`replaceOnChanges`); only present when set. */
  replaceOnChanges?: string[];
  /** Input paths whose change Pulumi ignores (`ignoreChanges`); only present when set. */
  ignoreChanges?: string[];
  /** How long Pulumi waits for a create, update or delete (`customTimeouts`, Go duration syntax); only present when set. */
  customTimeouts?: { create?: string; update?: string; delete?: string };
  /** Set when Pulumi deletes the old resource before creating its replacement; only present when set. */
  deleteBeforeReplace?: boolean;
  /** Set when Pulumi refuses to delete or replace the resource (`protect`); only present when set. */
  protect?: boolean;
  /** Set when deleting the resource from the program leaves it in place (`retainOnDelete`); only present when set. */
  retainOnDelete?: boolean;
}

export interface PlanDiagnostic {
  severity: "info" | "warning" | "error";
  message: string;
}

export interface Plan {
  stack: string;
  resources: PlanResource[];
  outputs: Record<string, unknown>;
  diagnostics: PlanDiagnostic[];
}

export const GLOBAL_GROUP = "global";

/**
 * The Kafka role of a plan resource that is one of geo-kafka's controller or broker StatefulSets (by its labels), else
 * undefined. The region-loss model and the roll rule both find the StatefulSets this way.
 */
export function kafkaStatefulSetRole(r: Pick<PlanResource, "type" | "inputs">): "controller" | "broker" | undefined {
  if (r.type !== "kubernetes:apps/v1:StatefulSet") return undefined;
  const metadata = r.inputs.metadata;
  const labels =
    (metadata !== null && typeof metadata === "object" ? (metadata as { labels?: Record<string, string> }).labels : undefined) ?? {};
  const role = labels["app.kubernetes.io/component"];
  return labels["app.kubernetes.io/part-of"] === "geo-kafka" && (role === "controller" || role === "broker") ? role : undefined;
}

/**
 * The region a resource belongs to: the configured region named by its provider or its own name, else by its
 * nearest ancestor's (providers and children are named after their region); otherwise "global".
 */
export function regionOf(resource: PlanResource, byName: ReadonlyMap<string, PlanResource>, regions: readonly string[]): string {
  // Longest names first so "us-east4" is not taken for a shorter region name it contains.
  const ordered = [...regions].sort((a, b) => b.length - a.length);
  const seen = new Set<string>();
  let current: PlanResource | undefined = resource;
  while (current && !seen.has(current.name)) {
    seen.add(current.name);
    // The provider says where a resource lives more reliably than its name (a peering names its peer region too).
    for (const candidate of [current.provider ?? "", current.name]) {
      const hit = ordered.find((r) => candidate.includes(r));
      if (hit) return hit;
    }
    current = current.parent ? byName.get(current.parent) : undefined;
  }
  return GLOBAL_GROUP;
}

export function groupByRegion(resources: readonly PlanResource[], regions: readonly string[]): Map<string, PlanResource[]> {
  const byName = new Map(resources.map((r) => [r.name, r]));
  const groups = new Map<string, PlanResource[]>();
  for (const name of [...regions, GLOBAL_GROUP]) groups.set(name, []);
  for (const resource of resources) groups.get(regionOf(resource, byName, regions))!.push(resource);
  return groups;
}

/** Orders resources parent-first, siblings by name, so the order never depends on registration timing. */
export function sortResources(resources: readonly PlanResource[]): PlanResource[] {
  const children = new Map<string | null, PlanResource[]>();
  const names = new Set(resources.map((r) => r.name));
  for (const r of resources) {
    const parent = r.parent !== null && names.has(r.parent) ? r.parent : null;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent)!.push(r);
  }
  for (const list of children.values()) list.sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
  const out: PlanResource[] = [];
  const visit = (parent: string | null) => {
    for (const r of children.get(parent) ?? []) {
      out.push(r);
      visit(r.name);
    }
  };
  visit(null);
  return out;
}

/** The readable form: per region, a count and an indented tree of `type name [provider]`. */
export function renderTree(plan: Plan, regions: readonly string[]): string {
  const lines: string[] = [`stack ${plan.stack}: ${plan.resources.length} resources`];
  const groups = groupByRegion(plan.resources, regions);
  for (const [region, members] of groups) {
    if (members.length === 0) continue;
    lines.push("", `${region} (${members.length})`);
    const inGroup = new Set(members.map((m) => m.name));
    const depth = (r: PlanResource): number => {
      let d = 0;
      let parent = r.parent;
      while (parent !== null && inGroup.has(parent) && d < 50) {
        d++;
        parent = members.find((m) => m.name === parent)?.parent ?? null;
      }
      return d;
    };
    for (const r of sortResources(members)) {
      const provider = r.provider ? `  [${r.provider}]` : "";
      lines.push(`${"  ".repeat(depth(r) + 1)}${r.type}  ${r.name}${provider}`);
    }
  }
  return lines.join("\n");
}
