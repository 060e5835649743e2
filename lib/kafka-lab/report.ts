// The Kafka lab's results as data: checks, figures, and the arithmetic that turns the lab client's raw outputs into
// figures (placement per region, follower-fetch share, produce rates around a region cut). Pure, so it is tested.
import Table from "cli-table3";

export interface LabCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface RegionCutFigure {
  region: string;
  /** Whether this region held the active controller when it was cut. */
  heldActiveController: boolean;
  ackedMessages: number;
  ackedLost: number;
  /** Acknowledged messages per second, summed over the producers of the surviving regions, during the cut. */
  produceDuringCutPerSecond: number;
  /** Seconds from the cut to the first second in which a surviving producer's write was acknowledged again. */
  secondsToFirstProduceAfterCut: number | null;
  /** Seconds from healing the cut until every partition's ISR was whole again. */
  secondsToFullIsrAfterHeal: number | null;
}

export interface KafkaLabReport {
  stack: string;
  kafkaVersion: string;
  wallSeconds: number;
  /** Wall seconds per phase, in the order they ran (lib/kafka-lab/phase-timer.ts). */
  phaseSeconds: Record<string, number>;
  rewrites: Array<{ what: string; why: string }>;
  checks: LabCheck[];
  figures: Record<string, unknown>;
}

export interface TopicPartition {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  replicaRacks?: string[];
}

/** Every partition has exactly one replica per region (as many replicas as regions, all racks distinct). */
export function placementFigure(
  partitions: readonly TopicPartition[],
  rackOf: (broker: number) => string | undefined,
  regions: readonly string[],
): { partitions: number; onePerRegion: boolean; offenders: string[]; leadersByRack: Record<string, number> } {
  const offenders: string[] = [];
  const leadersByRack: Record<string, number> = Object.fromEntries(regions.map((r) => [r, 0]));
  for (const p of partitions) {
    const racks = p.replicas.map((b) => rackOf(b) ?? "?");
    const ok = racks.length === regions.length && new Set(racks).size === regions.length && racks.every((r) => regions.includes(r));
    if (!ok) offenders.push(`${p.partition}:[${racks.join(",")}]`);
    const leaderRack = rackOf(p.leader);
    if (leaderRack !== undefined) leadersByRack[leaderRack] = (leadersByRack[leaderRack] ?? 0) + 1;
  }
  return { partitions: partitions.length, onePerRegion: partitions.length > 0 && offenders.length === 0, offenders, leadersByRack };
}

/** Partitions whose leader is outside `rack`: a consumer there fetches them from a follower only if follower fetching works. */
export function partitionsLedElsewhere(
  partitions: readonly TopicPartition[],
  rackOf: (broker: number) => string | undefined,
  rack: string,
): number[] {
  return partitions.filter((p) => rackOf(p.leader) !== rack).map((p) => p.partition);
}

/** A producer's acknowledgements per second since it started (LabClient produce: ackedPerSecond, startEpochMs). */
export interface ProducerTimeline {
  startEpochMs: number;
  ackedPerSecond: readonly number[];
}

/**
 * Figures of one region cut from the surviving producers' per-second acknowledgement counts, each aligned on the
 * wall clock by its own start (a producer's JVM takes seconds to start). Resolution: one second. The cut's first
 * second may still acknowledge requests answered before the cut, so "first after the cut" starts one second later.
 */
export function cutFigures(
  survivors: readonly ProducerTimeline[],
  cutEpochMs: number,
  healEpochMs: number,
): { produceDuringCutPerSecond: number; secondsToFirstProduceAfterCut: number | null } {
  const seconds = Math.floor((healEpochMs - cutEpochMs) / 1000);
  let total = 0;
  let first: number | null = null;
  for (let k = 0; k < seconds; k++) {
    const t = cutEpochMs + k * 1000;
    const acked = survivors.reduce((sum, p) => sum + (p.ackedPerSecond[Math.floor((t - p.startEpochMs) / 1000)] ?? 0), 0);
    total += acked;
    if (first === null && k >= 1 && acked > 0) first = k;
  }
  return {
    produceDuringCutPerSecond: seconds > 0 ? Math.round((total / seconds) * 10) / 10 : 0,
    secondsToFirstProduceAfterCut: first,
  };
}

export function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}

/** The end-of-run table: one row per check. */
export function renderChecks(checks: readonly LabCheck[]): string {
  const table = new Table({
    head: ["check", "result", "detail"],
    colWidths: [30, 8, 100],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const c of checks) table.push([c.name, c.ok ? "ok" : "FAILED", c.detail]);
  const failed = checks.filter((c) => !c.ok).length;
  return `${table.toString()}\n${checks.length - failed} passed, ${failed} failed`;
}
