// The offline plan: both stacks plan, output is deterministic, secrets stay hidden, bad input writes nothing.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { planSocketBuffers } from "../lib/socket-buffers";
import { REPO_ROOT, toPlan, withStackFrames } from "../tools/run-stack";
import { planStackOk, runComponent, runTool } from "./helpers/harness";

const planCli = (args: string[]) => runTool("plan", args);

describe("stack gke", () => {
  it("creates one GCP provider per configured region, in the configured project", async () => {
    const { recorded } = await planStackOk("gke");
    const providers = recorded.ofType("pulumi:providers:gcp");
    expect(providers.map((p) => [p.name, p.inputs.region, p.inputs.project])).toEqual([
      ["gcp-us-east4", "us-east4", "acme-streaming-prod"],
      ["gcp-us-central1", "us-central1", "acme-streaming-prod"],
      ["gcp-us-west1", "us-west1", "acme-streaming-prod"],
    ]);
  });

  it("exports the socket buffer computed from the worst path, with the node sysctls", async () => {
    const { run } = await planStackOk("gke");
    const buffers = (run.outputs.socketBuffers ?? {}) as Record<string, unknown>;
    const expected = planSocketBuffers([
      { a: "us-east4", b: "us-central1", rttMs: 26, bandwidthBytesPerSecond: 1.25e9 },
      { a: "us-east4", b: "us-west1", rttMs: 65, bandwidthBytesPerSecond: 1.25e9 },
      { a: "us-central1", b: "us-west1", rttMs: 36, bandwidthBytesPerSecond: 1.25e9 },
    ]);
    expect(buffers.socketBufferBytes).toBe(81_250_000);
    expect(buffers.socketBufferBytes).toBe(expected.socketBufferBytes);
    expect(buffers.nodeSysctls).toEqual(expected.sysctls);
    // Kafka's own socket crosses the WAN on gke: both directions' buffers, each doubled for the kernel's overhead.
    expect(buffers.kernelBytesPerConnection).toBe(4 * 81_250_000);
  });

  it("plans with no warnings from its own example config", async () => {
    const { run } = await planStackOk("gke");
    expect(run.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
  });
});

describe("stack eks", () => {
  it("creates one AWS provider per configured region", async () => {
    const { recorded } = await planStackOk("eks");
    expect(recorded.ofType("pulumi:providers:aws").map((p) => [p.name, p.inputs.region])).toEqual([
      ["aws-us-east-1", "us-east-1"],
      ["aws-us-east-2", "us-east-2"],
      ["aws-us-west-2", "us-west-2"],
    ]);
  });

  it("exports, with Istio, the kernel memory of Envoy's autotuned WAN socket, not of Kafka's loopback one", async () => {
    const { run } = await planStackOk("eks");
    const buffers = run.outputs.socketBuffers as { kernelBytesPerConnection: number; nodeSysctls: Record<string, string> };
    const tcpRmemMax = Number(buffers.nodeSysctls["net.ipv4.tcp_rmem"].split(" ")[2]);
    expect(buffers.kernelBytesPerConnection).toBe(2 * tcpRmemMax);
  });

  it("sizes buffers by the 5 Gbit/s per-flow cap, not the link bandwidth", async () => {
    const { run } = await planStackOk("eks");
    const buffers = run.outputs.socketBuffers as { socketBufferBytes: number; sizingLink: { a: string; b: string } };
    expect(buffers.socketBufferBytes).toBe(Math.ceil((625e6 * 67) / 1000));
    expect(buffers.sizingLink).toMatchObject({ a: "us-east-1", b: "us-west-2" });
  });
});

describe("mock runtime", () => {
  it("records parents and explicit providers, and renders secrets as [secret] unless asked", async () => {
    class Holder extends pulumi.ComponentResource {
      constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("geo-kafka:test:Holder", name, {}, opts);
        const provider = new gcp.Provider(
          `${name}-gcp`,
          { project: "p-123456", accessToken: pulumi.secret("token-value") },
          { parent: this },
        );
        new gcp.compute.Network(`${name}-net`, { autoCreateSubnetworks: false }, { parent: this, provider });
        this.registerOutputs({});
      }
    }
    const { run, recorded } = await runComponent(() => new Holder("h"));
    expect(recorded.one("gcp:compute/network:Network", "h-net")).toMatchObject({ parent: "h", provider: "h-gcp" });
    expect(recorded.one("geo-kafka:test:Holder", "h").parent).toBeNull();
    const hidden = toPlan("test", run).resources.find((r) => r.name === "h-gcp")!;
    expect(hidden.inputs.accessToken).toBe("[secret]");
    const shown = toPlan("test", run, true).resources.find((r) => r.name === "h-gcp")!;
    expect(shown.inputs.accessToken).toBe("token-value");
  });
});

describe("stack frames while the program runs", () => {
  it("captures none inside, restores the caller's limit after, also when the work throws", async () => {
    const saved = Error.stackTraceLimit;
    const inside = await withStackFrames(0, async () => new Error("x").stack ?? "");
    expect(inside).toBe("Error: x");
    expect(Error.stackTraceLimit).toBe(saved);
    await expect(
      withStackFrames(0, async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(Error.stackTraceLimit).toBe(saved);
    expect(new Error("y").stack?.split("\n").length).toBeGreaterThan(1);
  });
});

describe("npm run plan", () => {
  it("prints valid JSON, byte-identical across runs, for every shipped stack", async () => {
    for (const stack of ["gke", "eks", "existing"]) {
      const first = await planCli(["--stack", stack, "--json"]);
      const second = await planCli(["--stack", stack, "--json"]);
      expect(first.code).toBe(0);
      expect(first.stdout).toBe(second.stdout);
      const plan = JSON.parse(first.stdout);
      expect(plan.stack).toBe(stack);
      expect(Object.keys(plan)).toEqual(["stack", "resources", "outputs", "diagnostics"]);
      // replaceOnChanges, deleteBeforeReplace, ignoreChanges, customTimeouts, protect and retainOnDelete appear only where set.
      const base = ["type", "name", "parent", "provider", "inputs", "dependsOn"];
      const options = ["replaceOnChanges", "deleteBeforeReplace", "ignoreChanges", "customTimeouts", "protect", "retainOnDelete"];
      for (const r of plan.resources) expect(Object.keys(r)).toEqual([...base, ...options.filter((k) => k in r)]);
      for (const option of ["deleteBeforeReplace", "protect", "retainOnDelete"])
        expect(plan.resources.some((r: Record<string, unknown>) => r[option] === true)).toBe(true);
    }
  });

  it("writes plan.json to --out and prints the readable tree", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
    const result = await planCli(["--stack", "gke", "--out", out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^stack gke: \d+ resources/);
    expect(result.stdout).toContain("us-central1 (");
    expect(JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")).stack).toBe("gke");
  });

  it("exits non-zero on a bad config, names the paths, and writes no plan", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bad-"));
    const file = path.join(dir, "bad.yaml");
    const text = fs
      .readFileSync(path.join(REPO_ROOT, "Pulumi.gke.yaml"), "utf8")
      .replace("minInsyncReplicas: 2", "minInsyncReplicas: 3")
      .replace("mode: submariner", "mode: linkerd");
    fs.writeFileSync(file, text);
    const result = await planCli(["--stack", "gke", "--config", file, "--out", path.join(dir, "out")]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("geo-kafka:kafka.minInsyncReplicas");
    expect(result.stderr).toContain("geo-kafka:mesh.mode");
    expect(fs.existsSync(path.join(dir, "out", "plan.json"))).toBe(false);
  });

  it("reports malformed YAML with its line", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "yaml-"));
    const file = path.join(dir, "broken.yaml");
    fs.writeFileSync(file, "config:\n  geo-kafka:cloud: gke\n  geo-kafka:kafka: {brokersPerRegion: 3\n");
    const result = await planCli(["--stack", "gke", "--config", file]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/broken\.yaml:\d+:\d+: malformed YAML: /);
  });
});
