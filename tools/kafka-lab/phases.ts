// The Kafka lab's checks, phase by phase, against the running cluster: quorum and brokers, topic defaults,
// placement, follower fetching, two region cuts, restarts, and replication throughput over the longest link.
import * as path from "node:path";
import type { LabPhase } from "../../lib/kafka-lab/args";
import type { LabRegion } from "../../lib/kafka-lab/network";
import { LabCheck, RegionCutFigure, countBy, partitionsLedElsewhere, placementFigure } from "../../lib/kafka-lab/report";
import { editServerProperties, serverProperties, withoutProperties } from "../../lib/kafka-lab/pods";
import { assignReplicas } from "../../lib/kafka/placement";
import { ClientRun, runClient, startClient } from "./client";
import { PodRuntime, killPod, startPod } from "./pods";
import { sleep } from "./sys";
import {
  Broker,
  Check,
  Client,
  createTopic,
  CUT_TOPIC_ARGS,
  failure,
  LabContext,
  nodeIdOf,
  producerConfig,
  Quorum,
  logLines,
  tail,
  throughputPlan,
  TopicDescription,
  KAFKA_BUFFER_KEYS,
} from "./phase-context";
import { capacityPhase } from "./capacity";
import { accessPhase } from "./access";
import { regionCut, restartBrokersWith, restarts } from "./disruptions";

export type { LabContext } from "./phase-context";

/** The last line of a node's log that says why it stopped (an ERROR, a failed registration), else its last words. */
function exitReason(p: PodRuntime): string {
  const lines = logLines(p);
  const telling = [...lines].reverse().find((l) => / ERROR |Unable to register|Exiting|FATAL/.test(l));
  return (telling ?? lines[lines.length - 1] ?? "no log").replace(/^\[[^\]]*\] /, "").slice(0, 240);
}

/** Restarts of one container the start phase allows, as a kubelet's back-off would within its first minute. */
const MAX_START_RESTARTS = 2;

export async function runPhases(ctx: LabContext): Promise<{ checks: LabCheck[]; figures: Record<string, unknown> }> {
  const { net, spec, log, phase } = ctx;
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
  phase("cluster", "cluster (quorum, brokers, racks)");
  const waiting = startClient<{ ok: boolean; seconds: number; brokers: Broker[] }>(
    ctx.client,
    regions[0],
    ["wait-cluster", "--brokers", String(brokers.length), "--timeout-s", "300"],
    330_000,
  );
  // As a kubelet does (restartPolicy Always), a container that exits is started again after a back-off (10 s, then
  // 20 s): a broker that gives up registering (initial.broker.registration.timeout.ms) comes back as it would in a
  // pod. A node that exits a third time, like a start script that fails, stops the wait with its last words.
  let startup: ClientRun<{ ok: boolean; seconds: number; brokers: Broker[] }> | undefined;
  void waiting.done.then((r) => (startup = r));
  const exitSeen = new Map<PodRuntime, number>();
  const restarted: string[] = [];
  while (startup === undefined) {
    await sleep(2000);
    if (startup !== undefined) break;
    const exited = deadPods();
    const givenUp = exited.filter((p) => p.starts > MAX_START_RESTARTS);
    if (givenUp.length > 0) {
      await sleep(3000);
      if (startup === undefined)
        waiting.cancel(`a node exited ${MAX_START_RESTARTS + 1} times: ${givenUp.map((p) => p.pod.podName).join(", ")}`);
      startup = await waiting.done;
      break;
    }
    for (const p of exited) {
      if (!exitSeen.has(p)) exitSeen.set(p, Date.now());
      if (Date.now() - exitSeen.get(p)! < 10_000 * 2 ** (p.starts - 1)) continue;
      exitSeen.delete(p);
      const why = exitReason(p);
      log(`  ${p.pod.podName} exited (${why}); restarting it as a kubelet would`);
      restarted.push(`${p.pod.podName}: ${why}`);
      await killPod(p);
      startPod(p, ctx.runtime, ctx.state, ctx.maxSeconds);
    }
  }
  figures.startRestarts = restarted;
  const dead = deadPods();
  check(
    "start: every node formats and starts",
    startup.ok && dead.length === 0,
    startup.ok
      ? `${ctx.pods.length} JVMs up; ${brokers.length} brokers unfenced after ${startup.result.seconds?.toFixed?.(1)} s` +
          (restarted.length ? `; restarted after exiting: ${restarted.join("; ")}` : "") +
          (dead.length ? `; exited: ${dead.map((p) => p.pod.podName).join(", ")}` : "")
      : `${failure(startup)}; exited: ${dead.map((p) => `${p.pod.podName} (${tail(p)})`).join("; ") || "none"}`,
  );
  if (!startup.ok) return { checks, figures };
  check(
    "scram: the admin created by the format step authenticates",
    true,
    `SASL ${spec.kafka ? "SCRAM-SHA-512" : ""} login of the plan's admin user from every region's client works (wait-cluster)`,
  );

  // A broker forwards DescribeQuorum to the controller it last recorded; right after the cluster forms that can be a
  // controller that has just lost the leadership, which does not answer before the broker's 30 s controller socket
  // timeout (docs/kafka-lab.md). That says nothing about the quorum's members: a timed-out call is asked again once.
  let quorum = await client<Quorum>(regions[0], ["quorum"]);
  const firstQuorumError = quorum.ok ? undefined : failure(quorum);
  if (firstQuorumError !== undefined && /Timeout/.test(firstQuorumError)) quorum = await client<Quorum>(regions[0], ["quorum"]);
  const voters = quorum.ok ? quorum.result.voters : [];
  figures.quorumVoters = voters.length;
  const leaderPod = quorum.ok ? podOfNode.get(quorum.result.leaderId) : undefined;
  figures.quorumLeader = leaderPod?.pod.podName ?? null;
  check(
    "quorum: 3 voters and a leader",
    quorum.ok && voters.length === controllers.length && leaderPod !== undefined && leaderPod.pod.role === "controller",
    (quorum.ok
      ? `voters ${voters.map((v) => v.id).join(", ")}; leader ${quorum.result.leaderId} (${leaderPod?.pod.region ?? "?"})`
      : failure(quorum)) + (firstQuorumError ? `; asked twice, the first call: ${firstQuorumError}` : ""),
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
  if (want("access")) {
    phase("access", "access (listeners, declared users and topics, the access Job, an edit, a quota)");
    await accessPhase(ctx, check, figures);
  }
  let def: TopicDescription | undefined;
  if (want("defaults") || want("follower")) def = await defaultsPhase(ctx, check, client, rackOf, figures);
  if (want("follower")) await followerPhase(ctx, check, client, rackOf, def, figures);

  if (want("cut")) {
    const cuts: RegionCutFigure[] = [];
    const activeRegion = leaderPod ? regionOfPod(leaderPod) : regions[0];
    const otherRegion =
      regions.find((r) => r.index !== activeRegion.index && r.index !== far.index) ?? regions.find((r) => r.index !== activeRegion.index)!;
    for (const [n, target] of [activeRegion, otherRegion].entries()) {
      phase(
        `cut-${n + 1}`,
        `region cut ${n + 1}: ${target.name}${target === activeRegion ? " (holds the active controller)" : ""}, ${ctx.options.cutSeconds} s`,
      );
      cuts.push(await regionCut(ctx, `lab-cut-${n + 1}`, target, target === activeRegion, check, client));
    }
    figures.regionCut = cuts;
  }

  if (want("restarts")) {
    phase("restarts", "restarts");
    await restarts(ctx, check, client, figures);
  }
  if (want("throughput")) {
    phase("throughput", "replication throughput over the longest link");
    await throughput(ctx, check, client, figures);
  }
  if (want("capacity")) {
    phase("capacity", "capacity model against measured replication (one link, three RTTs, two buffer settings, two fetch sizes)");
    await capacityPhase(ctx, check, client, figures);
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
  const { spec } = ctx;
  const regions = ctx.net.regions;
  const regionNames = regions.map((r) => r.name);
  const brokers = ctx.pods.filter((p) => p.pod.role === "broker");
  ctx.phase("defaults", "topic defaults and placement");
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
  ctx.phase("follower", "follower fetching");
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

/**
 * Share of the link the stack's buffers must reach. 70% until replication ran over Kafka's TLS on every stack (nodes
 * now authenticate each other by certificate): eks, plaintext behind the sidecar before, went from 82% to 68% of a
 * 200 Mbit/s line at 67 ms (one run each, 2026-12-07), gke (TLS all along) measured 71.5-75%. On 2 cores with 12 JVMs
 * the TLS work is the likely cost, not proven. The window itself is judged by the 10x-the-defaults check beside it.
 */
const LINK_SHARE = 0.6;

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
  let defaults: Record<string, unknown> = { error: "no config mount" };
  const original = serverProperties(follower.pod);
  if (original !== "") {
    await restartBrokersWith(ctx, client, [follower], () => withoutProperties(original, KAFKA_BUFFER_KEYS), false);
    defaults = await measure("lab-throughput-default");
    // A cluster left up for poking runs the rendered files everywhere; otherwise a later phase restarts it if needed.
    if (ctx.options.keep) await restartBrokersWith(ctx, client, [follower], () => original, true);
    else editServerProperties(follower.pod, () => original);
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
    defaultRewrite: `follower ${follower.pod.podName} restarted without ${KAFKA_BUFFER_KEYS.join(", ")}`,
  };
  check(
    "throughput: stack buffers >= 10x Kafka's defaults",
    defaultRate > 0 && stackRate >= 10 * defaultRate,
    `${(stackRate / 1e6).toFixed(2)} MB/s vs ${(defaultRate / 1e6).toFixed(3)} MB/s (${defaultRate > 0 ? (stackRate / defaultRate).toFixed(1) : "?"}x)` +
      ("error" in stack ? `; stack: ${String(stack.error)}` : "") +
      ("error" in defaults ? `; defaults: ${String(defaults.error)}` : ""),
  );
  check(
    `throughput: stack buffers >= ${LINK_SHARE * 100}% of the link`,
    stackRate >= LINK_SHARE * link,
    `${(stackRate / 1e6).toFixed(2)} MB/s of ${(link / 1e6).toFixed(2)} MB/s (${((stackRate / link) * 100).toFixed(1)}%) at RTT ${worst.rttMs} ms`,
  );
}
