// What the Kafka lab's phases share: the run's context, topic creation, reading a pod's properties and data volume,
// and the small helpers the checks use.
import * as fs from "node:fs";
import * as path from "node:path";
import type { KafkaLabOptions } from "../../lib/kafka-lab/args";
import type { LabNetwork, LabRegion } from "../../lib/kafka-lab/network";
import { serverProperties } from "../../lib/kafka-lab/pods";
import { TopicPartition } from "../../lib/kafka-lab/report";
import type { StackSpec } from "../../lib/config/spec";
import { parseProperties } from "../../lib/kafka/properties";
import type { Plan } from "../../lib/plan";
import { ClientContext, ClientRun, runClient } from "./client";
import { PodRuntime } from "./pods";
import type { KafkaRuntime } from "./runtime";
import { RunState } from "./sys";

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
  /** Starts a named phase (timed for the report's phaseSeconds) and logs what it does. */
  phase: (name: string, what: string) => void;
  /** Restarts the delay line of net.links[index] with another RTT and rate (Mbit/s, 0: unlimited). */
  setLink: (index: number, rttMs: number, rateMbit: number) => Promise<void>;
  maxSeconds: number;
  started: number;
  /** Pods running properties other than the rendered ones (a phase's lab-only rewrite), until a restart restores them. */
  rewritten: Set<PodRuntime>;
  /** Topics the lab created, for ISR waits after restarts. */
  topics: string[];
  /** Topic creations under way or done, by topic: phases start theirs early, in parallel, and await them later. */
  creations?: Map<string, Promise<ClientRun<unknown>>>;
}

/**
 * Creates a topic once (from the first region's client), retrying a creation that timed out; later calls for the
 * same topic await the same creation. Only created topics join `ctx.topics` (the ISR waits' list).
 */
export function createTopic(ctx: LabContext, topic: string, args: string[] = []): Promise<ClientRun<unknown>> {
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

export const CUT_TOPIC_ARGS = ["--partitions", "12"];

/** The broker settings the stack sizes for the WAN; without them a broker runs Kafka's defaults. */
export const KAFKA_BUFFER_KEYS = [
  "socket.send.buffer.bytes",
  "socket.receive.buffer.bytes",
  "replica.socket.receive.buffer.bytes",
  "replica.fetch.max.bytes",
  "replica.fetch.response.max.bytes",
] as const;

/** The longest path, a broker at each end, and the throughput topics' assignment (leader near, follower far). */
export function throughputPlan(ctx: LabContext) {
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

export interface Broker {
  id: number;
  rack: string | null;
  fenced: boolean;
}
export interface Quorum {
  leaderId: number;
  leaderEpoch: number;
  highWatermark: number;
  voters: Array<{ id: number; directoryId: string; logEndOffset: number }>;
  observers: Array<{ id: number; directoryId: string; logEndOffset: number }>;
}
export interface TopicDescription {
  name: string;
  partitions: TopicPartition[];
  configs: Record<string, { value: string; source: string }>;
}

export function properties(p: PodRuntime): Record<string, string> {
  return parseProperties(serverProperties(p.pod));
}

/** Reads meta.properties of a pod's data volume (wherever the properties put log.dirs / metadata.log.dir). */
export function metaProperties(p: PodRuntime): Record<string, string> | undefined {
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

export function wipeClaims(p: PodRuntime): void {
  for (const dir of Object.values(p.claims))
    for (const entry of fs.readdirSync(dir)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
}

export function producerConfig(ctx: LabContext, region: LabRegion): string {
  return path.join(path.dirname(ctx.client.configFiles[region.name]), `producer-${region.name}.properties`);
}

export function failure(run: ClientRun<unknown>): string {
  return String((run.result as { error?: string }).error ?? `exit ${run.code}`);
}

export function nodeIdOf(p: PodRuntime): number {
  return Number(properties(p)["node.id"]);
}

/** The lines of a pod's container log so far (none when it has no log yet). */
export function logLines(p: PodRuntime): string[] {
  try {
    return fs.readFileSync(path.join(p.dir, "container.log"), "utf8").trim().split("\n");
  } catch {
    return [];
  }
}

export function tail(p: PodRuntime, lines = 3): string {
  const all = logLines(p);
  return all.length === 0 ? "no log" : all.slice(-lines).join(" | ");
}

export function cutAckedFiles(ctx: LabContext, topic: string): string[] {
  return ctx.net.regions.map((r) => path.join(ctx.client.logDir, `${topic}-${r.name}.acked`));
}

export type Check = (name: string, ok: boolean, detail: string) => void;
export type Client = <T>(region: LabRegion, args: string[], timeoutMs?: number) => Promise<ClientRun<T>>;
