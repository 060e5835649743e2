// The capacity phase: replication over one emulated link at several RTTs, with Kafka's default buffers and the
// stack's, each with two replica.fetch.max.bytes values, measured and set beside what estimateCapacity predicts for
// the same inputs (lib/kafka-lab/capacity-check.ts describes the setup and the model's inputs).
import {
  BATCH_BYTES,
  CAPACITY_LINK_MBIT,
  CAPACITY_RTTS_MS,
  CEILING_RTT_MS,
  CEILING_STEPS_BYTES_PER_SECOND,
  CapacityConfig,
  CapacityRow,
  LabCapacityFacts,
  PARTITIONS_PER_DIRECTION,
  PRODUCE_OVER_PREDICTION,
  RECORD_BYTES,
  ReplicationSettings,
  capacityConfigs,
  capacityRow,
  capacityRowsWithin,
  directionAssignment,
  propertyEdits,
  replicationSettings,
} from "../../lib/kafka-lab/capacity-check";
import { serverProperties, withProperty, withoutProperties } from "../../lib/kafka-lab/pods";
import { parseProperties } from "../../lib/kafka/properties";
import { startClient } from "./client";
import { restartBrokersWith } from "./disruptions";
import { Check, Client, createTopic, LabContext, nodeIdOf, throughputPlan } from "./phase-context";
import { PodRuntime } from "./pods";
import { readSysctl } from "./sys";

/** Seconds each measurement produces for (the slope is fitted over its last 80%). */
const MEASURE_SECONDS = 10;

interface Direction {
  leader: PodRuntime;
  follower: PodRuntime;
  /** The region whose client produces (the leader's). */
  region: LabContext["net"]["regions"][number];
}

/** Both directions at once: a producer in each region to its own leader; the sum of the two followers' rates. */
async function measure(
  ctx: LabContext,
  directions: Direction[],
  tag: string,
  options: { produceBytesPerSecond?: number; seconds?: number } = {},
): Promise<{ bytesPerSecond: number | null; producedBytesPerSecond?: number; failure?: string }> {
  const seconds = options.seconds ?? MEASURE_SECONDS;
  const topics = directions.map((_, i) => `lab-capacity-${tag}-${i}`);
  const created = await Promise.all(
    directions.map((d, i) =>
      createTopic(ctx, topics[i], [
        "--assignment",
        directionAssignment(nodeIdOf(d.leader), nodeIdOf(d.follower)),
        "--topic-config",
        "min.insync.replicas=1",
        // Short attempts: createTopic tries three times, and a fresh link can lose the first.
        "--timeout-s",
        "20",
      ]),
    ),
  );
  const notCreated = created.findIndex((c) => !c.ok);
  if (notCreated >= 0)
    return {
      bytesPerSecond: null,
      failure: `create ${topics[notCreated]}: ${String((created[notCreated].result as { error?: unknown }).error)}`,
    };
  const runs = await Promise.all(
    directions.map(
      (d, i) =>
        startClient<{ followerBytesPerSecond?: number; producerBytesPerSecond?: number; error?: string }>(
          ctx.client,
          d.region,
          [
            "replication-rate",
            "--topic",
            topics[i],
            "--follower",
            String(nodeIdOf(d.follower)),
            "--duration-s",
            String(seconds),
            "--size",
            String(RECORD_BYTES),
            "--batch-bytes",
            String(BATCH_BYTES),
            ...(options.produceBytesPerSecond !== undefined ? ["--rate-bytes", String(Math.round(options.produceBytesPerSecond))] : []),
          ],
          (seconds + 60) * 1000,
        ).done,
    ),
  );
  // The data is scratch: deleting it keeps the lab's disk and page cache for the next measurement.
  void startClient(ctx.client, ctx.net.regions[0], ["delete-topics", "--topics", topics.join(",")], 60_000).done;
  const failed = runs.find((r) => !r.ok || typeof r.result.followerBytesPerSecond !== "number");
  if (failed) return { bytesPerSecond: null, failure: String(failed.result.error ?? "no followerBytesPerSecond") };
  return {
    bytesPerSecond: runs.reduce((sum, r) => sum + (r.result.followerBytesPerSecond ?? 0), 0),
    producedBytesPerSecond: runs.reduce((sum, r) => sum + (r.result.producerBytesPerSecond ?? 0), 0),
  };
}

export async function capacityPhase(ctx: LabContext, check: Check, client: Client, figures: Record<string, unknown>): Promise<void> {
  const { log } = ctx;
  const { worst, from, to, follower } = throughputPlan(ctx);
  const linkIndex = ctx.net.links.indexOf(worst);
  const a = ctx.pods.find((p) => p.pod.role === "broker" && p.pod.region === from.name)!;
  const b = follower;
  const brokers = [a, b];
  const directions: Direction[] = [
    { leader: a, follower: b, region: from },
    { leader: b, follower: a, region: to },
  ];
  const originals = new Map(brokers.map((p) => [p, serverProperties(p.pod)]));
  const rendered: ReplicationSettings = replicationSettings(parseProperties(originals.get(a)!));
  const coreMaxBytes = Math.min(Number(readSysctl("net.core.rmem_max")), Number(readSysctl("net.core.wmem_max")));
  const linkBytesPerSecond = (CAPACITY_LINK_MBIT * 1e6) / 8;
  log(
    `  brokers ${nodeIdOf(a)} (${from.name}) and ${nodeIdOf(b)} (${to.name}) over ${worst.dev}; ${PARTITIONS_PER_DIRECTION} partitions led by each; ` +
      `${RECORD_BYTES} B records in ${BATCH_BYTES} B batches; ${MEASURE_SECONDS} s per measurement`,
  );

  const rows: CapacityRow[] = [];
  let ceiling: number | null = null;
  let ceilingSteps: Array<{ produceBytesPerSecond: number; producedBytesPerSecond: number; replicatedBytesPerSecond: number | null }> = [];
  try {
    // The lab's own ceiling: the rendered brokers, the link without a rate limit and with almost no delay. Producers
    // as fast as they go would take the CPU the followers need (on 2 cores that halves what is replicated), so the
    // producers step up through CEILING_STEPS_BYTES_PER_SECOND until the followers fall behind; the ceiling is the
    // most they replicated. A first short run warms the JIT of the brokers and the client.
    await ctx.setLink(linkIndex, CEILING_RTT_MS, 0);
    await measure(ctx, directions, "warmup", { seconds: 5, produceBytesPerSecond: CEILING_STEPS_BYTES_PER_SECOND[0] / 2 });
    const steps: typeof ceilingSteps = [];
    let failure: string | undefined;
    for (const rate of CEILING_STEPS_BYTES_PER_SECOND) {
      const m = await measure(ctx, directions, `ceiling-${rate}`, { produceBytesPerSecond: rate / directions.length });
      steps.push({
        produceBytesPerSecond: rate,
        producedBytesPerSecond: Math.round(m.producedBytesPerSecond ?? 0),
        replicatedBytesPerSecond: m.bytesPerSecond === null ? null : Math.round(m.bytesPerSecond),
      });
      failure ??= m.failure;
      // Stop where the followers fall behind, or where the producers themselves cannot go faster.
      if (m.bytesPerSecond === null || m.bytesPerSecond < 0.9 * rate || (m.producedBytesPerSecond ?? 0) < 0.9 * rate) break;
    }
    ceilingSteps = steps;
    const replicated = steps.map((s) => s.replicatedBytesPerSecond ?? 0);
    ceiling = replicated.length > 0 && Math.max(...replicated) > 0 ? Math.max(...replicated) : null;
    log(
      `  lab ceiling (RTT ${CEILING_RTT_MS} ms, no link limit): ${steps.map((s) => `${(s.produceBytesPerSecond / 1e6).toFixed(0)} MB/s asked, ${(s.producedBytesPerSecond / 1e6).toFixed(2)} produced, ${s.replicatedBytesPerSecond === null ? "?" : (s.replicatedBytesPerSecond / 1e6).toFixed(2)} replicated`).join("; ")}`,
    );
    if (ceiling === null) throw new Error(`the lab's ceiling could not be measured: ${failure ?? "nothing replicated"}`);
    const lab: LabCapacityFacts = { linkBytesPerSecond, coreMaxBytes, ceilingBytesPerSecond: ceiling };

    let rttOrder = [...CAPACITY_RTTS_MS];
    for (const config of capacityConfigs(rendered)) {
      const edits = propertyEdits(config, rendered);
      const asRendered = Object.keys(edits.set).length === 0 && edits.remove.length === 0;
      if (!(asRendered && !brokers.some((p) => ctx.rewritten.has(p)))) {
        const up = await restartBrokersWith(
          ctx,
          client,
          brokers,
          (broker) => {
            let out = withoutProperties(originals.get(broker)!, edits.remove);
            for (const [k, v] of Object.entries(edits.set)) out = withProperty(out, k, v);
            return out;
          },
          asRendered,
        );
        if (!up) log(`  brokers not back after the restart for ${describe(config)}`);
      }
      for (const rttMs of rttOrder) {
        await ctx.setLink(linkIndex, rttMs, CAPACITY_LINK_MBIT);
        const predicted = capacityRow(config, rttMs, lab, null).predictedBytesPerSecond;
        const m = await measure(ctx, directions, `${config.setting}-${config.fetchMaxBytes}-${rttMs}`, {
          produceBytesPerSecond: (PRODUCE_OVER_PREDICTION * predicted) / directions.length,
        });
        const row = capacityRow(config, rttMs, lab, m.bytesPerSecond, m.failure);
        rows.push(row);
        log(
          `  ${describe(config)}, RTT ${rttMs} ms: predicted ${(row.predictedBytesPerSecond / 1e6).toFixed(2)} MB/s (${row.bottleneck}), ` +
            `measured ${row.measuredBytesPerSecond === null ? `nothing (${row.failure})` : `${(row.measuredBytesPerSecond / 1e6).toFixed(2)} MB/s`}` +
            (row.error === null ? "" : `, error ${(row.error * 100).toFixed(1)}%`),
        );
      }
      // Snake through the RTTs: the next configuration starts where this one ended.
      rttOrder = rttOrder.reverse();
    }
  } catch (err) {
    log(`  capacity phase stopped: ${(err as Error).message}`);
  } finally {
    // Back to the stack's link and the rendered files, for any phase that follows.
    await ctx.setLink(linkIndex, worst.rttMs, ctx.options.rateMbit);
    if (brokers.some((p) => ctx.rewritten.has(p))) await restartBrokersWith(ctx, client, brokers, (broker) => originals.get(broker)!, true);
  }
  figures.capacityCheck = rows;
  figures.capacityLab = {
    link: `${from.name} <-> ${to.name}`,
    linkMbit: CAPACITY_LINK_MBIT,
    produceOverPrediction: PRODUCE_OVER_PREDICTION,
    linkBytesPerSecond,
    coreMaxBytes,
    ceilingBytesPerSecond: ceiling === null ? null : Math.round(ceiling),
    ceilingSteps,
    partitionsPerDirection: PARTITIONS_PER_DIRECTION,
    recordBytes: RECORD_BYTES,
    batchBytes: BATCH_BYTES,
    measureSeconds: MEASURE_SECONDS,
  };
  const verdict = capacityRowsWithin(rows);
  check(
    "capacity: the model predicts measured replication within 20%",
    verdict.ok && rows.length === capacityConfigs(rendered).length * CAPACITY_RTTS_MS.length,
    `${rows.length} rows; ${verdict.misses.length === 0 ? "every |error| <= 20%" : `misses: ${verdict.misses.map((r) => `${r.setting}/${r.fetchMaxBytes} B/${r.rttMs} ms ${r.error === null ? r.failure : `${(r.error * 100).toFixed(0)}%`}`).join("; ")}`}` +
      (rows.length > 0 ? `; largest |error| ${(Math.max(...rows.map((r) => Math.abs(r.error ?? 0))) * 100).toFixed(1)}%` : ""),
  );
}

function describe(config: CapacityConfig): string {
  return `${config.setting} buffers, replica.fetch.max.bytes ${config.fetchMaxBytes}`;
}
