// The cost model against hand-computed scenarios, the scenario file checks, and the estimate a stack exports.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { CostInputs, estimateCost } from "../lib/cost";
import { parseScenario } from "../lib/cost-scenario";
import { renderMarkdown } from "../lib/cost-report";
import { REPO_ROOT } from "../tools/run-stack";
import { planStackOk, runTool, setPath, stackConfig } from "./helpers/harness";

const FIXTURES = path.join(REPO_ROOT, "test", "fixtures", "cost");

const costCli = (args: string[]) => runTool("cost", args);

/** Expected values worked out by hand (docs/cost.md walks through the first). 100 MiB/s = 351.5625 GiB/h. */
const HAND_COMPUTED = {
  "follower-fetching.yaml": {
    // compute 9 x 0.776944 + 6 x 0.134 = 7.796496; storage 9 x 1000 x 0.17 / 730 = 2.0958904; control planes 0.3
    // replication: 2 cross-region copies x 351.5625 GiB/h x 0.02 = 14.0625; no remote produce, no remote consume
    fixedUsdPerHour: 10.192386410958904,
    variableUsdPerHour: 14.0625,
    totalUsdPerHour: 24.254886410958904,
    totalUsdPerMonth: 17706.06708,
    usdPerMessage: 24.254886410958904 / 360_000_000,
    usdPerGiB: 24.254886410958904 / 351.5625,
    breakdown: {
      compute: 7.796496,
      storage: 1530 / 730,
      controlPlane: 0.3,
      replicationTransfer: 14.0625,
      produceTransfer: 0,
      consumeTransfer: 0,
    },
  },
  "leader-fetching-compressed.yaml": {
    // 4x compression: 87.890625 GiB/h on the wire. replication 2 x 87.890625 x 0.02 = 3.515625
    // consumers read remote leaders for 2/3 of partitions: 2 groups x 2/3 x 87.890625 x 0.02 = 2.34375
    fixedUsdPerHour: 10.192386410958904,
    variableUsdPerHour: 5.859375,
    totalUsdPerHour: 16.051761410958904,
    totalUsdPerMonth: 16.051761410958904 * 730,
    usdPerMessage: 16.051761410958904 / 360_000_000,
    usdPerGiB: 16.051761410958904 / 351.5625,
    breakdown: {
      compute: 7.796496,
      storage: 1530 / 730,
      controlPlane: 0.3,
      replicationTransfer: 3.515625,
      produceTransfer: 0,
      consumeTransfer: 2.34375,
    },
  },
  "remote-leaders-io1.json": {
    // compute 9 x 1.008 = 9.072; storage 9 x (1000 x 0.125 + 10000 x 0.065) / 730 = 6975 / 730
    // 2x compression: 175.78125 GiB/h. replication 2 x 175.78125 x 0.02 = 7.03125; remote leaders 2/3 x 175.78125 x 0.02 = 2.34375
    fixedUsdPerHour: 9.072 + 6975 / 730,
    variableUsdPerHour: 9.375,
    totalUsdPerHour: 9.072 + 6975 / 730 + 9.375,
    totalUsdPerMonth: (9.072 + 6975 / 730 + 9.375) * 730,
    usdPerMessage: (9.072 + 6975 / 730 + 9.375) / 180_000_000,
    usdPerGiB: (9.072 + 6975 / 730 + 9.375) / 351.5625,
    breakdown: {
      compute: 9.072,
      storage: 6975 / 730,
      controlPlane: 0,
      replicationTransfer: 7.03125,
      produceTransfer: 2.34375,
      consumeTransfer: 0,
    },
  },
};

function expectClose(actual: Record<string, unknown>, expected: Record<string, unknown>) {
  for (const [key, value] of Object.entries(expected)) {
    if (typeof value === "number") expect(actual[key], key).toBeCloseTo(value, 9);
    else expectClose(actual[key] as Record<string, unknown>, value as Record<string, unknown>);
  }
}

describe("npm run cost -- --scenario", () => {
  it.each(Object.keys(HAND_COMPUTED))("%s matches the hand-computed values", async (file) => {
    const result = await costCli(["--scenario", path.join(FIXTURES, file), "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(Object.keys(json)).toEqual([
      "fixedUsdPerHour",
      "variableUsdPerHour",
      "totalUsdPerHour",
      "totalUsdPerMonth",
      "usdPerMessage",
      "usdPerGiB",
      "breakdown",
    ]);
    expect(Object.keys(json.breakdown)).toEqual([
      "compute",
      "storage",
      "controlPlane",
      "replicationTransfer",
      "produceTransfer",
      "consumeTransfer",
    ]);
    expectClose(json, HAND_COMPUTED[file as keyof typeof HAND_COMPUTED]);
  });

  it("names the key of every problem in a bad scenario file", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scenario-"));
    const doc = parse(fs.readFileSync(path.join(FIXTURES, "follower-fetching.yaml"), "utf8"));
    delete doc.traffic.regions;
    doc.traffic.compressionRatio = "4x";
    doc.disks[0].iops = 3000;
    doc.nodez = [];
    fs.writeFileSync(path.join(dir, "bad.json"), JSON.stringify(doc));
    const result = await costCli(["--scenario", path.join(dir, "bad.json"), "--json"]);
    expect(result.code).not.toBe(0);
    for (const key of ["traffic.regions", "traffic.compressionRatio", "nodez"]) expect(result.stderr).toContain(`${key}:`);
    expect(result.stdout).toBe("");
  });

  it("refuses iops without its price, naming the key", () => {
    const doc = parse(fs.readFileSync(path.join(FIXTURES, "follower-fetching.yaml"), "utf8"));
    doc.disks[0].iops = 3000;
    expect(parseScenario(doc)).toEqual({
      ok: false,
      problems: [{ key: "disks[0].usdPerIopsMonth", message: "iops and usdPerIopsMonth go together" }],
    });
  });
});

describe("cost model properties", () => {
  const arbInputs = fc.record({
    produce: fc.double({ min: 1e3, max: 1e10, noNaN: true }),
    messages: fc.double({ min: 1, max: 1e7, noNaN: true }),
    compression: fc.double({ min: 1, max: 10, noNaN: true }),
    pcf: fc.double({ min: 0, max: 1, noNaN: true }),
    groups: fc.integer({ min: 0, max: 10 }),
    nodeUsd: fc.double({ min: 0, max: 100, noNaN: true }),
  });
  const inputsOf = (
    a: { produce: number; messages: number; compression: number; pcf: number; groups: number; nodeUsd: number },
    followerFetching: boolean,
  ): CostInputs => ({
    hoursPerMonth: 730,
    nodes: [{ count: 9, usdPerHour: a.nodeUsd }],
    disks: [],
    traffic: {
      produceBytesPerSecond: a.produce,
      messagesPerSecond: a.messages,
      replicationFactor: 3,
      regions: 3,
      producerCrossRegionFraction: a.pcf,
      followerFetching,
      consumerGroups: a.groups,
      compressionRatio: a.compression,
      interRegionUsdPerGiB: 0.02,
    },
  });

  it("follower fetching never costs more, and total = fixed + variable = $/message x messages/h", () => {
    fc.assert(
      fc.property(arbInputs, (a) => {
        const on = estimateCost(inputsOf(a, true));
        const off = estimateCost(inputsOf(a, false));
        const rel = (x: number, y: number) => Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y));
        return (
          on.totalUsdPerHour <= off.totalUsdPerHour + 1e-12 &&
          on.breakdown.consumeTransfer === 0 &&
          rel(on.totalUsdPerHour, on.fixedUsdPerHour + on.variableUsdPerHour) &&
          rel(on.usdPerMessage * a.messages * 3600, on.totalUsdPerHour)
        );
      }),
    );
  });

  it("variable cost scales as 1 / compression ratio", () => {
    fc.assert(
      fc.property(arbInputs, (a) => {
        const once = estimateCost(inputsOf({ ...a, compression: 1 }, false));
        const compressed = estimateCost(inputsOf(a, false));
        return (
          Math.abs(compressed.variableUsdPerHour * a.compression - once.variableUsdPerHour) <= 1e-9 * Math.max(1, once.variableUsdPerHour)
        );
      }),
    );
  });
});

describe("cost during preview", () => {
  it("logs one readable summary under preview and exports costEstimate with the same numbers", async () => {
    const { run } = await planStackOk("gke", undefined, true);
    const info = run.diagnostics.filter((d) => d.severity === "info" && d.message.startsWith("cost estimate for stack gke"));
    expect(info).toHaveLength(1);
    const estimate = run.outputs.costEstimate as Record<string, number>;
    expect(estimate.totalUsdPerHour).toBeGreaterThan(0);
    const perMonth = estimate.totalUsdPerMonth.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    expect(info[0].message).toContain(`= $${perMonth}/month`);
    expect(info[0].message).toMatch(/per million messages/);
    expect(info[0].message).toMatch(/capacity: ceiling .* \(bottleneck: /);
  });

  it("exports costEstimate on update too, without the preview log line", async () => {
    const { run } = await planStackOk("eks", undefined, false);
    expect(run.diagnostics.some((d) => d.message.startsWith("cost estimate"))).toBe(false);
    expect((run.outputs.costEstimate as Record<string, number>).usdPerMessage).toBeGreaterThan(0);
  });

  it("moves with the config: more brokers cost more compute and storage", async () => {
    const base = (await planStackOk("gke")).run.outputs.costEstimate as { breakdown: Record<string, number> };
    const config = stackConfig("gke");
    setPath(config, "nodePools", ["kafka", "countPerRegion"], 4);
    setPath(config, "kafka", ["brokersPerRegion"], 4);
    const more = (await planStackOk("gke", config)).run.outputs.costEstimate as { breakdown: Record<string, number> };
    expect(more.breakdown.compute).toBeGreaterThan(base.breakdown.compute);
    // One more 1000 GiB pd-ssd per region: 0.187 $/GiB-month in us-east4, 0.17 in us-central1 and us-west1.
    expect(more.breakdown.storage - base.breakdown.storage).toBeCloseTo((1000 * (0.187 + 0.17 + 0.17)) / 730, 9);
    expect(more.breakdown.replicationTransfer).toBeCloseTo(base.breakdown.replicationTransfer, 12);
  });

  it("uses price overrides from the stack config", async () => {
    const config = stackConfig("eks");
    setPath(config, "prices", ["machineTypes"], { "r5.4xlarge": 2.0, "m5.xlarge": 0 });
    const estimate = (await planStackOk("eks", config)).run.outputs.costEstimate as {
      breakdown: Record<string, number>;
      prices: Array<{ item: string; source: string }>;
    };
    expect(estimate.breakdown.compute).toBeCloseTo(9 * 2.0, 9);
    expect(estimate.prices.find((p) => p.item.startsWith("r5.4xlarge"))?.source).toBe(
      "stack config (geo-kafka:prices.machineTypes.r5.4xlarge)",
    );
  });
});

describe("reports", () => {
  it("renders a markdown table with totals for a pull request", () => {
    const parsed = parseScenario(parse(fs.readFileSync(path.join(FIXTURES, "follower-fetching.yaml"), "utf8")));
    if (!parsed.ok) throw new Error("fixture must parse");
    const md = renderMarkdown("gke", estimateCost(parsed.inputs));
    expect(md).toContain("| item | $/hour | $/month |");
    expect(md).toContain("| **total** | **$24.2549** | **$17,706.07** |");
  });

  it("npm run cost -- --stack gke --markdown shows the capacity ceiling beside the cost", async () => {
    const result = await costCli(["--stack", "gke", "--markdown"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("### Cost estimate: stack `gke`");
    expect(result.stdout).toMatch(/Throughput ceiling: \*\*[\d.]+ MB\/s\*\* produced, bottleneck \*\*/);
    expect(result.stdout).toContain("Prices used");
  });

  it("npm run cost -- --stack existing prices what its config prices and lists the rest, with no ceiling", async () => {
    const result = await costCli(["--stack", "existing", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { breakdown: Record<string, number>; unpriced: string[]; capacity: unknown };
    expect(json.capacity).toBeNull();
    expect(json.unpriced).toHaveLength(3);
    expect(json.unpriced.every((u) => u.includes("vm-4c-16g"))).toBe(true);
    const text = await costCli(["--stack", "existing", "--markdown"]);
    expect(text.stdout).toContain("Not priced, left out of the totals:");
  });
});
