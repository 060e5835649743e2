// The Kafka lab's pure parts: options, the emulated network, how pods are read from a plan (as a kubelet would
// resolve them), the plan's node sysctls, and the arithmetic behind the lab's figures.
import { describe, expect, it } from "vitest";
import { parseKafkaLabArgs } from "../lib/kafka-lab/args";
import {
  advertisedHosts,
  allNamespaces,
  hostsFile,
  labNetwork,
  namespaceAddresses,
  queueBytesFor,
  quorumHosts,
} from "../lib/kafka-lab/network";
import { mountedFile, plannedKafkaPods } from "../lib/kafka-lab/pods";
import { cutFigures, partitionsLedElsewhere, placementFigure } from "../lib/kafka-lab/report";
import { plannedKafkaSysctls, sysctlLines } from "../lib/kafka-lab/sysctls";
import { parseProperties } from "../lib/kafka/properties";
import { toPlan } from "../tools/run-stack";
import { pinnedKafkaVersion, runtimeProblems } from "../tools/kafka-lab/runtime";
import { planStackOk, runTool, stackSpec } from "./helpers/harness";

describe("lab:kafka options", () => {
  it("defaults and every problem at once", () => {
    expect(parseKafkaLabArgs(["--stack", "gke"])).toEqual({
      ok: true,
      options: {
        stack: "gke",
        json: false,
        keep: false,
        rateMbit: 200,
        cutSeconds: 60,
        phases: ["access", "defaults", "follower", "cut", "restarts"],
      },
    });
    const bad = parseKafkaLabArgs(["--stack", "aks", "--rate-mbit", "0", "--cut-seconds", "30"]);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.message).toContain("--stack must be one of gke, eks");
      expect(bad.message).toContain("--rate-mbit must be an integer from 10 to 2000");
      // The drill the lab reproduces cuts a region for at least a minute.
      expect(bad.message).toContain("--cut-seconds must be an integer from 60 to 600");
    }
    expect(parseKafkaLabArgs(["--stack", "eks", "--nope"]).ok).toBe(false);
    expect(parseKafkaLabArgs(["--stack", "eks", "--phases", "cut,nope"]).ok).toBe(false);
    const some = parseKafkaLabArgs(["--stack", "eks", "--phases", "throughput"]);
    expect(some.ok && some.options.phases).toEqual(["throughput"]);
  });
});

describe("lab network", () => {
  const links = stackSpec("gke").links;
  const net = labNetwork(
    "gklg",
    [
      { name: "us-east4", pods: ["c0", "b0", "b1"] },
      { name: "us-central1", pods: ["c1", "b2"] },
      { name: "us-west1", pods: ["c2", "b3"] },
    ],
    links,
  );

  it("joins every region pair with that pair's RTT, not only the worst", () => {
    expect(net.links.map((l) => [l.a, l.b, l.rttMs, l.oneWayUs])).toEqual([
      [0, 1, 26, 13_000],
      [0, 2, 65, 32_500],
      [1, 2, 36, 18_000],
    ]);
  });

  it("gives every pod its own namespace and address inside its region's subnet", () => {
    const names = allNamespaces(net);
    expect(new Set(names).size).toBe(names.length);
    expect(names.every((n) => n.length <= 15)).toBe(true);
    const addresses = net.regions.flatMap((r) => [r.routerAddress, r.client.address, ...r.pods.map((p) => p.address)]);
    expect(new Set(addresses).size).toBe(addresses.length);
    for (const r of net.regions) for (const p of r.pods) expect(p.address.startsWith(`10.254.${r.index}.`)).toBe(true);
    for (const r of net.regions) for (const p of r.pods) expect(p.routerDev.length).toBeLessThanOrEqual(15);
  });

  it("refuses a region pair the stack does not link", () => {
    expect(() =>
      labNetwork(
        "x",
        [
          { name: "a", pods: [] },
          { name: "b", pods: [] },
        ],
        [],
      ),
    ).toThrow(/no link between a and b/);
  });

  it("reads advertised and quorum host names", () => {
    const text = [
      "advertised.listeners=REPLICATION://b0.example:9091,CLIENT://b0.example:9092",
      "controller.quorum.bootstrap.servers=c0.example:9093,c1.example:9093",
      "controller.quorum.voters=1000@c0.example:9093",
    ].join("\n");
    expect(advertisedHosts(text)).toEqual(["b0.example"]);
    expect(quorumHosts(text)).toEqual(["c0.example", "c1.example", "c0.example"]);
    expect(hostsFile([{ address: "10.254.0.10", names: ["b0.example"] }])).toContain("10.254.0.10 b0.example\n");
  });

  it("names the host name its processes see at each namespace's own address, in every namespace", () => {
    const own = namespaceAddresses(net);
    expect(own.map((o) => o.ns).sort()).toEqual(allNamespaces(net).sort());
    expect(new Set(own.map((o) => o.address)).size).toBe(own.length);
    const text = hostsFile([{ address: "10.254.0.10", names: ["b0.example"] }], { address: own[1].address, hostname: "node-a" });
    expect(text.split("\n")).toContain(`${own[1].address} node-a`);
  });

  it("queues at least one BDP of the link", () => {
    expect(queueBytesFor(200, 65)).toBe(1_625_000);
    expect(queueBytesFor(10, 10)).toBe(1_048_576);
  });
});

describe("pods read from a plan", () => {
  it.each(["gke", "eks", "existing"] as const)("%s: 12 Kafka pods with their files, environment and volumes resolved", async (stack) => {
    const { run } = await planStackOk(stack);
    const plan = toPlan(stack, run, true);
    const pods = plannedKafkaPods(plan);
    expect(pods).toHaveLength(12);
    expect(pods.filter((p) => p.role === "controller")).toHaveLength(3);
    const regions = stackSpec(stack).regions.map((r) => r.name);
    expect(new Set(pods.map((p) => p.region))).toEqual(new Set(regions));
    const ids = new Set<number>();
    for (const pod of pods) {
      const props = parseProperties(mountedFile(pod, `/etc/kafka/config/server-${pod.ordinal}.properties`) ?? "");
      ids.add(Number(props["node.id"]));
      expect(props["process.roles"]).toBe(pod.role);
      if (pod.role === "broker") expect(props["broker.rack"]).toBe(pod.region);
      // The downward API's pod name reaches the container as the kubelet would set it.
      expect(pod.env.find((e) => e.name === "POD_NAME")?.value).toEqual({ kind: "value", value: pod.podName });
      expect(pod.mounts.some((m) => m.source.kind === "persistentVolumeClaim" && m.source.claim === `data-${pod.podName}`)).toBe(true);
      expect(pod.user).toEqual({ uid: 1000, gid: 1000 });
      if (stack === "gke") {
        // subPathExpr $(POD_NAME).pem picks this pod's keystore out of the StatefulSet's Secret.
        expect(pod.mounts.find((m) => m.mountPath === "/etc/kafka/tls/keystore.pem")?.subPath).toBe(`${pod.podName}.pem`);
      }
    }
    expect(ids.size).toBe(12);
  });

  it("takes the Kafka machines' sysctls from the plan of each target (existing: the settings its outputs require)", async () => {
    for (const stack of ["gke", "eks", "existing"] as const) {
      const { run } = await planStackOk(stack);
      const sysctls = plannedKafkaSysctls(toPlan(stack, run, false));
      expect(sysctls?.values["net.core.rmem_max"]).toMatch(/^\d+$/);
      expect(sysctls?.values["net.ipv4.tcp_rmem"]).toMatch(/^\d+ \d+ \d+$/);
      expect(Number(sysctls?.values["vm.max_map_count"])).toBeGreaterThan(65_530);
    }
    expect(sysctlLines("net.core.rmem_max 123\nvm.max_map_count = 262144\n#x 1\nnot.a.key 1")).toEqual({
      "net.core.rmem_max": "123",
      "vm.max_map_count": "262144",
    });
  });
});

describe("lab figures", () => {
  const rack: Record<number, string> = { 1: "a", 2: "a", 101: "b", 201: "c" };
  const rackOf = (id: number) => rack[id];

  it("placement: one replica per region, or the offenders", () => {
    const good = placementFigure(
      [
        { partition: 0, leader: 1, replicas: [1, 101, 201], isr: [1, 101, 201] },
        { partition: 1, leader: 101, replicas: [101, 201, 2], isr: [101] },
      ],
      rackOf,
      ["a", "b", "c"],
    );
    expect(good).toMatchObject({ partitions: 2, onePerRegion: true, leadersByRack: { a: 1, b: 1, c: 0 } });
    const bad = placementFigure([{ partition: 3, leader: 1, replicas: [1, 2, 201], isr: [] }], rackOf, ["a", "b", "c"]);
    expect(bad.onePerRegion).toBe(false);
    expect(bad.offenders).toEqual(["3:[a,a,c]"]);
    expect(placementFigure([], rackOf, ["a"]).onePerRegion).toBe(false);
  });

  it("partitions led outside a rack", () => {
    expect(
      partitionsLedElsewhere(
        [
          { partition: 0, leader: 1, replicas: [], isr: [] },
          { partition: 1, leader: 201, replicas: [], isr: [] },
        ],
        rackOf,
        "c",
      ),
    ).toEqual([0]);
  });

  it("produce rate during a cut and the first acknowledgement after it, on the wall clock", () => {
    // Two survivors started 2 s apart; cut at 10 s after the first started, healed 5 s later.
    const a = { startEpochMs: 1_000_000, ackedPerSecond: [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 4, 0, 0, 3, 6, 6, 6] };
    const b = { startEpochMs: 1_002_000, ackedPerSecond: [5, 5, 5, 5, 5, 5, 5, 5, 0, 0, 0, 0, 2, 6] };
    // Seconds 10..14 after a's start: a 4,0,0,3,6 and b 0,0,0,0,2 (b's index 8..12).
    expect(cutFigures([a, b], 1_010_000, 1_015_000)).toEqual({ produceDuringCutPerSecond: 3, secondsToFirstProduceAfterCut: 3 });
    expect(cutFigures([{ startEpochMs: 0, ackedPerSecond: [0, 0, 0, 0] }], 1000, 3000)).toEqual({
      produceDuringCutPerSecond: 0,
      secondsToFirstProduceAfterCut: null,
    });
  });
});

describe("lab refusals", () => {
  it("names the pom to change when the stack deploys another Kafka version", () => {
    const problems = runtimeProblems("4.0.0");
    expect(problems.some((p) => p.includes(`the stack deploys Kafka 4.0.0 but tools/kafka-lab/pom.xml pins ${pinnedKafkaVersion()}`))).toBe(
      true,
    );
    expect(problems.every((p) => !p.includes("undefined"))).toBe(true);
  });

  it("the pinned version is the shipped stacks' kafka.version", () => {
    for (const stack of ["gke", "eks"] as const) expect(stackSpec(stack).kafka.version).toBe(pinnedKafkaVersion());
  });

  it("refuses bad options before touching the machine", async () => {
    const r = await runTool("lab-kafka", ["--stack", "aks"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--stack must be one of gke, eks");
  });
});
