// Review tooling: plan:diff between two plans, and the CI workflow that posts plan and cost diffs.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { Plan } from "../lib/plan";
import { diffPlans, renderPlanDiff } from "../lib/plan-diff";
import { REPO_ROOT, toPlan } from "../tools/run-stack";
import { planStackOk, runTool, setPath, stackConfig } from "./helpers/harness";

const resource = (name: string, inputs: Record<string, unknown> = {}, parent: string | null = null) => ({
  type: "test:index:Thing",
  name,
  parent,
  provider: null,
  inputs,
});
const planOf = (resources: Plan["resources"], totalUsdPerMonth: number): Plan => ({
  stack: "gke",
  resources,
  outputs: {
    regions: [{ name: "us-east4" }, { name: "us-west1" }],
    costEstimate: { totalUsdPerMonth, usdPerMessage: totalUsdPerMonth / 1e9 },
  },
  diagnostics: [],
});

describe("diffPlans", () => {
  it("sorts additions, changes and removals into regions and computes the cost delta", () => {
    const base = planOf([resource("a-us-east4", { size: 1, keep: "x" }), resource("b-us-west1"), resource("shared")], 1000);
    const head = planOf([resource("a-us-east4", { keep: "x", size: 2 }), resource("c-us-west1"), resource("shared")], 1250.5);
    const diff = diffPlans(base, head);
    expect(diff.counts).toEqual({ added: 1, removed: 1, changed: 1 });
    expect(diff.regions.get("us-east4")?.changed).toEqual([{ type: "test:index:Thing", name: "a-us-east4", keys: ["size"] }]);
    expect(diff.regions.get("us-west1")?.added.map((r) => r.name)).toEqual(["c-us-west1"]);
    expect(diff.regions.get("us-west1")?.removed.map((r) => r.name)).toEqual(["b-us-west1"]);
    expect(diff.regions.has("global")).toBe(false);
    expect(diff.cost?.deltaUsdPerMonth).toBeCloseTo(250.5, 9);
    expect(renderPlanDiff(diff)).toContain("(+$250.50/month)");
  });

  it("shows protection lifted or retention dropped as a change, with the inputs unchanged", () => {
    const base = planOf([{ ...resource("ns-us-east4"), protect: true, retainOnDelete: true }, resource("plain")], 1);
    const head = planOf(
      [
        { ...resource("ns-us-east4"), retainOnDelete: true },
        { ...resource("plain"), protect: false },
      ],
      1,
    );
    const diff = diffPlans(base, head);
    expect(diff.regions.get("us-east4")?.changed).toEqual([{ type: "test:index:Thing", name: "ns-us-east4", keys: ["(protect)"] }]);
    expect(diff.counts.changed).toBe(1);
    const dropped = diffPlans(base, planOf([{ ...resource("ns-us-east4"), protect: true }, resource("plain")], 1));
    expect(dropped.regions.get("us-east4")?.changed[0].keys).toEqual(["(retainOnDelete)"]);
  });

  it("does not read key order as a change", () => {
    const base = planOf([resource("x", { a: 1, b: { c: 1, d: 2 } })], 1);
    const head = planOf([resource("x", { b: { d: 2, c: 1 }, a: 1 })], 1);
    expect(diffPlans(base, head).counts).toEqual({ added: 0, removed: 0, changed: 0 });
  });
});

describe("npm run plan:diff", () => {
  it("shows the resource and cost changes between two plans that differ in broker count", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "diff-"));
    const base = await planStackOk("gke");
    const config = stackConfig("gke");
    setPath(config, "kafka", ["brokersPerRegion"], 4);
    setPath(config, "nodePools", ["kafka", "countPerRegion"], 4);
    const head = await planStackOk("gke", config);
    fs.writeFileSync(path.join(dir, "base.json"), JSON.stringify(toPlan("gke", base.run)));
    fs.writeFileSync(path.join(dir, "head.json"), JSON.stringify(toPlan("gke", head.run)));
    const { code, stdout } = await runTool("plan-diff", [path.join(dir, "base.json"), path.join(dir, "head.json")]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^plan diff: \d+ to add, [1-9]\d* to change, \d+ to remove/);
    for (const region of ["us-east4", "us-central1", "us-west1"]) expect(stdout).toContain(`${region}:`);
    const baseMonth = (base.run.outputs.costEstimate as { totalUsdPerMonth: number }).totalUsdPerMonth;
    const headMonth = (head.run.outputs.costEstimate as { totalUsdPerMonth: number }).totalUsdPerMonth;
    expect(headMonth).toBeGreaterThan(baseMonth);
    expect(stdout).toContain(
      `(+$${(headMonth - baseMonth).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}/month)`,
    );
  });
});

describe(".github/workflows/preview.yml", () => {
  const workflow = parse(fs.readFileSync(path.join(REPO_ROOT, ".github", "workflows", "preview.yml"), "utf8"));
  const steps = Object.values(workflow.jobs as Record<string, { steps: Array<{ uses?: string; run?: string }> }>).flatMap((j) => j.steps);

  it("runs on pull requests with read-only default permissions", () => {
    expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
    expect(workflow.permissions).toEqual({ contents: "read" });
  });

  it("pins every action to a full commit SHA", () => {
    const uses = steps.map((s) => s.uses).filter((u): u is string => u !== undefined);
    expect(uses.length).toBeGreaterThanOrEqual(5);
    for (const u of uses) expect(u).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+@[0-9a-f]{40}$/);
    expect(new Set(uses.map((u) => u.split("@")[0]))).toEqual(
      new Set(["actions/checkout", "actions/setup-node", "actions/github-script", "actions/upload-artifact", "pulumi/actions"]),
    );
  });

  it("tests, plans both stacks on base and head, and diffs them with the project's own commands", () => {
    const runs = steps.map((s) => s.run ?? "").join("\n");
    for (const command of ["npm ci", "npm test", "npm run -s plan -- --stack", "npm run -s plan:diff --", "npm run -s cost -- --stack"])
      expect(runs).toContain(command);
    expect(runs).toContain("BASE_SHA");
  });
});
