// What each region's Kafka needs from where, read from the offline plan: for the region-loss check, which must fail
// when losing one region takes away something a surviving region needs, not only replicas and voters. Each dependency
// names the regions it lives in, how many of them must survive, when it is needed (by the running cluster, or by a
// `pulumi up` that changes the region) and the chain of plan objects that makes it a dependency.
import { Plan, PlanResource, kafkaStatefulSetRole, regionOf } from "./plan";
import { dataHolderKind } from "./policy/durability-rules";

export type DependencyKind = "name-resolution" | "mesh-control-plane" | "controller-quorum" | "certificate-issuer" | "roll-gate";

/** `runtime`: the running cluster needs it (a pod restart, a leader change). `update`: a `pulumi up` changing the region. */
export type DependencyTime = "runtime" | "update";

export interface RegionDependency {
  /** The region whose Kafka needs it. */
  neededBy: string;
  kind: DependencyKind;
  /** What is needed, in words. */
  what: string;
  /** Regions it lives in (empty: outside every cluster, so no region's loss takes it). */
  livesIn: string[];
  /** How many of `livesIn` must survive. */
  needs: number;
  when: DependencyTime;
  /**
   * A region whose own objects this is about (the names of that region's pods, say): when that region is the one
   * lost, the dependency goes with what it serves and is not counted as broken.
   */
  about?: string;
  /** The plan objects that make it a dependency, in order. */
  chain: string[];
}

const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

/** The chart of a Helm release in the plan. */
function chartOf(r: PlanResource): string | undefined {
  return r.type === HELM_RELEASE && typeof r.inputs.chart === "string" ? r.inputs.chart : undefined;
}

function metadataOf(r: PlanResource): { name?: string; annotations?: Record<string, string>; labels?: Record<string, string> } {
  const m = r.inputs.metadata;
  return m !== null && typeof m === "object" ? (m as ReturnType<typeof metadataOf>) : {};
}

/**
 * Every dependency the plan gives each region's Kafka. `regions` in the stack's order; `controllerRegions` the region
 * of each controller of the quorum (one entry per controller).
 */
export function regionDependencies(plan: Plan, regions: readonly string[], controllerRegions: readonly string[]): RegionDependency[] {
  const byName = new Map(plan.resources.map((r) => [r.name, r]));
  const where = (r: PlanResource) => regionOf(r, byName, regions);
  const out: RegionDependency[] = [];
  const clusterRegion = new Map(
    (plan.outputs.regions as Array<{ clusterId?: string; name?: string }> | undefined)?.map((r) => [r.clusterId, r.name]) ?? [],
  );

  // Submariner service discovery: each cluster's Lighthouse agent exports its EndpointSlices to the broker cluster's
  // API and imports the others' from there; its CoreDNS answers clusterset.local names from the imported copies.
  const brokers = plan.resources.filter((r) => chartOf(r) === "submariner-k8s-broker");
  const agents = plan.resources.filter((r) => chartOf(r) === "submariner-operator");
  for (const broker of brokers) {
    const brokerRegion = where(broker);
    for (const agent of agents) {
      const region = where(agent);
      for (const other of regions.filter((o) => o !== region)) {
        out.push({
          neededBy: region,
          kind: "name-resolution",
          what: `new addresses of ${other}'s Kafka pods (clusterset.local names)`,
          livesIn: [brokerRegion],
          needs: 1,
          when: "runtime",
          about: other,
          chain: [
            `${region}: Lighthouse CoreDNS answers from EndpointSlices its agent imports (${agent.name})`,
            `imported from the Submariner broker's API in ${brokerRegion} (${broker.name}), where ${other}'s agent exports them`,
          ],
        });
      }
    }
  }

  // Istio multi-primary: each cluster's istiod watches the other clusters' API servers through remote Secrets.
  for (const istiod of plan.resources.filter((r) => chartOf(r) === "istiod")) {
    const region = where(istiod);
    for (const secret of plan.resources.filter(
      (r) => r.type === "kubernetes:core/v1:Secret" && metadataOf(r).labels?.["istio/multiCluster"] === "true" && where(r) === region,
    )) {
      const remote = clusterRegion.get(metadataOf(secret).annotations?.["networking.istio.io/cluster"]);
      if (remote === undefined) continue;
      out.push({
        neededBy: region,
        kind: "mesh-control-plane",
        what: `endpoints of ${remote}'s Kafka pods`,
        livesIn: [remote],
        needs: 1,
        when: "runtime",
        about: remote,
        chain: [`${region}: istiod (${istiod.name}) watches ${remote}'s API server through ${metadataOf(secret).name} (${secret.name})`],
      });
    }
  }

  // The controller quorum: a majority of the controllers, wherever they run.
  const majority = Math.floor(controllerRegions.length / 2) + 1;
  for (const region of regions) {
    out.push({
      neededBy: region,
      kind: "controller-quorum",
      what: `${majority} of the ${controllerRegions.length} KRaft controllers (metadata changes, ISR changes, broker registrations)`,
      livesIn: [...controllerRegions],
      needs: majority,
      when: "runtime",
      chain: [`controllers in ${controllerRegions.join(", ")}`],
    });
  }

  // Node certificates: Pulumi's tls resources, outside every cluster (their names mention regions, their provider none).
  const issuers = plan.resources.filter((r) => r.type === "tls:index/locallySignedCert:LocallySignedCert");
  if (issuers.length > 0)
    for (const region of regions)
      out.push({
        neededBy: region,
        kind: "certificate-issuer",
        what: "renewal of its nodes' certificates",
        livesIn: [],
        needs: 0,
        when: "update",
        chain: [
          `${issuers.length} certificates issued by the Pulumi program (tls provider), outside the clusters, renewed by \`pulumi up\``,
        ],
      });

  // Region-ordered rolls: a Kafka StatefulSet or Kafka node pool waits for the ones it depends on, directly or through
  // others (lib/policy/roll-rules.ts: pools, then controllers, then brokers).
  const sets = [
    ...plan.resources.filter((r) => dataHolderKind(r) === "kafka-node-pool"),
    ...plan.resources.filter((r) => kafkaStatefulSetRole(r) !== undefined),
  ];
  const setNames = new Set(sets.map((s) => s.name));
  for (const set of sets) {
    const region = where(set);
    const seen = new Set<string>();
    const walk = (name: string, path: string[]): void => {
      for (const dep of byName.get(name)?.dependsOn ?? []) {
        if (!setNames.has(dep) || seen.has(dep)) continue;
        seen.add(dep);
        const depRegion = where(byName.get(dep)!);
        if (depRegion !== region)
          out.push({
            neededBy: region,
            kind: "roll-gate",
            what: `a \`pulumi up\` that changes ${set.name} (it waits for ${dep})`,
            livesIn: [depRegion],
            needs: 1,
            when: "update",
            chain: [...path, dep],
          });
        walk(dep, [...path, dep]);
      }
    };
    walk(set.name, [set.name]);
  }
  return out;
}

/** Whether `dep` survives the loss of `lost`. */
export function survives(dep: RegionDependency, lost: string): boolean {
  if (dep.about === lost) return true;
  return dep.livesIn.filter((r) => r !== lost).length >= dep.needs;
}
