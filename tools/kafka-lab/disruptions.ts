// The Kafka lab's disruption phases: two region cuts (acknowledged writes survive, the quorum holds, clients of the
// surviving regions carry on) and restarts (rolling, with a wiped controller volume refusing to reformat).
import * as fs from "node:fs";
import * as path from "node:path";
import type { LabRegion } from "../../lib/kafka-lab/network";
import { RegionCutFigure, cutFigures } from "../../lib/kafka-lab/report";
import { startClient } from "./client";
import { cutRegion, healRegion } from "./net";
import { editServerProperties } from "../../lib/kafka-lab/pods";
import { PodRuntime, execInPod, killPod, startPod } from "./pods";
import { sleep } from "./sys";
import {
  Check,
  Client,
  createTopic,
  CUT_TOPIC_ARGS,
  cutAckedFiles,
  failure,
  LabContext,
  metaProperties,
  nodeIdOf,
  producerConfig,
  Quorum,
  tail,
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
