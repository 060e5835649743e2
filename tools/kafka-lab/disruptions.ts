// The Kafka lab's disruption phases: two region cuts (acknowledged writes survive, the quorum holds, clients of the
// surviving regions carry on) and restarts (kill -9 on a kept volume; wiped volumes: a broker catches up,
// a controller returns as an observer and is promoted).
import * as fs from "node:fs";
import * as path from "node:path";
import type { LabRegion } from "../../lib/kafka-lab/network";
import { RegionCutFigure, TopicPartition, cutFigures } from "../../lib/kafka-lab/report";
import { startClient } from "./client";
import { cutRegion, healRegion } from "./net";
import { editServerProperties } from "../../lib/kafka-lab/pods";
import { PodRuntime, execInPod, killPod, startPod } from "./pods";
import { sleep } from "./sys";
import { QuorumSample, epochsWithTwoLeaders, leaderElections, promotionPath } from "../../lib/kafka-lab/quorum-history";
import {
  Check,
  Client,
  createTopic,
  CUT_TOPIC_ARGS,
  cutAckedFiles,
  failure,
  LabContext,
  logLines,
  metaProperties,
  nodeIdOf,
  producerConfig,
  Quorum,
  TopicDescription,
  wipeClaims,
} from "./phase-context";

/**
 * The pod's readiness command as the kubelet runs it after a disruption: now, then once per probe period until it
 * passes or `periods` more periods have gone by. The last result, with how many probes ran and the seconds they took.
 */
async function readyWithin(p: PodRuntime, periods: number) {
  const periodMs = (p.pod.readinessPeriodSeconds ?? 10) * 1000;
  const t0 = Date.now();
  for (let i = 0; ; i++) {
    const r = await execInPod(p, p.pod.readinessExec ?? [], 60_000);
    if (r.ok || i >= periods) return { ...r, probes: i + 1, seconds: Math.round((Date.now() - t0) / 1000) };
    await sleep(periodMs);
  }
}

/** The last line a readiness command wrote (it reports on stdout, Kafka's tools on stderr). */
const lastWords = (r: { stdout: string; stderr: string }) =>
  `${r.stdout}\n${r.stderr}`
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .pop() ?? "";

/** Readiness probe periods a surviving broker may take after healing before the check calls it not ready. */
const READY_AFTER_HEAL_PERIODS = 3;

export async function regionCut(
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
      // Consumers read for as long as producers write: the verification below reads every acknowledged message again.
      ["consume", "--topic", topic, "--group", `${topic}-${r.name}`, "--duration-s", String(duration)],
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
  // The ISRs of the lab's topics are whole; the probe asks about every partition of the cluster, so it may need a
  // probe period or two more, as the kubelet would give it.
  const afterReady = survivor?.pod.readinessExec ? await readyWithin(survivor, READY_AFTER_HEAL_PERIODS) : undefined;
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
      `${survivor?.pod.podName}: mid-cut ${midCutReady?.ok ? "ready" : "not ready"}, after healing ${
        afterReady?.ok
          ? `ready${afterReady.probes > 1 ? ` at probe ${afterReady.probes}, ${afterReady.seconds} s after the first` : ""}`
          : `not ready for ${READY_AFTER_HEAL_PERIODS} probe periods (${afterReady ? lastWords(afterReady) : "no probe"})`
      }`,
    );
  }
  return figure;
}

export async function waitPodUp(ctx: LabContext, client: Client, brokersExpected: number): Promise<boolean> {
  const r = await client<{ ok: boolean }>(
    ctx.net.regions[0],
    ["wait-cluster", "--brokers", String(brokersExpected), "--timeout-s", "180"],
    210_000,
  );
  return r.ok;
}

/**
 * Restarts brokers (all at once) with the server properties `propertiesOf` gives each, and waits until every broker
 * is back. `rendered` says whether those are the rendered files: ctx.rewritten keeps track of brokers running a
 * lab-only rewrite.
 */
export async function restartBrokersWith(
  ctx: LabContext,
  client: Client,
  brokers: PodRuntime[],
  propertiesOf: (broker: PodRuntime) => string,
  rendered: boolean,
): Promise<boolean> {
  await Promise.all(brokers.map((b) => killPod(b, "SIGTERM")));
  for (const b of brokers) {
    editServerProperties(b.pod, () => propertiesOf(b));
    startPod(b, ctx.runtime, ctx.state, ctx.maxSeconds);
    if (rendered) ctx.rewritten.delete(b);
    else ctx.rewritten.add(b);
  }
  return waitPodUp(ctx, client, ctx.pods.filter((p) => p.pod.role === "broker").length);
}

export async function restarts(ctx: LabContext, check: Check, client: Client, figures: Record<string, unknown>): Promise<void> {
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
  // Right after a kill the cluster still counts the broker and its replicas in sync: only a newly formatted volume,
  // its re-registration, and the acknowledged topic's replicas on the new volume grown to their leaders' bytes (a
  // follower appends the leader's batches as they are) show a catch-up; then every ISR whole.
  const formatted = await until(60_000, () => metaProperties(empty)?.["directory.id"] !== undefined);
  const up2 = formatted && (await waitPodUp(ctx, client, brokers.length));
  const layout = await client<{ topics: TopicDescription[] }>(net.regions[0], ["describe-topics", "--topics", "lab-restarts"]);
  const held = (layout.ok ? (layout.result.topics?.[0]?.partitions ?? []) : []).filter((p) => p.replicas.includes(nodeIdOf(empty)));
  const podOf = (id: number) => brokers.find((b) => nodeIdOf(b) === id);
  const leaderBytes = (p: TopicPartition) => replicaLogBytes(podOf(p.leader) ?? empty, "lab-restarts")[`lab-restarts-${p.partition}`];
  const copied = await until(240_000, () => {
    const copies = replicaLogBytes(empty, "lab-restarts");
    return (
      held.length > 0 &&
      held.every((p) => (copies[`lab-restarts-${p.partition}`] ?? 0) > 0 && copies[`lab-restarts-${p.partition}`] === leaderBytes(p))
    );
  });
  const isr2 = await client<{ ok: boolean; seconds: number }>(
    net.regions[0],
    ["wait-isr", "--topics", ctx.topics.join(","), "--timeout-s", "240"],
    270_000,
  );
  const copies = replicaLogBytes(empty, "lab-restarts");
  restartFigures.emptyBrokerCatchUpSeconds = isr2.ok && copied ? Math.round((Date.now() - t) / 100) / 10 : null;
  check(
    "restart: broker on an empty volume rejoins and catches up",
    up2 && isr2.ok && copied,
    `${empty.pod.podName}: formatted anew (directory.id ${metaProperties(empty)?.["directory.id"] ?? "none"}), its ` +
      `${held.length} lab-restarts replicas as long as their leaders' and every ISR whole ` +
      `${restartFigures.emptyBrokerCatchUpSeconds ?? "never"} s after its start (partition: bytes/leader's bytes ` +
      `${held.map((p) => `${p.partition}: ${copies[`lab-restarts-${p.partition}`] ?? 0}/${leaderBytes(p) ?? "?"}`).join(", ") || "none"})`,
  );

  // Controllers on an empty volume: with the quorum marker, and without it (its ConfigMap deleted and re-created, or
  // the namespace with it), each must come back as an observer and be promoted by its own script, never vote empty.
  // The first is the active controller, so an election runs while the wiped node is back and empty; the second another.
  const leaderNow = await client<Quorum>(net.regions[0], ["quorum"]);
  const controllersNow = ctx.pods.filter((p) => p.pod.role === "controller");
  const active = controllersNow.find((p) => leaderNow.ok && nodeIdOf(p) === leaderNow.result.leaderId) ?? controller;
  const controllerWipe = await wipeController(ctx, client, active, true, "marker");
  const configMapRecreated = await wipeController(
    ctx,
    client,
    controllersNow.find((p) => p !== active)!,
    false,
    "no-marker",
  );
  const controllers = ctx.pods.filter((p) => p.pod.role === "controller");
  const elections = leaderElections(controllers.flatMap((p) => logLines(p)));
  const twoLeaders = epochsWithTwoLeaders(elections);
  const durability = (figures.durability ??= {}) as Record<string, unknown>;
  const figure = (w: WipeResult) => ({ ...w.figure, twoLeaders: twoLeaders.length > 0 });
  durability.controllerWipe = figure(controllerWipe);
  durability.configMapRecreated = figure(configMapRecreated);
  for (const [name, w] of [
    ["quorum: wiped controller with the quorum marker is an observer, then a voter again", controllerWipe],
    ["quorum: wiped controller without the marker asks the quorum, observer, then voter", configMapRecreated],
  ] as const) {
    check(
      name,
      w.figure.formattedAs === "observer" && w.figure.observerFirst && w.figure.votersAfter === 3 && w.promoted && !w.figure.metadataLost,
      `${w.pod}: formatted as ${w.figure.formattedAs ?? "?"} ("${w.formatLine}"); ` +
        `${w.figure.observerFirst ? "observer first" : "never seen as an observer"}, ` +
        `${w.promoted ? `voting with its new directory after ${w.figure.promotedSeconds} s` : "not promoted"}; ` +
        `voters after ${w.figure.votersAfter}; metadata ${w.figure.metadataLost ? `LOST (${w.lostDetail})` : "kept"}`,
    );
  }
  // With the marker (a roll after the quorum formed), a controller is ready only as a caught-up voter: a roll waits for
  // the promotion. Without it, readiness is the open port, as on a cluster's first start.
  const r = controllerWipe.readiness;
  check(
    "quorum: a wiped controller is not ready until it votes and has caught up, then ready",
    r.beforeVote !== null && !r.beforeVote.ok && r.afterVote !== null && r.afterVote.ok,
    `${controllerWipe.pod}: right after the format ${r.beforeVote ? (r.beforeVote.ok ? "READY" : `not ready ("${r.beforeVote.says}")`) : "not probed"}; ` +
      `after the promotion ${r.afterVote ? (r.afterVote.ok ? `ready within ${r.afterVote.seconds} s` : `NOT READY ("${r.afterVote.says}")`) : "not probed"}; ` +
      `without the marker (${configMapRecreated.pod}) right after the format ${configMapRecreated.readiness.beforeVote?.ok ? "ready (open port)" : "not ready"}`,
  );
  check(
    "quorum: never two leaders in one epoch",
    twoLeaders.length === 0,
    twoLeaders.length === 0
      ? `${elections.length} elections in the controllers' logs, one leader per epoch`
      : `epochs with two leaders: ${twoLeaders.join(", ")}`,
  );

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

/** Waits until `ok()` holds, polling each second, at most `ms`. */
async function until(ms: number, ok: () => boolean): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) return false;
    await sleep(1000);
  }
  return true;
}

/** Bytes of log segments per local replica directory of `topic` (`<topic>-<partition>`) on the pod's volumes. */
function replicaLogBytes(p: PodRuntime, topic: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const claim of Object.values(p.claims)) {
    const logs = path.join(claim, "logs");
    if (!fs.existsSync(logs)) continue;
    for (const dir of fs.readdirSync(logs).filter((d) => new RegExp(`^${topic}-\\d+$`).test(d))) {
      out[dir] = fs
        .readdirSync(path.join(logs, dir))
        .filter((f) => f.endsWith(".log"))
        .reduce((sum, f) => sum + fs.statSync(path.join(logs, dir, f)).size, 0);
    }
  }
  return out;
}

interface WipeResult {
  pod: string;
  promoted: boolean;
  /** The rendered readiness check right after the format, and after the promotion (null: not run). */
  readiness: { beforeVote: { ok: boolean; says: string } | null; afterVote: { ok: boolean; seconds: number; says: string } | null };
  formatLine: string;
  lostDetail: string;
  figure: {
    formattedAs: "observer" | "voter" | null;
    observerFirst: boolean;
    votersAfter: number | null;
    metadataLost: boolean;
    promotedSeconds: number | null;
  };
}

/** Seconds a wiped controller may take to be promoted: two tool JVMs per attempt, an attempt per 20 s, a loaded box. */
const PROMOTION_WAIT_SECONDS = 240;

/**
 * Wipes `p`'s volume and starts it again, with the quorum marker's variable set (`marker`) or not, then follows the
 * quorum until the controller votes with its new directory. Committed metadata is a topic created just before the wipe
 * and the high watermark: both must be there afterwards.
 */
async function wipeController(ctx: LabContext, client: Client, p: PodRuntime, marker: boolean, label: string): Promise<WipeResult> {
  const region0 = ctx.net.regions[0];
  const nodeId = nodeIdOf(p);
  const topic = `lab-quorum-${label}`;
  const created = await createTopic(ctx, topic, ["--partitions", "1"]);
  const before = await client<Quorum>(region0, ["quorum"]);
  await killPod(p);
  wipeClaims(p);
  for (const [k, v] of Object.entries(p.laterEnv)) {
    if (marker) p.env[k] = v;
    else delete p.env[k];
  }
  const logStart = logLines(p).length;
  const t0 = Date.now();
  startPod(p, ctx.runtime, ctx.state, ctx.maxSeconds);
  const samples: QuorumSample[] = [];
  let newDir: string | undefined;
  let progress: { observerFirst: boolean; votingAt: number | null } = { observerFirst: false, votingAt: null };
  let promotedSeconds: number | null = null;
  // The rendered controller readiness, once right after the format (the promotion's first attempt is 20 s later, so the
  // node is at best an observer then) and once after the promotion.
  let readyBeforeVote: { ok: boolean; says: string } | null = null;
  while (Date.now() - t0 < PROMOTION_WAIT_SECONDS * 1000) {
    await sleep(3000);
    newDir ??= metaProperties(p)?.["directory.id"];
    if (newDir && readyBeforeVote === null && p.pod.readinessExec) {
      const r = await execInPod(p, p.pod.readinessExec, 60_000);
      readyBeforeVote = { ok: r.ok, says: lastWords(r) };
    }
    const q = await client<Quorum>(region0, ["quorum"]);
    if (!q.ok || !newDir) continue;
    samples.push(q.result);
    progress = promotionPath(samples, nodeId, newDir);
    if (progress.votingAt !== null) {
      promotedSeconds = Math.round((Date.now() - t0) / 1000);
      break;
    }
  }
  const readyAfterVote = progress.votingAt !== null && p.pod.readinessExec ? await readyWithin(p, 3) : undefined;
  const after = await client<Quorum>(region0, ["quorum"]);
  const described = await client<{ topics: Array<{ name: string }> }>(region0, ["describe-topics", "--topics", topic]);
  const topicKept = created.ok && described.ok && (described.result.topics ?? []).some((t) => t.name === topic);
  const hwKept = before.ok && after.ok && after.result.highWatermark >= before.result.highWatermark;
  const newLines = logLines(p).slice(logStart);
  const formatLine = newLines.find((l) => /formatting as an (observer|initial voter)/.test(l)) ?? "";
  return {
    pod: p.pod.podName,
    promoted: progress.votingAt !== null,
    readiness: {
      beforeVote: readyBeforeVote,
      afterVote: readyAfterVote ? { ok: readyAfterVote.ok, seconds: readyAfterVote.seconds, says: lastWords(readyAfterVote) } : null,
    },
    formatLine: formatLine.replace(/^geo-kafka: /, ""),
    lostDetail: `${topicKept ? "" : `topic ${topic} missing; `}${hwKept ? "" : `high watermark ${before.ok ? before.result.highWatermark : "?"} -> ${after.ok ? after.result.highWatermark : "?"}`}`,
    figure: {
      formattedAs: /as an observer/.test(formatLine) ? "observer" : /as an initial voter/.test(formatLine) ? "voter" : null,
      observerFirst: progress.observerFirst,
      votersAfter: after.ok ? after.result.voters.length : null,
      metadataLost: !(topicKept && hwKept),
      promotedSeconds,
    },
  };
}
