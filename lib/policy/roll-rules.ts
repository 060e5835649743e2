// The roll rule over a plan: Kafka's StatefulSets and Kafka node pools carry timeouts that fit a whole roll, and one
// order ties them together (every Kafka node pool, then the controllers region by region, then the brokers), so no
// update of one region's Kafka overlaps another region's.
import { kafkaStatefulSetRole } from "../plan";
import { nodePoolRollSeconds, statefulSetRollSeconds } from "../rolls/timing";
import { dataHolderKind } from "./durability-rules";
import { PolicyResource, PolicyRule, Violation, get, list, violation, waitsFor } from "./plan-access";

/** Nodes of a Kafka node pool as the plan gives them: GKE per zone times zones, EKS the fixed group size. */
function poolNodes(r: PolicyResource): number | undefined {
  if (r.type === "aws:eks/nodeGroup:NodeGroup") {
    const size = get(r.inputs, "scalingConfig", "desiredSize");
    return typeof size === "number" ? size : undefined;
  }
  const perZone = get(r.inputs, "nodeCount");
  const zones = list(get(r.inputs, "nodeLocations")).length;
  return typeof perZone === "number" && zones > 0 ? perZone * zones : undefined;
}

export const rollsOrdered: PolicyRule = {
  id: "rolls-ordered",
  description:
    "Kafka StatefulSets and Kafka node pools have update timeouts that fit a whole roll (lib/rolls/timing.ts), and they " +
    "update in one order: every Kafka node pool, then the controllers, then the brokers, each after the one before.",
  check(resources) {
    const out: Violation[] = [];
    const depsOf = new Map(resources.map((r) => [r.name, r.dependsOn ?? []]));
    const after = (r: PolicyResource) => waitsFor(r.dependsOn ?? [], depsOf);
    const pools = resources.filter((r) => dataHolderKind(r) === "kafka-node-pool");
    const sets = resources.flatMap((r) => {
      const role = kafkaStatefulSetRole(r);
      return role ? [{ r, role }] : [];
    });

    const timeoutBelow = (r: PolicyResource, needed: number, what: string) => {
      const given = r.customTimeouts?.updateSeconds;
      if (given === undefined || given < needed)
        out.push(
          violation(
            this.id,
            r,
            `update timeout ${given === undefined ? "not set (the provider's default)" : `${given} s`} is shorter than ${what}: ${needed} s`,
          ),
        );
    };
    for (const { r, role } of sets) {
      const replicas = get(r.inputs, "spec", "replicas");
      if (typeof replicas === "number" && replicas > 0)
        timeoutBelow(r, statefulSetRollSeconds(role, replicas), `a roll of ${replicas} ${role}s`);
    }
    for (const r of pools) {
      const nodes = poolNodes(r);
      if (nodes !== undefined && nodes > 0) timeoutBelow(r, nodePoolRollSeconds(nodes), `a roll of ${nodes} Kafka nodes`);
    }

    // One order: any two of them, one waits for the other. Within it, pools before StatefulSets, controllers before brokers.
    const ordered = [...pools.map((r) => ({ r, rank: 0 })), ...sets.map(({ r, role }) => ({ r, rank: role === "controller" ? 1 : 2 }))];
    const closure = new Map(ordered.map(({ r }) => [r.name, after(r)]));
    for (let i = 0; i < ordered.length; i++) {
      for (let j = i + 1; j < ordered.length; j++) {
        const [a, b] = [ordered[i], ordered[j]];
        const aAfterB = closure.get(a.r.name)!.has(b.r.name);
        const bAfterA = closure.get(b.r.name)!.has(a.r.name);
        if (!aAfterB && !bAfterA) {
          out.push(violation(this.id, b.r, `may update at the same time as ${a.r.name}: neither waits for the other`));
        } else if (a.rank !== b.rank && (a.rank < b.rank ? aAfterB : bAfterA)) {
          const [early, late] = a.rank < b.rank ? [a, b] : [b, a];
          out.push(violation(this.id, early.r, `updates after ${late.r.name}; node pools come first, then controllers, then brokers`));
        }
      }
    }
    return out;
  },
};
