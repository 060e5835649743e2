// Bad stack configuration is refused before anything is created, every problem named by its config path.
import { describe, expect, it } from "vitest";
import { validateConfig } from "../lib/config/validate";
import { planStack, setPath, stackConfig } from "./helpers/harness";

type Mutation = (config: Record<string, unknown>) => void;
const set =
  (key: string, segments: Array<string | number>, value: unknown): Mutation =>
  (config) =>
    setPath(config, key, segments, value);

interface BadCase {
  name: string;
  stack: "gke" | "eks";
  mutate: Mutation[];
  paths: string[];
}

const badCases: BadCase[] = [
  {
    name: "two regions",
    stack: "gke",
    mutate: [(c) => (c["geo-kafka:regions"] as unknown[]).pop()],
    paths: ["geo-kafka:regions"],
  },
  {
    name: "a duplicate region",
    stack: "gke",
    mutate: [set("regions", [2, "name"], "us-east4"), set("regions", [2, "zones"], ["us-east4-a"])],
    paths: ["geo-kafka:regions[2].name"],
  },
  {
    name: "overlapping pod ranges in two clusters",
    stack: "gke",
    mutate: [set("regions", [0, "podCidr"], "10.64.0.0/14"), set("regions", [1, "podCidr"], "10.64.0.0/16")],
    paths: ["geo-kafka:regions[1].podCidr"],
  },
  {
    name: "a node range inside another cluster's service range",
    stack: "eks",
    mutate: [set("regions", [0, "serviceCidr"], "172.20.0.0/16"), set("regions", [2, "nodeCidr"], "172.20.0.0/20")],
    paths: ["geo-kafka:regions[2].nodeCidr"],
  },
  {
    name: "a missing link",
    stack: "gke",
    mutate: [(c) => (c["geo-kafka:links"] as unknown[]).splice(1, 1)],
    paths: ["geo-kafka:links"],
  },
  { name: "zero RTT", stack: "gke", mutate: [set("links", [0, "rttMs"], 0)], paths: ["geo-kafka:links[0].rttMs"] },
  {
    name: "negative bandwidth",
    stack: "eks",
    mutate: [set("links", [1, "bandwidthBytesPerSecond"], -5)],
    paths: ["geo-kafka:links[1].bandwidthBytesPerSecond"],
  },
  {
    name: "replication factor above the region count",
    stack: "gke",
    mutate: [set("kafka", ["replicationFactor"], 4)],
    paths: ["geo-kafka:kafka.replicationFactor"],
  },
  {
    name: "min.insync.replicas equal to RF",
    stack: "gke",
    mutate: [set("kafka", ["minInsyncReplicas"], 3)],
    paths: ["geo-kafka:kafka.minInsyncReplicas"],
  },
  {
    name: "min.insync.replicas of 0",
    stack: "eks",
    mutate: [set("kafka", ["minInsyncReplicas"], 0)],
    paths: ["geo-kafka:kafka.minInsyncReplicas"],
  },
  {
    name: "no brokers in a region",
    stack: "gke",
    mutate: [set("kafka", ["brokersPerRegion"], 0)],
    paths: ["geo-kafka:kafka.brokersPerRegion"],
  },
  { name: "an unknown mesh", stack: "gke", mutate: [set("mesh", ["mode"], "linkerd")], paths: ["geo-kafka:mesh.mode"] },
  {
    name: "a machine type with no price",
    stack: "gke",
    mutate: [set("nodePools", ["kafka", "machineType"], "c4-highmem-96")],
    paths: ["geo-kafka:nodePools.kafka.machineType"],
  },
  {
    name: "pd-ssd on eks",
    stack: "eks",
    mutate: [set("kafka", ["disk", "type"], "pd-ssd"), set("kafka", ["disk", "iopsPerGiB"], undefined)],
    paths: ["geo-kafka:kafka.disk.type"],
  },
  {
    name: "io1 on gke",
    stack: "gke",
    mutate: [set("kafka", ["disk", "type"], "io1"), set("kafka", ["disk", "iopsPerGiB"], 10)],
    paths: ["geo-kafka:kafka.disk.type"],
  },
  {
    name: "io1 above 50 IOPS per GiB",
    stack: "eks",
    mutate: [set("kafka", ["disk", "iopsPerGiB"], 60)],
    paths: ["geo-kafka:kafka.disk.iopsPerGiB"],
  },
  {
    name: "io1 above 64,000 IOPS per volume",
    stack: "eks",
    mutate: [set("kafka", ["disk", "sizeGiB"], 2000), set("kafka", ["disk", "iopsPerGiB"], 40)],
    paths: ["geo-kafka:kafka.disk.iopsPerGiB"],
  },
  {
    name: "a string where a number belongs",
    stack: "gke",
    mutate: [set("kafka", ["brokersPerRegion"], "three")],
    paths: ["geo-kafka:kafka.brokersPerRegion"],
  },
  { name: "an unknown top-level key", stack: "gke", mutate: [set("kafak", [], { brokersPerRegion: 3 })], paths: ["geo-kafka:kafak"] },
  {
    name: "a misspelt nested key",
    stack: "eks",
    mutate: [set("kafka", ["minInsyncReplica"], 2)],
    paths: ["geo-kafka:kafka.minInsyncReplica"],
  },
  { name: "submariner on eks (AWS VPC CNI)", stack: "eks", mutate: [set("mesh", ["mode"], "submariner")], paths: ["geo-kafka:mesh.mode"] },
  {
    name: "a CIDR with host bits",
    stack: "gke",
    mutate: [set("regions", [0, "nodeCidr"], "10.200.1.0/16")],
    paths: ["geo-kafka:regions[0].nodeCidr"],
  },
  {
    name: "a zone outside its region",
    stack: "gke",
    mutate: [set("regions", [0, "zones", 1], "us-west1-b")],
    paths: ["geo-kafka:regions[0].zones[1]"],
  },
  {
    name: "a link to an unknown region",
    stack: "eks",
    mutate: [set("links", [0, "between", 1], "eu-west-1")],
    paths: ["geo-kafka:links[0].between[1]", "geo-kafka:links"],
  },
  { name: "no cloud", stack: "gke", mutate: [set("cloud", [], undefined)], paths: ["geo-kafka:cloud"] },
  {
    name: "a public EKS service range",
    stack: "eks",
    mutate: [set("regions", [0, "serviceCidr"], "100.64.0.0/16")],
    paths: ["geo-kafka:regions[0].serviceCidr"],
  },
  {
    name: "an EKS VPC larger than /16",
    stack: "eks",
    mutate: [set("network", ["nodePrefixLength"], 14)],
    paths: ["geo-kafka:regions[0].nodeCidr"],
  },
  {
    name: "both message rate and message size",
    stack: "gke",
    mutate: [set("traffic", ["messagesPerSecond"], 1000)],
    paths: ["geo-kafka:traffic.messagesPerSecond"],
  },
  { name: "gke without a GCP project", stack: "gke", mutate: [set("gcp", [], undefined)], paths: ["geo-kafka:gcp.project"] },
  {
    name: "a cluster id that is no DNS label",
    stack: "gke",
    mutate: [set("regions", [1, "clusterId"], "Central_1")],
    paths: ["geo-kafka:regions[1].clusterId"],
  },
  {
    name: "several problems at once are all reported",
    stack: "gke",
    mutate: [set("kafka", ["replicationFactor"], 4), set("mesh", ["mode"], "consul"), set("links", [2, "rttMs"], -1)],
    paths: ["geo-kafka:kafka.replicationFactor", "geo-kafka:mesh.mode", "geo-kafka:links[2].rttMs"],
  },
];

describe("bad configuration", () => {
  it("has at least 15 distinct cases", () => {
    expect(new Set(badCases.map((c) => c.name)).size).toBeGreaterThanOrEqual(15);
  });

  it.each(badCases)("refuses $name on $stack, naming $paths, with zero resources", async ({ stack, mutate, paths }) => {
    const config = stackConfig(stack);
    for (const m of mutate) m(config);
    const result = await planStack(stack, config);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeUndefined();
    const reported = result.problems.map((p) => p.path);
    for (const path of paths) expect(reported).toContain(path);
    expect(result.problems.every((p) => p.severity === "error")).toBe(true);
    expect(result.run?.resources ?? []).toHaveLength(0);
  });
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

  it("reports every missing required key, not only the first", () => {
    const result = validateConfig({ cloud: "gke" });
    expect(result.ok).toBe(false);
    const paths = result.problems.map((p) => p.path);
    for (const key of ["regions", "links", "nodePools", "mesh", "kafka", "traffic"]) expect(paths).toContain(`geo-kafka:${key}`);
  });
});
