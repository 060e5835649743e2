// The gathered list of pinned versions (lib/versions.ts): complete, each pin with its file, and dated where a date exists.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CHARTS } from "../lib/mesh/charts";
import { KUBE_PROMETHEUS_STACK } from "../lib/observability/versions";
import { versionPins } from "../lib/versions";
import { REPO_ROOT } from "../tools/run-stack";

describe("versionPins", () => {
  const pins = versionPins();

  it("lists every chart the stacks install, the images, the agent, the Kafka release and both clouds' Kubernetes minors", () => {
    const charts = pins.filter((p) => p.kind === "chart").map((p) => p.what);
    for (const c of [...Object.values(CHARTS).map((c) => c.chart), KUBE_PROMETHEUS_STACK.chart])
      expect(charts).toContain(`Helm chart ${c}`);
    expect(pins.filter((p) => p.kind === "image").map((p) => p.what.split(" ")[0])).toEqual(["apache/kafka", "curlimages/curl"]);
    expect(pins.filter((p) => p.kind === "kubernetes").map((p) => p.what)).toEqual(
      expect.arrayContaining(["eks Kubernetes (default)", "gke Kubernetes (default)"]),
    );
    expect(pins.some((p) => p.kind === "kafka" && p.version.startsWith("4.1.2"))).toBe(true);
  });

  it("names the files that set each pin, and dates every chart, Kubernetes minor and downloaded artifact", () => {
    for (const p of pins) {
      for (const file of p.where.split(", ")) expect(fs.existsSync(path.join(REPO_ROOT, file)), `${p.what}: ${file}`).toBe(true);
      expect(p.version.length, p.what).toBeGreaterThan(0);
      if (p.kind === "chart" || p.kind === "kubernetes" || p.kind === "artifact")
        expect(p.checkedOn, p.what).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});
