// Region loss over the recorded plans: every region can go, and plans that cannot survive it are caught.
import { beforeAll, describe, expect, it } from "vitest";
import { Plan } from "../lib/plan";
import { plannedNodes, simulateRegionLoss } from "../lib/region-loss";
import { toPlan } from "../tools/run-stack";
import { planStackOk, setPath, stackConfig } from "./helpers/harness";

const plans: Record<string, Plan> = {};
beforeAll(async () => {
  for (const stack of ["gke", "eks", "existing"]) plans[stack] = toPlan(stack, (await planStackOk(stack)).run);
  const istio = stackConfig("gke");
  setPath(istio, "mesh", ["mode"], "istio");
  plans["gke-istio"] = toPlan("gke", (await planStackOk("gke", istio)).run);
});

/** Rewrites every rendered server.properties of a plan. */
function editProperties(plan: Plan, edit: (text: string) => string): Plan {
  const out = structuredClone(plan);
  for (const r of out.resources.filter((x) => x.type === "kubernetes:core/v1:ConfigMap")) {
    const data = r.inputs.data as Record<string, string> | undefined;
    for (const file of Object.keys(data ?? {})) if (file.endsWith(".properties")) data![file] = edit(data![file]);
  }
  return out;
}

describe("region loss", () => {
  it.each(["eks", "existing", "gke-istio"])("stack %s survives losing any one region, dependencies included", (stack) => {
    const sim = simulateRegionLoss(plans[stack]);
    expect(sim.problems).toEqual([]);
    expect(sim.reports).toHaveLength(3);
    for (const r of sim.reports) {
      // Each survivor's istiod watches the other survivor's API server; the one watching the lost region's goes with it.
      for (const [region, deps] of Object.entries(r.dependencies)) {
        const mesh = deps.filter((d) => d.kind === "mesh-control-plane");
        expect(
          mesh.map((d) => ({ livesIn: d.livesIn, kept: d.kept, gone: d.gone })).sort((a, b) => Number(a.gone) - Number(b.gone)),
        ).toEqual([
          { livesIn: [Object.keys(r.dependencies).find((x) => x !== region)], kept: true, gone: false },
          { livesIn: [r.lostRegion], kept: true, gone: true },
        ]);
      }
      expect(r).toMatchObject({
        partitionsBelowMinIsr: 0,
        partitionsOffline: 0,
        controllersLeft: 2,
        controllersTotal: 3,
        quorumHolds: true,
        ok: true,
      });
      expect(Object.values(r.bootstrapBrokersLeft)).toEqual([3, 3]);
    }
  });

  it("stack gke (Submariner) does not: losing the broker's region stops each survivor learning the other's new pod addresses", () => {
    const sim = simulateRegionLoss(plans.gke);
    expect(sim.ok).toBe(false);
    const [east4, central1, west1] = ["us-east4", "us-central1", "us-west1"];
    expect(sim.reports.filter((r) => !r.ok).map((r) => r.lostRegion)).toEqual([east4]);
    const lost = sim.reports.find((r) => r.lostRegion === east4)!;
    // Replicas, voters and bootstrap addresses are fine: only the dependency fails.
    expect(lost).toMatchObject({ partitionsBelowMinIsr: 0, quorumHolds: true, bootstrapBrokersLeft: { [central1]: 3, [west1]: 3 } });
    for (const [survivor, other] of [
      [central1, west1],
      [west1, central1],
    ]) {
      const broken = lost.dependencies[survivor].filter((d) => !d.kept && d.when === "runtime");
      expect(broken).toEqual([
        {
          kind: "name-resolution",
          what: `new addresses of ${other}'s Kafka pods (clusterset.local names)`,
          when: "runtime",
          livesIn: [east4],
          kept: false,
          gone: false,
          chain: [
            `${survivor}: Lighthouse CoreDNS answers from EndpointSlices its agent imports (mesh-${survivor}-operator)`,
            `imported from the Submariner broker's API in ${east4} (mesh-${east4}-broker), where ${other}'s agent exports them`,
          ],
        },
      ]);
    }
    expect(sim.problems.filter((p) => p.includes("name"))).toHaveLength(2);
  });

  it("lists the update-time dependencies of region-ordered rolls without failing on them", () => {
    const lost = simulateRegionLoss(plans.eks).reports.find((r) => r.lostRegion === "us-east-1")!;
    expect(lost.ok).toBe(true);
    const gates = lost.dependencies["us-east-2"].filter((d) => d.kind === "roll-gate");
    // One order: Kafka node groups region after region, then controllers, then brokers. us-east-2's node group waits for
    // us-east-1's; its controller for us-east-1's controller and, through its own node group, us-east-1's node group; its
    // brokers for us-east-1's brokers (and through them us-east-1's controller) and the same node groups.
    expect(gates.filter((d) => !d.kept).map((d) => d.chain)).toEqual([
      ["eks-us-east-2-kafka-nodes", "eks-us-east-1-kafka-nodes"],
      ["kafka-us-east-2-broker", "eks-us-east-2-kafka-nodes", "eks-us-east-1-kafka-nodes"],
      ["kafka-us-east-2-broker", "kafka-us-east-1-broker"],
      ["kafka-us-east-2-broker", "kafka-us-east-1-broker", "kafka-us-east-1-controller"],
      ["kafka-us-east-2-controller", "eks-us-east-2-kafka-nodes", "eks-us-east-1-kafka-nodes"],
      ["kafka-us-east-2-controller", "kafka-us-east-1-controller"],
    ]);
    expect(gates.every((d) => d.when === "update")).toBe(true);
    // The last region's gates that stop in the middle region hold; those that go on to the first do not.
    const west = lost.dependencies["us-west-2"].filter((d) => d.kind === "roll-gate");
    expect(new Set(west.filter((d) => d.kept).map((d) => d.chain.at(-1)))).toEqual(
      new Set(["eks-us-east-2-kafka-nodes", "kafka-us-east-2-broker", "kafka-us-east-2-controller"]),
    );
    expect(west.filter((d) => !d.kept).every((d) => d.livesIn[0] === "us-east-1")).toBe(true);
    // Certificates come from the Pulumi program, outside every cluster.
    expect(lost.dependencies["us-east-2"].find((d) => d.kind === "certificate-issuer")).toMatchObject({ livesIn: [], kept: true });
  });

  it("reads 9 brokers with rack = their own region and 3 controllers from the rendered configuration", () => {
    const nodes = plannedNodes(plans.gke);
    const brokers = nodes.filter((n) => n.roles.includes("broker"));
    expect(brokers).toHaveLength(9);
    for (const b of brokers) expect(b.rack).toBe(b.region);
    expect(nodes.filter((n) => n.roles.includes("controller")).map((n) => n.region)).toEqual(["us-east4", "us-central1", "us-west1"]);
  });

  it("catches min.insync.replicas that a region loss would break", () => {
    const sim = simulateRegionLoss(editProperties(plans.gke, (t) => t.replace("min.insync.replicas=2", "min.insync.replicas=3")));
    expect(sim.ok).toBe(false);
    expect(sim.reports.every((r) => r.partitionsBelowMinIsr > 0)).toBe(true);
  });

  it("catches a quorum that loses its majority with one region", () => {
    // Only two controllers, in the first two regions: losing either leaves 1 of 2.
    const sim = simulateRegionLoss(
      editProperties(plans.eks, (t) =>
        t.replace(/controller\.quorum\.bootstrap\.servers=([^,\n]+),([^,\n]+),[^\n]+/, "controller.quorum.bootstrap.servers=$1,$2"),
      ),
    );
    expect(sim.ok).toBe(false);
    expect(
      sim.reports
        .filter((r) => !r.quorumHolds)
        .map((r) => r.lostRegion)
        .sort(),
    ).toEqual(["us-east-1", "us-east-2"]);
  });

  it("catches clients whose bootstrap list names only brokers of another region", () => {
    const plan = structuredClone(plans.gke);
    const kafka = plan.outputs.kafka as { bootstrapServers: Record<string, string> };
    kafka.bootstrapServers["us-west1"] = kafka.bootstrapServers["us-east4"];
    const sim = simulateRegionLoss(plan);
    expect(sim.problems).toContain("losing us-east4 leaves clients in us-west1 without a bootstrap broker");
  });
});
