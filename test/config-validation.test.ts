// Bad stack configuration is refused before anything is created, every problem named by its config path.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import * as aws from "@pulumi/aws";
import { KNOWN_REGIONS } from "../lib/config/regions";
import { CLOUDS } from "../lib/types";
import { SUPPORTED_KAFKA_VERSIONS, isSupportedKafkaVersion } from "../lib/config/kafka-version";
import { validateConfig } from "../lib/config/validate";
import { REPO_ROOT, runStack } from "../tools/run-stack";
import { planStack, runTool, setPath, stackConfig } from "./helpers/harness";

const CORPUS = path.join(REPO_ROOT, "test", "fixtures", "bad-config");

interface BadFixture {
  file: string;
  stack: string;
  why: string;
  expect: string[];
}

/** Each fixture says, in its header, which stack it is for and which config paths its errors must name. */
function readFixture(file: string): BadFixture {
  const text = fs.readFileSync(path.join(CORPUS, file), "utf8");
  const header = (key: string) => new RegExp(`^# ${key}: (.*)$`, "m").exec(text)?.[1] ?? "";
  return { file, stack: header("stack"), why: header("why"), expect: header("expect").split(", ").filter(Boolean) };
}

const corpus = fs
  .readdirSync(CORPUS)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map(readFixture);

describe("bad-input corpus (test/fixtures/bad-config)", () => {
  it("has at least 30 fixtures, each naming its stack and the paths it must report", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    for (const f of corpus) {
      expect(CLOUDS, f.file).toContain(f.stack);
      expect(f.expect.length, f.file).toBeGreaterThan(0);
    }
  });

  it.each(corpus)("$file ($why) is refused with its paths and nothing registered", async ({ file, stack, expect: paths }) => {
    const result = await runStack({ stack, configFile: path.join(CORPUS, file) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeUndefined();
    const reported = result.problems.map((p) => p.path);
    // Problems found in the YAML itself are named by file and line; the rest by config path.
    for (const wanted of paths) expect(reported.some((r) => r === wanted || r.endsWith(`/${wanted}`))).toBe(true);
    expect(result.problems.every((p) => p.severity === "error" && p.message.length > 0)).toBe(true);
    expect(result.run?.resources ?? []).toHaveLength(0);
  });

  it.each(["malformed-yaml.yaml", "string-for-number.yaml", "several-at-once.yaml"])(
    "npm run plan -- --config %s exits 1 and lists the paths",
    async (file) => {
      const fixture = readFixture(file);
      const run = await runTool("plan", ["--stack", fixture.stack, "--config", path.join(CORPUS, file)]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/nothing planned/);
      for (const wanted of fixture.expect) expect(run.stderr).toContain(wanted);
    },
  );
});

describe("risky but legal settings", () => {
  it.each([
    { name: "min.insync.replicas = 1", key: "kafka", segments: ["minInsyncReplicas"], value: 1, path: "geo-kafka:kafka.minInsyncReplicas" },
    { name: "acks = 1", key: "kafka", segments: ["producer", "acks"], value: "1", path: "geo-kafka:kafka.producer.acks" },
  ])("warns on $name and still plans", async ({ key, segments, value, path }) => {
    const config = stackConfig("gke");
    setPath(config, key, segments, value);
    const result = await planStack("gke", config);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const warnings = result.run.diagnostics.filter((d) => d.severity === "warning").map((d) => d.message);
    expect(warnings.some((w) => w.startsWith(`${path}:`))).toBe(true);
    expect(result.run.resources.length).toBeGreaterThan(0);
  });
});

/** The gke stack's config as validateConfig takes it, with one Kafka setting changed. */
function gkeRawWith(segments: string[], value: unknown): Record<string, unknown> {
  const config = stackConfig("gke");
  setPath(config, "kafka", segments, value);
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k.replace("geo-kafka:", ""), v]));
}

describe("kafka.version: the supported Kafka releases only", () => {
  it.each(["4.1.0", "4.1.2", "4.1.10"])("accepts %s", (version) => {
    expect(isSupportedKafkaVersion(version)).toBe(true);
    expect(validateConfig(gkeRawWith(["version"], version)).ok).toBe(true);
  });

  it.each(["3.9.1", "4.0.0", "4.2.0", "5.0.0", "4.1", "latest"])("refuses %s, naming the path and the supported range", (version) => {
    const result = validateConfig(gkeRawWith(["version"], version));
    expect(result.ok).toBe(false);
    const errors = result.problems.filter((p) => p.severity === "error");
    expect(errors.map((p) => p.path)).toEqual(["geo-kafka:kafka.version"]);
    expect(errors[0].message).toContain(SUPPORTED_KAFKA_VERSIONS.range);
  });

  it("defaults to the supported release the Kafka lab runs", () => {
    const result = validateConfig(gkeRawWith(["version"], undefined));
    expect(result.ok && result.spec.kafka.version).toBe(SUPPORTED_KAFKA_VERSIONS.default);
  });
});

describe("regions[i].name: a region the cloud has", () => {
  it.each([
    ["gke", "us-west1", "us-west9", 2],
    ["eks", "us-east-2", "us-central-2", 1],
  ] as const)("%s refuses %s -> %s at regions[%i].name only, not as a missing price", (stack, real, fake, index) => {
    const raw = Object.fromEntries(Object.entries(stackConfig(stack)).map(([k, v]) => [k.replace("geo-kafka:", ""), v]));
    const edited = JSON.parse(JSON.stringify(raw).split(`"${real}`).join(`"${fake}`)) as Record<string, unknown>;
    const result = validateConfig(edited);
    expect(result.ok).toBe(false);
    const errors = result.problems.filter((p) => p.severity === "error");
    expect(errors.map((p) => p.path)).toEqual([`geo-kafka:regions[${index}].name`]);
    expect(errors[0].message).toContain(KNOWN_REGIONS[stack].source);
  });

  it("every listed region passes, and the eks list is the AWS provider's enum less the isolated partitions", () => {
    const fromProvider = Object.values(aws.Region).filter((r) => !/(^|-)iso|^eusc-/.test(r));
    expect([...KNOWN_REGIONS.eks.names].sort()).toEqual([...fromProvider].sort());
    for (const list of Object.values(KNOWN_REGIONS)) {
      expect(new Set(list.names).size).toBe(list.names.length);
      expect(list.names).toContain(list.example);
    }
  });
});

describe("kafka.producer.acks as written in YAML", () => {
  it.each([
    ["all", "all"],
    ["-1", "all"],
    [-1, "all"],
    ["1", "1"],
    [1, "1"],
    ["0", "0"],
    [0, "0"],
  ] as const)("%j is read as acks=%s", (written, normalised) => {
    const result = validateConfig(gkeRawWith(["producer", "acks"], written));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.spec.kafka.producer.acks).toBe(normalised);
    const warned = result.problems.some((p) => p.path === "geo-kafka:kafka.producer.acks");
    expect(warned).toBe(normalised !== "all");
  });

  it.each([2, "2", "leader", true])("refuses %j, naming the path", (written) => {
    const result = validateConfig(gkeRawWith(["producer", "acks"], written));
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.path)).toEqual(["geo-kafka:kafka.producer.acks"]);
  });
});

describe("validateConfig", () => {
  it("applies defaults once and plans every cluster range", () => {
    const raw: Record<string, unknown> = Object.fromEntries(
      Object.entries(stackConfig("gke")).map(([k, v]) => [k.replace("geo-kafka:", ""), v]),
    );
    delete raw.network;
    const result = validateConfig(raw);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.spec.network).toEqual({ baseCidr: "10.0.0.0/8", nodePrefixLength: 20, podPrefixLength: 14, servicePrefixLength: 20 });
    expect(result.spec.regions.map((r) => r.podCidr)).toEqual(["10.0.0.0/14", "10.4.0.0/14", "10.8.0.0/14"]);
    expect(result.spec.regions.map((r) => r.clusterId)).toEqual(["gke-us-east4", "gke-us-central1", "gke-us-west1"]);
    expect(result.spec.links).toHaveLength(3);
  });

  it("on eks gives pods the VPC range instead of planning a block of their own", () => {
    const raw: Record<string, unknown> = Object.fromEntries(
      Object.entries(stackConfig("eks")).map(([k, v]) => [k.replace("geo-kafka:", ""), v]),
    );
    const result = validateConfig(raw);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    for (const r of result.spec.regions) expect(r.podCidr).toBe(r.nodeCidr);
    expect(result.spec.regions.map((r) => r.nodeCidr)).toEqual(["10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16"]);
  });

  it("reports every missing required key, not only the first", () => {
    const result = validateConfig({ cloud: "gke" });
    expect(result.ok).toBe(false);
    const paths = result.problems.map((p) => p.path);
    for (const key of ["regions", "links", "nodePools", "mesh", "kafka", "traffic"]) expect(paths).toContain(`geo-kafka:${key}`);
  });
});
