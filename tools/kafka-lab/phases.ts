// The Kafka lab's checks, phase by phase, against the running cluster: quorum and brokers, topic defaults,
// placement, follower fetching, two region cuts, restarts, and replication throughput over the longest link.
import * as fs from "node:fs";
import * as path from "node:path";
import type { KafkaLabOptions, LabPhase } from "../../lib/kafka-lab/args";
import type { LabNetwork, LabRegion } from "../../lib/kafka-lab/network";
import { serverProperties } from "../../lib/kafka-lab/pods";
import {
  LabCheck,
  RegionCutFigure,
  TopicPartition,
  countBy,
  cutFigures,
  partitionsLedElsewhere,
  placementFigure,
} from "../../lib/kafka-lab/report";
import type { StackSpec } from "../../lib/config/spec";
import { PATHS, parseProperties } from "../../lib/kafka/properties";
import { CONFIG_FILES } from "../../lib/kafka/start-script";
import { assignReplicas } from "../../lib/kafka/placement";
import type { Plan } from "../../lib/plan";
import { ClientContext, ClientRun, runClient, startClient } from "./client";
import { cutRegion, healRegion } from "./net";
import { PodRuntime, execInPod, killPod, startPod } from "./pods";
import type { KafkaRuntime } from "./runtime";
import { RunState, sleep } from "./sys";

export interface LabContext {
  options: KafkaLabOptions;
  spec: StackSpec;
  plan: Plan;
  net: LabNetwork;
  pods: PodRuntime[];
  client: ClientContext;
  runtime: KafkaRuntime;
  state: RunState;
  log: (line: string) => void;
  maxSeconds: number;
  started: number;
  /** Topics the lab created, for ISR waits after restarts. */
  topics: string[];
  /** Topic creations under way or done, by topic: phases start theirs early, in parallel, and await them later. */
  creations?: Map<string, Promise<ClientRun<unknown>>>;
}

/**
 * Creates a topic once (from the first region's client), retrying a creation that timed out; later calls for the
 * same topic await the same creation. Only created topics join `ctx.topics` (the ISR waits' list).
 */
function createTopic(ctx: LabContext, topic: string, args: string[] = []): Promise<ClientRun<unknown>> {
  ctx.creations ??= new Map();
  let run = ctx.creations.get(topic);
  if (!run) {
    run = (async () => {
      let r: ClientRun<unknown> | undefined;
      for (let attempt = 0; attempt < 3 && !r?.ok; attempt++) {
        r = await runClient(ctx.client, ctx.net.regions[0], ["create-topic", "--topic", topic, "--if-not-exists", ...args], 90_000);
      }
      if (r!.ok) ctx.topics.push(topic);
      return r!;
    })();
    ctx.creations.set(topic, run);
  }
  return run;
}

const CUT_TOPIC_ARGS = ["--partitions", "12"];

/** The longest path, a broker at each end, and the throughput topics' assignment (leader near, follower far). */
function throughputPlan(ctx: LabContext) {
  const worst = [...ctx.net.links].sort((a, b) => b.rttMs - a.rttMs)[0];
  const from = ctx.net.regions[worst.a];
  const to = ctx.net.regions[worst.b];
  const leader = ctx.pods.find((p) => p.pod.role === "broker" && p.pod.region === from.name)!;
  const follower = ctx.pods.find((p) => p.pod.role === "broker" && p.pod.region === to.name)!;
  const leaderId = nodeIdOf(leader);
  const followerId = nodeIdOf(follower);
  const assignment = Array.from({ length: 8 }, () => `${leaderId},${followerId}`).join(";");
  return { worst, from, to, follower, leaderId, followerId, args: ["--assignment", assignment, "--topic-config", "min.insync.replicas=1"] };
}

interface Broker {
  id: number;
  rack: string | null;
  fenced: boolean;
}
interface Quorum {
  leaderId: number;
  voters: Array<{ id: number; directoryId: string; logEndOffset: number }>;
  observers: Array<{ id: number; directoryId: string; logEndOffset: number }>;
}
interface TopicDescription {
  name: string;
  partitions: TopicPartition[];
  configs: Record<string, { value: string; source: string }>;
}

function properties(p: PodRuntime): Record<string, string> {
  return parseProperties(serverProperties(p.pod));
}

/** Reads meta.properties of a pod's data volume (wherever the properties put log.dirs / metadata.log.dir). */
function metaProperties(p: PodRuntime): Record<string, string> | undefined {
  const props = properties(p);
  const dir = props["metadata.log.dir"] ?? props["log.dirs"];
  const dataMount = p.pod.mounts.find((m) => m.source.kind === "persistentVolumeClaim");
  if (!dir || !dataMount || dataMount.source.kind !== "persistentVolumeClaim") return undefined;
  if (!dir.startsWith(dataMount.mountPath)) return undefined;
  const hostDir = path.join(p.claims[dataMount.source.claim], dir.slice(dataMount.mountPath.length));
  try {
    return parseProperties(fs.readFileSync(path.join(hostDir, "meta.properties"), "utf8"));
  } catch {
    return undefined;
  }
}

function wipeClaims(p: PodRuntime): void {
  for (const dir of Object.values(p.claims))
    for (const entry of fs.readdirSync(dir)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
}

export async function runPhases(ctx: LabContext): Promise<{ checks: LabCheck[]; figures: Record<string, unknown> }> {
  const { net, spec, log } = ctx;
  const checks: LabCheck[] = [];
  const figures: Record<string, unknown> = {};
  const check = (name: string, ok: boolean, detail: string) => {
    checks.push({ name, ok, detail });
    log(`  ${ok ? "ok    " : "FAILED"} ${name}: ${detail}`);
  };
  const regions = net.regions;
  const client = <T>(region: LabRegion, args: string[], timeoutMs = 90_000): Promise<ClientRun<T>> =>
    runClient<T>(ctx.client, region, args, timeoutMs);
  const podOfNode = new Map(ctx.pods.map((p) => [nodeIdOf(p), p]));
  const brokers = ctx.pods.filter((p) => p.pod.role === "broker");
  const controllers = ctx.pods.filter((p) => p.pod.role === "controller");
  const regionOfPod = (p: PodRuntime) => regions.find((r) => r.name === p.pod.region)!;
  const rackOf = (id: number) => podOfNode.get(id)?.pod.region;
  const deadPods = () => ctx.pods.filter((p) => !p.running || p.running.child.exitCode !== null);

  // ---- startup, quorum, brokers -------------------------------------------------------------------------------
  log("phase: cluster (quorum, brokers, racks)");
  const waiting = startClient<{ ok: boolean; seconds: number; brokers: Broker[] }>(
    ctx.client,
    regions[0],
    ["wait-cluster", "--brokers", String(brokers.length), "--timeout-s", "300"],
    330_000,
  );
  // A node whose start script fails exits at once: stop waiting for the cluster then, with its last words.
  let startup: ClientRun<{ ok: boolean; seconds: number; brokers: Broker[] }> | undefined;
  void waiting.done.then((r) => (startup = r));
  while (startup === undefined) {
    await sleep(2000);
    if (startup === undefined && deadPods().length > 0) {
      await sleep(3000);
      if (waiting.pid !== undefined && startup === undefined) process.kill(waiting.pid, "SIGKILL");
      startup = await waiting.done;
    }
  }
  const dead = deadPods();
  check(
    "start: every node formats and starts",
    startup.ok && dead.length === 0,
    startup.ok
      ? `${ctx.pods.length} JVMs up; ${brokers.length} brokers unfenced after ${startup.result.seconds?.toFixed?.(1)} s` +
          (dead.length ? `; exited: ${dead.map((p) => p.pod.podName).join(", ")}` : "")
      : `${failure(startup)}; exited: ${dead.map((p) => `${p.pod.podName} (${tail(p)})`).join("; ") || "none"}`,
  );
  if (!startup.ok) return { checks, figures };
  check(
    "scram: the admin created by the format step authenticates",
    true,
    `SASL ${spec.kafka ? "SCRAM-SHA-512" : ""} login of the plan's admin user from every region's client works (wait-cluster)`,
  );

  const quorum = await client<Quorum>(regions[0], ["quorum"]);
  const voters = quorum.ok ? quorum.result.voters : [];
  figures.quorumVoters = voters.length;
  const leaderPod = quorum.ok ? podOfNode.get(quorum.result.leaderId) : undefined;
  figures.quorumLeader = leaderPod?.pod.podName ?? null;
  check(
    "quorum: 3 voters and a leader",
    quorum.ok && voters.length === controllers.length && leaderPod !== undefined && leaderPod.pod.role === "controller",
    quorum.ok
      ? `voters ${voters.map((v) => v.id).join(", ")}; leader ${quorum.result.leaderId} (${leaderPod?.pod.region ?? "?"})`
      : failure(quorum),
  );
  const listed = startup.result.brokers ?? [];
  figures.brokersByRack = countBy(listed, (b) => b.rack ?? "none");
  const wrongRack = listed.filter((b) => b.rack !== rackOf(b.id));
  check(
    "brokers: 9 registered, unfenced, rack = region",
    listed.length === brokers.length && listed.every((b) => !b.fenced) && wrongRack.length === 0,
    `${JSON.stringify(figures.brokersByRack)}${wrongRack.length ? `; wrong rack: ${wrongRack.map((b) => `${b.id}=${b.rack}`).join(", ")}` : ""}`,
  );

  const want = (phase: LabPhase) => ctx.options.phases.includes(phase);
  // Every topic the chosen phases need, created now in parallel (each creation is a JVM and a few WAN round trips).
  if (want("defaults") || want("follower")) void createTopic(ctx, "lab-default");
  if (want("cut")) for (const t of ["lab-cut-1", "lab-cut-2"]) void createTopic(ctx, t, CUT_TOPIC_ARGS);
  if (want("restarts")) void createTopic(ctx, "lab-restarts", CUT_TOPIC_ARGS);
  // Not the throughput topics: created now, their leaders would have moved by the time they are measured (a cut
  // of the leader's region hands leadership to the follower until the next preferred-leader election).
  const far = regions[regions.length - 1];
  let def: TopicDescription | undefined;
  if (want("defaults") || want("follower")) def = await defaultsPhase(ctx, check, client, rackOf, figures);
  if (want("follower")) await followerPhase(ctx, check, client, rackOf, def, figures);

  if (want("cut")) {
    const cuts: RegionCutFigure[] = [];
    const activeRegion = leaderPod ? regionOfPod(leaderPod) : regions[0];
    const otherRegion =
      regions.find((r) => r.index !== activeRegion.index && r.index !== far.index) ?? regions.find((r) => r.index !== activeRegion.index)!;
    for (const [n, target] of [activeRegion, otherRegion].entries()) {
      log(
        `phase: region cut ${n + 1}: ${target.name}${target === activeRegion ? " (holds the active controller)" : ""}, ${ctx.options.cutSeconds} s`,
      );
      cuts.push(await regionCut(ctx, `lab-cut-${n + 1}`, target, target === activeRegion, check, client));
    }
    figures.regionCut = cuts;
  }

  if (want("restarts")) {
    log("phase: restarts");
    await restarts(ctx, check, client, figures);
  }
  if (want("throughput")) {
    log("phase: replication throughput over the longest link");
    await throughput(ctx, check, client, figures);
  }
  return { checks, figures };
}

async function defaultsPhase(
  ctx: LabContext,
  check: Check,
  client: Client,
  rackOf: (id: number) => string | undefined,
  figures: Record<string, unknown>,
): Promise<TopicDescription | undefined> {
  const { log, spec } = ctx;
  const regions = ctx.net.regions;
  const regionNames = regions.map((r) => r.name);
  const brokers = ctx.pods.filter((p) => p.pod.role === "broker");
  log("phase: topic defaults and placement");
  const created = await createTopic(ctx, "lab-default");
  // Data for the follower-fetch phase, a consumer group (__consumer_offsets) and a transaction (__transaction_state).
  const warmed = await Promise.all([
    startClient(
      ctx.client,
      regions[0],
      [
        "produce",
        "--topic",
        "lab-default",
        "--id",
        "warmup",
        "--duration-s",
        "8",
        "--rate",
        "400",
        "--size",
        "1024",
        "--acked-file",
        path.join(ctx.client.logDir, "warmup.acked"),
        "--timeout-s",
        "100",
        "--config",
        producerConfig(ctx, regions[0]),
      ],
      120_000,
    ).done,
    // The group's first FindCoordinator creates __consumer_offsets (50 partitions x RF 3 across the WAN): give it time.
    startClient(
      ctx.client,
      regions[1],
      ["consume", "--topic", "lab-default", "--group", "lab-warmup", "--duration-s", "15", "--timeout-s", "100"],
      120_000,
    ).done,
    client(regions[2], ["init-transactions", "--transactional-id", "lab-tx", "--timeout-s", "100"], 120_000),
  ]);
  const [described, clusterConfigs] = await Promise.all([
    client<{ topics: TopicDescription[] }>(regions[0], [
      "describe-topics",
      "--topics",
      "lab-default,__consumer_offsets,__transaction_state",
    ]),
    client<Record<string, unknown>>(regions[1], ["describe-cluster-configs"]),
  ]);
  const topic = (name: string) => described.result.topics?.find((t) => t.name === name);
  const def = topic("lab-default");
  const defFigure = def
    ? {
        partitions: def.partitions.length,
        replicationFactor: Math.max(...def.partitions.map((p) => p.replicas.length)),
        minInsyncReplicas: Number(def.configs["min.insync.replicas"]?.value),
        minInsyncReplicasSource: def.configs["min.insync.replicas"]?.source,
      }
    : null;
  figures.defaultTopic = defFigure;
  figures.clusterLevelConfigs = clusterConfigs.ok ? clusterConfigs.result : failure(clusterConfigs);
  check(
    "defaults: a topic without partitions or RF gets the stack's",
    created.ok &&
      defFigure !== null &&
      defFigure.partitions === spec.kafka.defaultPartitions &&
      defFigure.replicationFactor === spec.kafka.replicationFactor &&
      defFigure.minInsyncReplicas === spec.kafka.minInsyncReplicas,
    defFigure
      ? `partitions ${defFigure.partitions} (stack ${spec.kafka.defaultPartitions}), RF ${defFigure.replicationFactor} (stack ${spec.kafka.replicationFactor}), min.insync.replicas ${defFigure.minInsyncReplicas} from ${defFigure.minInsyncReplicasSource} (stack ${spec.kafka.minInsyncReplicas})`
      : `${created.ok ? "" : `create: ${failure(created)}; `}describe: ${failure(described)}`,
  );
  const placement: Record<string, ReturnType<typeof placementFigure>> = {};
  for (const name of ["lab-default", "__consumer_offsets", "__transaction_state"])
    placement[name] = placementFigure(topic(name)?.partitions ?? [], rackOf, regionNames);
  // What lib/kafka/placement.ts predicts for the same brokers: the invariant it promises is one replica per region.
  const model = assignReplicas(
    brokers.map((b) => ({ nodeId: nodeIdOf(b), rack: b.pod.region })),
    spec.kafka.defaultPartitions,
    spec.kafka.replicationFactor,
  );
  const modelOnePerRegion = model.every((r) => new Set(r.map((id) => rackOf(id))).size === regionNames.length);
  const onePerRegion = Object.values(placement).every((p) => p.onePerRegion);
  figures.placement = {
    partitions: Object.values(placement).reduce((sum, p) => sum + p.partitions, 0),
    onePerRegion,
    topics: Object.fromEntries(
      Object.entries(placement).map(([k, v]) => [
        k,
        { partitions: v.partitions, onePerRegion: v.onePerRegion, leadersByRack: v.leadersByRack },
      ]),
    ),
    model: { onePerRegion: modelOnePerRegion, leadersByRack: countBy(model, (r) => rackOf(r[0]) ?? "?") },
  };
  check(
    "placement: one replica per region",
    onePerRegion && modelOnePerRegion === onePerRegion,
    `${Object.entries(placement)
      .map(([k, v]) => `${k}: ${v.partitions} partitions${v.onePerRegion ? "" : ` (offenders ${v.offenders.slice(0, 5).join(" ")})`}`)
      .join("; ")}; the model (lib/kafka/placement.ts) ${modelOnePerRegion ? "agrees" : "disagrees"}` +
      (warmed.some((w) => !w.ok)
        ? `; warm-up: ${warmed
            .filter((w) => !w.ok)
            .map(failure)
            .join(" | ")}`
        : ""),
  );
  return def;
}

async function followerPhase(
  ctx: LabContext,
  check: Check,
  client: Client,
  rackOf: (id: number) => string | undefined,
  def: TopicDescription | undefined,
  figures: Record<string, unknown>,
): Promise<void> {
  const regions = ctx.net.regions;
  ctx.log("phase: follower fetching");
  const far = regions[regions.length - 1];
  await client(regions[0], ["wait-isr", "--topics", "lab-default", "--timeout-s", "60"], 90_000);
  const elsewhere = def ? partitionsLedElsewhere(def.partitions, rackOf, far.name) : [];
  const ff = await client<{
    localShare: number;
    localBytes: number;
    totalBytes: number;
    bytesByRack: Record<string, number>;
    records: number;
  }>(
    far,
    ["follower-fetch", "--topic", "lab-default", "--rack", far.name, "--partitions", elsewhere.join(","), "--duration-s", "40"],
    90_000,
  );
  figures.localFetchShare = ff.ok ? ff.result.localShare : null;
  check(
    "follower fetching: a consumer reads from its own region",
    ff.ok && elsewhere.length > 0 && ff.result.localShare >= 0.95,
    ff.ok
      ? `client.rack=${far.name}, ${elsewhere.length} partitions led elsewhere, ${ff.result.records} records: ${(ff.result.localShare * 100).toFixed(1)}% of ${ff.result.totalBytes} bytes from ${far.name} (${JSON.stringify(ff.result.bytesByRack)})`
      : failure(ff),
  );
}

function producerConfig(ctx: LabContext, region: LabRegion): string {
  return path.join(path.dirname(ctx.client.configFiles[region.name]), `producer-${region.name}.properties`);
}

function failure(run: ClientRun<unknown>): string {
  return String((run.result as { error?: string }).error ?? `exit ${run.code}`);
}

function nodeIdOf(p: PodRuntime): number {
  return Number(properties(p)["node.id"]);
}

function tail(p: PodRuntime, lines = 3): string {
  try {
    return fs.readFileSync(path.join(p.dir, "container.log"), "utf8").trim().split("\n").slice(-lines).join(" | ");
  } catch {
    return "no log";
  }
}

function cutAckedFiles(ctx: LabContext, topic: string): string[] {
  return ctx.net.regions.map((r) => path.join(ctx.client.logDir, `${topic}-${r.name}.acked`));
}

type Check = (name: string, ok: boolean, detail: string) => void;
type Client = <T>(region: LabRegion, args: string[], timeoutMs?: number) => Promise<ClientRun<T>>;

async function regionCut(
  ctx: LabContext,
  topic: string,
  target: LabRegion,
  heldActive: boolean,
  check: Check,
  client: Client,
): Promise<RegionCutFigure> {
  const { net, log } = ctx;
  // Seconds of steady production before the cut (counted from the producers' first acknowledgements) and after healing.
  const pre = 5;
  const post = 10;
  const duration = pre + ctx.options.cutSeconds + post;
  const created = await createTopic(ctx, topic, CUT_TOPIC_ARGS);
  if (!created.ok) log(`  create ${topic}: ${(created.result as { error?: string }).error}`);
  const acked = cutAckedFiles(ctx, topic);
  const firstAcks: Array<Promise<void>> = [];
  const producers = net.regions.map((r, i) => {
    let producing: () => void = () => undefined;
    firstAcks.push(new Promise<void>((resolve) => (producing = resolve)));
    return startClient<{ sent: number; acked: number; failed: number; ackedPerSecond: number[]; startEpochMs: number }>(
      ctx.client,
      r,
      [
        "produce",
        "--topic",
        topic,
        "--id",
        r.name,
        "--duration-s",
        String(duration),
        "--rate",
        "100",
        "--size",
        "512",
        "--acked-file",
        acked[i],
        "--config",
        producerConfig(ctx, r),
      ],
      (duration + 240) * 1000,
      (line) => {
        if (/"acked":[1-9]/.test(line)) producing();
      },
    );
  });
  const consumers = net.regions.map((r) =>
    startClient<{ records: number }>(
      ctx.client,
      r,
      ["consume", "--topic", topic, "--group", `${topic}-${r.name}`, "--duration-s", String(duration + 20)],
      (duration + 120) * 1000,
    ),
  );
  await Promise.race([Promise.all(firstAcks), sleep(60_000)]);
  const t0 = Date.now();
  await sleep(pre * 1000);
  cutRegion(net, target.index);
  const cutEpochMs = Date.now();
  const cutAt = (cutEpochMs - t0) / 1000;
  log(`  cut ${target.name} at ${cutAt.toFixed(1)} s`);
  // The readiness probe of a surviving broker, mid-cut: under-replicated partitions exist, so it must say not ready.
  await sleep(Math.min(40, ctx.options.cutSeconds - 5) * 1000);
  const survivor = ctx.pods.find((p) => p.pod.role === "broker" && p.pod.region !== target.name);
  const midCutReady = survivor?.pod.readinessExec ? await execInPod(survivor, survivor.pod.readinessExec, 60_000) : undefined;
  await sleep(Math.max(0, ctx.options.cutSeconds * 1000 - (Date.now() - t0 - cutAt * 1000)));
  healRegion(net, target.index);
  const healEpochMs = Date.now();
  const healAt = (healEpochMs - t0) / 1000;
  log(`  healed at ${healAt.toFixed(1)} s; waiting for every ISR`);
  const isr = await client<{ ok: boolean; seconds: number }>(
    net.regions[0],
    ["wait-isr", "--topics", ctx.topics.join(","), "--timeout-s", "240"],
    300_000,
  );
  const afterReady = survivor?.pod.readinessExec ? await execInPod(survivor, survivor.pod.readinessExec, 60_000) : undefined;
  const produced = await Promise.all(producers.map((p) => p.done));
  await Promise.all(consumers.map((c) => c.done));
  const verify = await client<{ acked: number; found: number; lost: number; lostSample: string[] }>(
    net.regions[0],
    ["verify", "--topic", topic, "--acked-files", acked.join(","), "--timeout-s", "120"],
    180_000,
  );
  const survivors = produced
    .filter((_p, i) => net.regions[i].index !== target.index)
    .map((p) => ({ startEpochMs: p.result.startEpochMs ?? t0, ackedPerSecond: p.result.ackedPerSecond ?? [] }));
  const rates = cutFigures(survivors, cutEpochMs, healEpochMs);
  const figure: RegionCutFigure = {
    region: target.name,
    heldActiveController: heldActive,
    ackedMessages: verify.ok ? verify.result.acked : produced.reduce((s, p) => s + (p.result.acked ?? 0), 0),
    ackedLost: verify.ok ? verify.result.lost : -1,
    ...rates,
    secondsToFullIsrAfterHeal: isr.ok ? Math.round(isr.result.seconds * 10) / 10 : null,
  };
  check(
    `region cut ${target.name}: no acknowledged message lost`,
    verify.ok && verify.result.lost === 0 && verify.result.acked > 0,
    verify.ok
      ? `${verify.result.acked} acknowledged, ${verify.result.found} found, ${verify.result.lost} lost${verify.result.lost ? ` (${verify.result.lostSample.join(" ")})` : ""}`
      : String((verify.result as { error?: string }).error),
  );
  check(
    `region cut ${target.name}: surviving regions keep producing`,
    rates.produceDuringCutPerSecond > 0 && rates.secondsToFirstProduceAfterCut !== null && isr.ok,
    `${rates.produceDuringCutPerSecond} acks/s during the cut, first after ${rates.secondsToFirstProduceAfterCut ?? "never"} s; ISR whole ${figure.secondsToFullIsrAfterHeal ?? "never"} s after healing` +
      `; producers: ${produced.map((p, i) => `${net.regions[i].name} ${p.result.acked ?? 0}/${p.result.sent ?? 0}`).join(", ")}`,
  );
  if (midCutReady || afterReady) {
    check(
      `readiness follows under-replicated partitions (${target.name} cut)`,
      midCutReady !== undefined && !midCutReady.ok && afterReady !== undefined && afterReady.ok,
      `${survivor?.pod.podName}: mid-cut ${midCutReady?.ok ? "ready" : "not ready"}, after healing ${afterReady?.ok ? "ready" : `not ready (${afterReady?.stderr.trim().split("\n").pop()})`}`,
    );
  }
  return figure;
}

async function waitPodUp(ctx: LabContext, client: Client, brokersExpected: number): Promise<boolean> {
  const r = await client<{ ok: boolean }>(
    ctx.net.regions[0],
    ["wait-cluster", "--brokers", String(brokersExpected), "--timeout-s", "180"],
    210_000,
  );
  return r.ok;
}

async function restarts(ctx: LabContext, check: Check, client: Client, figures: Record<string, unknown>): Promise<void> {
  const { net } = ctx;
  // Acknowledged data that every restart below must keep.
  await createTopic(ctx, "lab-restarts", CUT_TOPIC_ARGS);
  const ackedFile = path.join(ctx.client.logDir, "lab-restarts.acked");
  const seeded = await client<{ acked: number }>(
    net.regions[0],
    [
      "produce",
      "--topic",
      "lab-restarts",
      "--id",
      "restarts",
      "--duration-s",
      "10",
      "--rate",
      "300",
      "--size",
      "1024",
      "--acked-file",
      ackedFile,
      "--config",
      producerConfig(ctx, net.regions[0]),
    ],
    120_000,
  );
  await client(net.regions[0], ["wait-isr", "--topics", ctx.topics.join(","), "--timeout-s", "120"], 150_000);
  const brokers = ctx.pods.filter((p) => p.pod.role === "broker");
  const restartFigures: Record<string, unknown> = {};
  figures.restarts = restartFigures;
  const quorum = await client<Quorum>(net.regions[0], ["quorum"]);
  const leaderId = quorum.ok ? quorum.result.leaderId : -1;

  // A broker, kill -9, same volume.
  const broker = brokers[1];
  const before = metaProperties(broker);
  await killPod(broker);
  startPod(broker, ctx.runtime, ctx.state, ctx.maxSeconds);
  const up = await waitPodUp(ctx, client, brokers.length);
  const after = metaProperties(broker);
  const isr = await client<{ ok: boolean; seconds: number }>(
    net.regions[0],
    ["wait-isr", "--topics", ctx.topics.join(","), "--timeout-s", "180"],
    210_000,
  );
  check(
    "restart: broker after kill -9 keeps its volume",
    up && before?.["directory.id"] !== undefined && before["directory.id"] === after?.["directory.id"] && isr.ok,
    `${broker.pod.podName}: directory.id ${before?.["directory.id"]} -> ${after?.["directory.id"]}; back in every ISR in ${isr.ok ? isr.result.seconds.toFixed(1) : "never"} s`,
  );

  // A controller that is not the leader, kill -9, same volume.
  const controller = ctx.pods.find((p) => p.pod.role === "controller" && nodeIdOf(p) !== leaderId)!;
  const cBefore = metaProperties(controller);
  await killPod(controller);
  startPod(controller, ctx.runtime, ctx.state, ctx.maxSeconds);
  await sleep(15_000);
  const q2 = await client<Quorum>(net.regions[0], ["quorum"]);
  const cAfter = metaProperties(controller);
  const cId = Number(cBefore?.["node.id"]);
  const rejoined = q2.ok && q2.result.voters.some((v) => v.id === cId && v.directoryId === cBefore?.["directory.id"] && v.logEndOffset > 0);
  check(
    "restart: controller after kill -9 keeps its volume and vote",
    rejoined && cBefore?.["directory.id"] === cAfter?.["directory.id"],
    `${controller.pod.podName}: directory.id ${cBefore?.["directory.id"]} -> ${cAfter?.["directory.id"]}; voters ${q2.ok ? q2.result.voters.map((v) => `${v.id}:${v.logEndOffset}`).join(" ") : "?"}`,
  );

  // A broker on an empty volume.
  const empty = brokers[brokers.length - 1];
  await killPod(empty);
  wipeClaims(empty);
  const t = Date.now();
  startPod(empty, ctx.runtime, ctx.state, ctx.maxSeconds);
  const up2 = await waitPodUp(ctx, client, brokers.length);
  const isr2 = await client<{ ok: boolean; seconds: number }>(
    net.regions[0],
    ["wait-isr", "--topics", ctx.topics.join(","), "--timeout-s", "240"],
    270_000,
  );
  restartFigures.emptyBrokerCatchUpSeconds = isr2.ok ? Math.round((Date.now() - t) / 100) / 10 : null;
  check(
    "restart: broker on an empty volume rejoins and catches up",
    up2 && isr2.ok,
    `${empty.pod.podName}: formatted anew (directory.id ${metaProperties(empty)?.["directory.id"]}), every ISR whole ${restartFigures.emptyBrokerCatchUpSeconds ?? "never"} s after its start`,
  );

  // A controller on an empty volume, after the bootstrap window.
  const wiped = controller;
  const oldDir = cAfter?.["directory.id"];
  await killPod(wiped);
  wipeClaims(wiped);
  const savedUntil = wiped.env.KAFKA_QUORUM_BOOTSTRAP_UNTIL;
  if (savedUntil !== undefined) wiped.env.KAFKA_QUORUM_BOOTSTRAP_UNTIL = String(Math.floor(Date.now() / 1000) - 60);
  startPod(wiped, ctx.runtime, ctx.state, ctx.maxSeconds);
  await sleep(20_000);
  const q3 = await client<Quorum>(net.regions[0], ["quorum"]);
  const newMeta = metaProperties(wiped);
  const stillVoter = q3.ok && q3.result.voters.some((v) => v.id === cId && v.directoryId === newMeta?.["directory.id"]);
  const observer = q3.ok && q3.result.observers.some((o) => o.id === cId);
  const running = wiped.running !== undefined && wiped.running.child.exitCode === null;
  restartFigures.emptyController = {
    pod: wiped.pod.podName,
    oldDirectoryId: oldDir,
    newDirectoryId: newMeta?.["directory.id"] ?? null,
    running,
    voters: q3.ok ? q3.result.voters.map((v) => `${v.id}:${v.directoryId}`) : null,
    observers: q3.ok ? q3.result.observers.map((o) => `${o.id}:${o.directoryId}`) : null,
    log: tail(wiped, 6),
  };
  check(
    "restart: controller on an empty volume is not silently made a voter",
    q3.ok && !stillVoter && q3.result.voters.length === 3,
    `${wiped.pod.podName} after the bootstrap window: ${running ? "running" : "exited"}, new directory.id ${newMeta?.["directory.id"] ?? "none"}; ` +
      `${observer ? "an observer" : "not an observer"}; voters ${q3.ok ? q3.result.voters.map((v) => `${v.id}:${v.directoryId.slice(0, 6)}`).join(" ") : "?"}`,
  );

  // The recovery the start script prints for this case, run as printed: replace the old voter entry by this node.
  const printed = (() => {
    try {
      return fs.readFileSync(path.join(wiped.dir, "container.log"), "utf8").split("\n");
    } catch {
      return [];
    }
  })();
  const steps = printed.filter((l) => /^\s+\S*kafka-metadata-quorum\.sh .*(remove-controller|add-controller)/.test(l)).slice(-2);
  const recovery: Array<{ command: string; ok: boolean; output: string }> = [];
  if (steps.length === 2 && running) {
    // add-controller needs the observer caught up with the leader.
    await sleep(10_000);
    for (const step of steps) {
      const r = await execInPod(wiped, step.trim().split(/\s+/), 90_000);
      recovery.push({ command: step.trim(), ok: r.ok, output: `${r.stdout}${r.stderr}`.trim().split("\n").slice(-2).join(" | ") });
      if (!r.ok) break;
      await sleep(3000);
    }
  }
  const q4 = await client<Quorum>(net.regions[0], ["quorum"]);
  const votingAgain =
    q4.ok && q4.result.voters.length === 3 && q4.result.voters.some((v) => v.id === cId && v.directoryId === newMeta?.["directory.id"]);
  (restartFigures.emptyController as Record<string, unknown>).recovery = recovery;
  (restartFigures.emptyController as Record<string, unknown>).votersAfterRecovery = q4.ok
    ? q4.result.voters.map((v) => `${v.id}:${v.directoryId}`)
    : null;
  check(
    "restart: the printed recovery makes the empty controller a voter again",
    steps.length === 2 && recovery.length === 2 && recovery.every((r) => r.ok) && votingAgain,
    steps.length === 2
      ? `${recovery.map((r) => `${r.ok ? "ok" : "FAILED"}: ${r.command.replace(/.*kafka-metadata-quorum\.sh /, "kafka-metadata-quorum.sh ")}${r.ok ? "" : ` (${r.output})`}`).join("; ")}; voters ${q4.ok ? q4.result.voters.map((v) => `${v.id}:${v.directoryId.slice(0, 6)}`).join(" ") : "?"}`
      : `the start script printed ${steps.length} recovery commands (expected remove-controller and add-controller)`,
  );
  if (savedUntil !== undefined) wiped.env.KAFKA_QUORUM_BOOTSTRAP_UNTIL = savedUntil;

  const kept = await client<{ acked: number; found: number; lost: number }>(
    net.regions[0],
    ["verify", "--topic", "lab-restarts", "--acked-files", ackedFile, "--timeout-s", "120"],
    180_000,
  );
  check(
    "restarts: acknowledged messages survive every restart",
    seeded.ok && kept.ok && kept.result.acked > 0 && kept.result.lost === 0,
    kept.ok
      ? `lab-restarts: ${kept.result.found} of ${kept.result.acked} acknowledged found after all restarts, ${kept.result.lost} lost`
      : failure(kept),
  );
}

async function throughput(ctx: LabContext, check: Check, client: Client, figures: Record<string, unknown>): Promise<void> {
  const { log } = ctx;
  const { worst, from, to, follower, leaderId, followerId, args } = throughputPlan(ctx);
  const measure = async (topic: string) => {
    const created = await createTopic(ctx, topic, args);
    if (!created.ok) return { error: (created.result as { error?: string }).error };
    const r = await client<{ followerBytesPerSecond: number; producerBytesPerSecond: number }>(
      from,
      ["replication-rate", "--topic", topic, "--follower", String(followerId), "--duration-s", "15"],
      120_000,
    );
    return r.ok ? r.result : { error: (r.result as { error?: string }).error };
  };
  log(`  ${from.name} -> ${to.name} (RTT ${worst.rttMs} ms): broker ${leaderId} leads, broker ${followerId} follows`);
  const stack = await measure("lab-throughput-stack");

  // The follower again with Kafka's default buffers and fetch sizes: its rendered file minus those keys.
  const configMount = follower.pod.mounts.find((m) => m.mountPath === PATHS.config && m.source.kind === "configMap");
  const removed = [
    "socket.send.buffer.bytes",
    "socket.receive.buffer.bytes",
    "replica.socket.receive.buffer.bytes",
    "replica.fetch.max.bytes",
    "replica.fetch.response.max.bytes",
  ];
  let defaults: Record<string, unknown> = { error: "no config mount" };
  if (configMount && configMount.source.kind === "configMap") {
    const file = CONFIG_FILES.serverProperties(follower.pod.ordinal);
    const original = configMount.source.files[file];
    configMount.source.files[file] = original
      .split("\n")
      .filter((l) => !removed.some((k) => l.startsWith(`${k}=`)))
      .join("\n");
    await killPod(follower, "SIGTERM");
    startPod(follower, ctx.runtime, ctx.state, ctx.maxSeconds);
    await waitPodUp(ctx, client, ctx.pods.filter((p) => p.pod.role === "broker").length);
    defaults = await measure("lab-throughput-default");
    configMount.source.files[file] = original;
    if (ctx.options.keep) {
      // A cluster left up for poking runs the rendered files everywhere.
      await killPod(follower, "SIGTERM");
      startPod(follower, ctx.runtime, ctx.state, ctx.maxSeconds);
    }
  }
  const link = (ctx.options.rateMbit * 1e6) / 8;
  const stackRate = (stack as { followerBytesPerSecond?: number }).followerBytesPerSecond ?? 0;
  const defaultRate = (defaults as { followerBytesPerSecond?: number }).followerBytesPerSecond ?? 0;
  figures.throughput = {
    from: from.name,
    to: to.name,
    rttMs: worst.rttMs,
    linkBytesPerSecond: link,
    defaultBytesPerSecond: Math.round(defaultRate),
    stackBytesPerSecond: Math.round(stackRate),
    producerBytesPerSecond: Math.round((stack as { producerBytesPerSecond?: number }).producerBytesPerSecond ?? 0),
    defaultRewrite: `follower ${follower.pod.podName} restarted without ${removed.join(", ")}`,
  };
  check(
    "throughput: stack buffers >= 10x Kafka's defaults",
    defaultRate > 0 && stackRate >= 10 * defaultRate,
    `${(stackRate / 1e6).toFixed(2)} MB/s vs ${(defaultRate / 1e6).toFixed(3)} MB/s (${defaultRate > 0 ? (stackRate / defaultRate).toFixed(1) : "?"}x)` +
      ("error" in stack ? `; stack: ${String(stack.error)}` : "") +
      ("error" in defaults ? `; defaults: ${String(defaults.error)}` : ""),
  );
  check(
    "throughput: stack buffers >= 70% of the link",
    stackRate >= 0.7 * link,
    `${(stackRate / 1e6).toFixed(2)} MB/s of ${(link / 1e6).toFixed(2)} MB/s (${((stackRate / link) * 100).toFixed(1)}%) at RTT ${worst.rttMs} ms`,
  );
}
