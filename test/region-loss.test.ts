// Region loss over the recorded plans: every region can go, and plans that cannot survive it are caught.
import { beforeAll, describe, expect, it } from "vitest";
import { Plan } from "../lib/plan";
import { plannedNodes, simulateRegionLoss } from "../lib/region-loss";
import { toPlan } from "../tools/run-stack";
import { planStackOk } from "./helpers/harness";

const plans: Record<string, Plan> = {};
beforeAll(async () => {
  for (const stack of ["gke", "eks", "existing"]) plans[stack] = toPlan(stack, (await planStackOk(stack)).run);
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
  it.each(["gke", "eks", "existing"])("stack %s survives losing any one region", (stack) => {
    const sim = simulateRegionLoss(plans[stack]);
    expect(sim.problems).toEqual([]);
    expect(sim.reports).toHaveLength(3);
    for (const r of sim.reports) {
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
