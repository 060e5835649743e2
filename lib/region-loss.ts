// Region-loss simulation over an offline plan: everything is read back from what the plan would deploy (the
// rendered server.properties of every node, the bootstrap outputs, the mesh's charts and Secrets, the StatefulSets'
// dependencies), not from the config, then each region is removed in turn: every partition must keep
// min.insync.replicas, the controller quorum a majority, clients in the surviving regions a bootstrap address served by
// brokers that survive, and each surviving region everything its running Kafka needs (lib/region-dependencies.ts).
import { PlacementCheck, TopicSpec, checkPlacement } from "./kafka/placement";
import { parseProperties } from "./kafka/properties";
import { Plan, PlanResource, regionOf } from "./plan";
import { DependencyKind, DependencyTime, RegionDependency, regionDependencies, survives } from "./region-dependencies";

export interface PlannedNode {
  nodeId: number;
  roles: string[];
  /** Region of the cluster whose provider deploys it. */
  region: string;
  /** broker.rack, for brokers. */
  rack?: string;
  props: Record<string, string>;
}

function planRegions(plan: Plan): string[] {
  const regions = plan.outputs.regions;
  return Array.isArray(regions) ? regions.map((r) => String((r as { name: unknown }).name)) : [];
}

/** Every Kafka node whose server.properties the plan renders into a ConfigMap. */
export function plannedNodes(plan: Plan): PlannedNode[] {
  const regions = planRegions(plan);
  const byName = new Map(plan.resources.map((r) => [r.name, r]));
  const nodes: PlannedNode[] = [];
  for (const r of plan.resources.filter((x: PlanResource) => x.type === "kubernetes:core/v1:ConfigMap")) {
    const data = r.inputs.data;
    if (data === null || typeof data !== "object") continue;
    for (const [file, text] of Object.entries(data as Record<string, unknown>)) {
      if (!file.endsWith(".properties") || typeof text !== "string") continue;
      const props = parseProperties(text);
      if (props["node.id"] === undefined || props["process.roles"] === undefined) continue;
      nodes.push({
        nodeId: Number(props["node.id"]),
        roles: props["process.roles"].split(","),
        region: regionOf(r, byName, regions),
        ...(props["broker.rack"] !== undefined ? { rack: props["broker.rack"] } : {}),
        props,
      });
    }
  }
  return nodes.sort((a, b) => a.nodeId - b.nodeId);
}

export interface RegionLossReport {
  lostRegion: string;
  partitionsBelowMinIsr: number;
  partitionsOffline: number;
  controllersLeft: number;
  controllersTotal: number;
  quorumHolds: boolean;
  /** Per surviving region: bootstrap brokers that survive (0 means its clients cannot connect). */
  bootstrapBrokersLeft: Record<string, number>;
  /** Per surviving region: each of its dependencies, and whether it survives this loss. */
  dependencies: Record<string, DependencyStatus[]>;
  ok: boolean;
}

export interface DependencyStatus {
  kind: DependencyKind;
  what: string;
  when: DependencyTime;
  /** Regions it lives in (none: outside the clusters). */
  livesIn: string[];
  kept: boolean;
  /** It is about the lost region's own objects (its pods' names, say), so it went with them. */
  gone: boolean;
  chain: string[];
}

export interface RegionLossSimulation {
  ok: boolean;
  reports: RegionLossReport[];
  placement: PlacementCheck;
  problems: string[];
}

/** The topics the plan's own settings imply: one with num.partitions, and Kafka's internal topics. */
function impliedTopics(broker: Record<string, string>): TopicSpec[] {
  const rf = Number(broker["default.replication.factor"] ?? 1);
  return [
    { name: "(default topic)", partitions: Number(broker["num.partitions"] ?? 1), replicationFactor: rf },
    {
      name: "__consumer_offsets",
      partitions: Number(broker["offsets.topic.num.partitions"] ?? 50),
      replicationFactor: Number(broker["offsets.topic.replication.factor"] ?? 3),
    },
    {
      name: "__transaction_state",
      partitions: Number(broker["transaction.state.log.num.partitions"] ?? 50),
      replicationFactor: Number(broker["transaction.state.log.replication.factor"] ?? 3),
    },
  ];
}

export function simulateRegionLoss(plan: Plan, extraTopics: readonly TopicSpec[] = []): RegionLossSimulation {
  const regions = planRegions(plan);
  const nodes = plannedNodes(plan);
  const brokers = nodes.filter((n) => n.roles.includes("broker"));
  const controllers = nodes.filter((n) => n.roles.includes("controller"));
  const problems: string[] = [];
  if (brokers.length === 0) problems.push("the plan renders no broker configuration");

  // The quorum as the nodes will see it: the controllers the rendered configuration bootstraps from (a dynamic quorum
  // names them by address, `controller.quorum.bootstrap.servers`), matched to the controllers advertising those
  // addresses and placed where they run.
  const quorumAddresses = new Set((brokers[0]?.props["controller.quorum.bootstrap.servers"] ?? "").split(",").filter(Boolean));
  const advertises = (n: PlannedNode) =>
    (n.props["advertised.listeners"] ?? "")
      .split(",")
      .map((l) => l.replace(/^[A-Za-z0-9_]+:\/\//, ""))
      .some((address) => quorumAddresses.has(address));
  const controllersByRack: Record<string, number> = {};
  for (const c of controllers.filter(advertises)) controllersByRack[c.region] = (controllersByRack[c.region] ?? 0) + 1;
  for (const b of brokers)
    if (b.rack !== b.region) problems.push(`broker ${b.nodeId} runs in ${b.region} but says broker.rack=${b.rack ?? "(none)"}`);

  const minIsr = Number(brokers[0]?.props["min.insync.replicas"] ?? 1);
  const placement = checkPlacement({
    brokers: brokers.map((b) => ({ nodeId: b.nodeId, rack: b.rack ?? b.region })),
    controllersByRack,
    topics: brokers.length > 0 ? [...impliedTopics(brokers[0].props), ...extraTopics] : [],
    minInsyncReplicas: minIsr,
  });

  const bootstrap = ((plan.outputs.kafka as { bootstrapServers?: Record<string, string> } | undefined)?.bootstrapServers ?? {}) as Record<
    string,
    string
  >;
  const controllerRegions = Object.entries(controllersByRack).flatMap(([region, n]) => Array<string>(n).fill(region));
  const dependencies = regionDependencies(plan, regions, controllerRegions);
  const reports = placement.regionLoss.map((loss): RegionLossReport => {
    const bootstrapBrokersLeft: Record<string, number> = {};
    for (const region of regions.filter((r) => r !== loss.lostRack)) {
      const hosts = (bootstrap[region] ?? "").split(",").filter(Boolean);
      // A bootstrap address survives when it names a broker pod that does not run in the lost region.
      bootstrapBrokersLeft[region] = hosts.filter((h) =>
        brokers.some((b) => b.region !== loss.lostRack && h.startsWith(`${podNameOf(b)}.`)),
      ).length;
    }
    const controllersTotal = Object.values(controllersByRack).reduce((a, b) => a + b, 0);
    const deps: Record<string, DependencyStatus[]> = {};
    for (const region of regions.filter((r) => r !== loss.lostRack))
      deps[region] = dependencies.filter((d) => d.neededBy === region).map((d) => statusOf(d, loss.lostRack));
    const runtimeKept = Object.values(deps).every((list) => list.every((d) => d.kept || d.when !== "runtime"));
    const ok =
      loss.partitionsBelowMinIsr.length === 0 &&
      loss.controllerQuorumHolds &&
      Object.values(bootstrapBrokersLeft).every((n) => n > 0) &&
      runtimeKept;
    return {
      lostRegion: loss.lostRack,
      partitionsBelowMinIsr: loss.partitionsBelowMinIsr.length,
      partitionsOffline: loss.partitionsOffline.length,
      controllersLeft: loss.controllersLeft,
      controllersTotal,
      quorumHolds: loss.controllerQuorumHolds,
      bootstrapBrokersLeft,
      dependencies: deps,
      ok,
    };
  });
  for (const r of reports) {
    for (const [region, left] of Object.entries(r.bootstrapBrokersLeft)) {
      if (left === 0) problems.push(`losing ${r.lostRegion} leaves clients in ${region} without a bootstrap broker`);
    }
    for (const [region, list] of Object.entries(r.dependencies))
      for (const d of list.filter((x) => !x.kept && x.when === "runtime"))
        problems.push(`losing ${r.lostRegion} takes from ${region} ${d.what}: ${d.chain.join(" <- ")}`);
  }
  problems.push(...placement.problems);
  return { ok: problems.length === 0, reports, placement, problems };
}

function statusOf(d: RegionDependency, lost: string): DependencyStatus {
  return {
    kind: d.kind,
    what: d.what,
    when: d.when,
    livesIn: [...new Set(d.livesIn)],
    kept: survives(d, lost),
    gone: d.about === lost,
    chain: d.chain,
  };
}

/** The pod a node's advertised listener names (its host's first label). */
function podNameOf(node: PlannedNode): string {
  const advertised = node.props["advertised.listeners"] ?? "";
  const host = /:\/\/([^:,]+)/.exec(advertised)?.[1] ?? "";
  return host.split(".")[0];
}

export function renderRegionLoss(stack: string, sim: RegionLossSimulation): string {
  const lines = [`region loss, stack ${stack}: ${sim.ok ? "every region can be lost" : "NOT every region can be lost"}`];
  for (const r of sim.reports) {
    const clients = Object.entries(r.bootstrapBrokersLeft)
      .map(([region, n]) => `${region} ${n}`)
      .join(", ");
    lines.push(
      `  lose ${r.lostRegion}: partitions below min.insync.replicas ${r.partitionsBelowMinIsr}, offline ${r.partitionsOffline}; controllers ${r.controllersLeft}/${r.controllersTotal} (${r.quorumHolds ? "quorum holds" : "NO QUORUM"}); bootstrap brokers left: ${clients}`,
    );
    for (const [region, list] of Object.entries(r.dependencies)) {
      lines.push(`    ${region} needs:`);
      for (const d of list)
        lines.push(
          `      ${d.gone ? "gone" : d.kept ? "kept" : d.when === "runtime" ? "LOST" : "BLOCKED"}  [${d.when}] ${d.kind}: ${d.what} ` +
            `(${d.livesIn.length > 0 ? `in ${d.livesIn.join(", ")}` : "outside the clusters"})` +
            (d.kept ? "" : `\n          ${d.chain.join("\n          <- ")}`),
        );
    }
  }
  for (const p of sim.problems) lines.push(`  problem: ${p}`);
  return lines.join("\n");
}
