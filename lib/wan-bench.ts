// Pure parts of `npm run bench:wan`: its options, the emulated link and the buffers lib/socket-buffers gives
// it, the three cases, what each should reach, iperf3's JSON, and the report. tools/bench-wan.ts does the I/O.
import { parseArgs } from "node:util";
import { boundedNumber } from "./cli";
import {
  KAFKA_DEFAULT_REPLICA_SOCKET_RECEIVE_BUFFER_BYTES,
  NodeSysctls,
  SocketBufferPlan,
  grantedBufferBytes,
  planSocketBuffers,
} from "./socket-buffers";
import { RegionLink, worstPaths } from "./topology";
import { CLOUDS, Cloud } from "./types";

export interface WanBenchOptions {
  stack: Cloud;
  /** Measured seconds of each iperf3 run (after the omitted ones). */
  seconds: number;
  /** Rate of the emulated link at the IP layer, Mbit/s. */
  rateMbit: number;
  /** Seconds of slow start iperf3 leaves out of its figures (iperf3 -O). */
  omitSeconds: number;
  /** Rounds of the three cases; figures are the median per case. */
  runs: number;
  /** Let the kernel hand the delay line 64 KiB TSO segments instead of MTU-sized packets. */
  offload: boolean;
  /** Also measure what the delay line forwards with no rate limit (one more run, rmem_max briefly 64 MiB). */
  ceiling: boolean;
  /** TCP congestion control for iperf3 -C; undefined: the namespaces' default. */
  congestion?: string;
}

export const WAN_BENCH_DEFAULTS: Readonly<Omit<WanBenchOptions, "congestion">> = {
  stack: "gke",
  seconds: 10,
  rateMbit: 1000,
  omitSeconds: 2,
  runs: 1,
  offload: true,
  ceiling: false,
};

export const WAN_BENCH_USAGE =
  "usage: npm run bench:wan [-- --stack gke|eks] [--seconds N] [--rate-mbit M] [--runs R] [--omit S] [--no-offload] [--ceiling] [--congestion ALGO]";

export type ParsedWanBenchArgs = { ok: true; options: WanBenchOptions } | { ok: false; message: string };

/** Parses the command line; every problem is reported at once. */
export function parseWanBenchArgs(argv: readonly string[]): ParsedWanBenchArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        stack: { type: "string" },
        seconds: { type: "string" },
        "rate-mbit": { type: "string" },
        runs: { type: "string" },
        omit: { type: "string" },
        "no-offload": { type: "boolean" },
        ceiling: { type: "boolean" },
        congestion: { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    return { ok: false, message: `${(err as Error).message}\n${WAN_BENCH_USAGE}` };
  }
  const errors: string[] = [];
  const stackText = values.stack as string | undefined;
  const stack = stackText ?? WAN_BENCH_DEFAULTS.stack;
  if (!(CLOUDS as readonly string[]).includes(stack)) errors.push(`--stack must be one of ${CLOUDS.join(", ")}, got "${stack}"`);
  const d = WAN_BENCH_DEFAULTS;
  const seconds = boundedNumber("seconds", values.seconds as string | undefined, d.seconds, 1, 300, true, errors);
  // Past a few Gbit/s the delay line, not the socket buffers, sets the figure on a 2-core machine.
  const rateMbit = boundedNumber("rate-mbit", values["rate-mbit"] as string | undefined, d.rateMbit, 1, 10_000, false, errors);
  const runs = boundedNumber("runs", values.runs as string | undefined, d.runs, 1, 9, true, errors);
  const omitSeconds = boundedNumber("omit", values.omit as string | undefined, d.omitSeconds, 0, 30, true, errors);
  const congestion = values.congestion as string | undefined;
  if (congestion !== undefined && !/^[a-z0-9_]{1,15}$/.test(congestion))
    errors.push(`--congestion must be a kernel algorithm name, got "${congestion}"`);
  if (errors.length > 0) return { ok: false, message: `${errors.join("\n")}\n${WAN_BENCH_USAGE}` };
  return {
    ok: true,
    options: {
      stack: stack as Cloud,
      seconds,
      rateMbit,
      runs,
      omitSeconds,
      offload: values["no-offload"] !== true,
      ceiling: values.ceiling === true,
      ...(congestion !== undefined ? { congestion } : {}),
    },
  };
}

/** IPv4 (20) + TCP (20) + timestamp option (12) bytes in every full-sized segment. */
export const TCP_IPV4_HEADER_BYTES = 52;
export const BENCH_MTU_BYTES = 1500;

export interface EmulatedLink {
  rttMs: number;
  /** Each direction's propagation delay: half the RTT. */
  oneWayDelayUs: number;
  rateMbit: number;
  /** The same link in lib/topology's terms, so lib/socket-buffers sizes it exactly as it sizes the stack's links. */
  regionLink: RegionLink;
  bdpBytes: number;
  /** Drop-tail limit of the delay line's queue: twice the BDP, like a router buffered for one RTT and then some. */
  queueBytes: number;
  /** Best TCP payload rate over the link with full-sized segments: the rate less per-packet headers. */
  goodputCeilingMbit: number;
}

export function emulatedLink(rttMs: number, rateMbit: number): EmulatedLink {
  const regionLink: RegionLink = { a: "bench-a", b: "bench-b", rttMs, bandwidthBytesPerSecond: (rateMbit * 1e6) / 8 };
  const bdpBytes = Math.ceil((regionLink.bandwidthBytesPerSecond * rttMs) / 1000);
  return {
    rttMs,
    oneWayDelayUs: Math.round((rttMs * 1000) / 2),
    rateMbit,
    regionLink,
    bdpBytes,
    queueBytes: 2 * bdpBytes,
    goodputCeilingMbit: (rateMbit * (BENCH_MTU_BYTES - TCP_IPV4_HEADER_BYTES)) / BENCH_MTU_BYTES,
  };
}

/** The four sysctls the stacks set, as read on a host (the values are the kernel's text, tabs made spaces). */
export type HostSysctls = NodeSysctls;
export const SYSCTL_KEYS: readonly (keyof NodeSysctls)[] = [
  "net.core.rmem_max",
  "net.core.wmem_max",
  "net.ipv4.tcp_rmem",
  "net.ipv4.tcp_wmem",
];

/** Normalises `sysctl` text ("4096\t131072\t6291456\n") to the single-spaced form the plan uses. */
export function normaliseSysctlValue(text: string): string {
  return text.trim().split(/\s+/).join(" ");
}

export type CaseId = "a" | "b" | "c";

export interface BenchCase {
  id: CaseId;
  title: string;
  /** What Kafka would ask for with setsockopt(SO_SNDBUF/SO_RCVBUF). */
  requestedBufferBytes: number;
  /** Sysctls applied for this case; null: the host's own, as found. */
  sysctls: NodeSysctls | null;
  /** The buffer Linux grants before doubling it: the request capped by rmem_max/wmem_max. */
  grantedBufferBytes: number;
  /**
   * The value passed to iperf3 -w (SO_SNDBUF and SO_RCVBUF on both ends): the granted buffer. Java trims a request
   * silently, iperf3 refuses one the kernel trims ("socket buffer size not set correctly"); asking for the granted
   * size leaves the kernel in exactly the state Kafka's trimmed request would.
   */
  iperfWindowBytes: number;
  /** window / RTT with the granted buffer as the window, capped by the link: what "near window/RTT" means. */
  expectedMbit: number;
  /** Linux stores twice the granted buffer and advertises a share of that, so up to twice the above is possible. */
  expectedUpperMbit: number;
}

export interface WanBenchPlan {
  stack: Cloud;
  /** The stack's longest path: its RTT is the emulated link's. */
  worstPath: { a: string; b: string; rttMs: number };
  /** What the stack sets on its nodes, for its real links. */
  stackBuffers: SocketBufferPlan;
  link: EmulatedLink;
  /** The same sizing for the emulated link: the buffer and sysctls of cases (b) and (c). */
  linkBuffers: SocketBufferPlan;
  cases: BenchCase[];
}

function windowLimitedMbit(windowBytes: number, rttMs: number, rateMbit: number): number {
  return Math.min((windowBytes * 8) / (rttMs * 1000), rateMbit);
}

/**
 * Plans the benchmark: the stack's worst RTT on a link of `rateMbit`, sized by lib/socket-buffers, and three
 * cases: (a) Kafka's replica fetch socket default, (b) the computed buffer under the host's rmem_max/wmem_max,
 * (c) the computed buffer with the sysctls the stacks would set for this link.
 */
export function planWanBench(stack: Cloud, stackLinks: readonly RegionLink[], rateMbit: number, host: HostSysctls): WanBenchPlan {
  const { byRtt } = worstPaths(stackLinks);
  const stackBuffers = planSocketBuffers(stackLinks);
  const link = emulatedLink(byRtt.rttMs, rateMbit);
  const linkBuffers = planSocketBuffers([link.regionLink]);
  const hostCoreMax = Math.min(Number(host["net.core.rmem_max"]), Number(host["net.core.wmem_max"]));
  const raisedCoreMax = Math.min(Number(linkBuffers.sysctls["net.core.rmem_max"]), Number(linkBuffers.sysctls["net.core.wmem_max"]));
  const make = (id: CaseId, title: string, requested: number, sysctls: NodeSysctls | null): BenchCase => {
    const granted = grantedBufferBytes(requested, sysctls === null ? hostCoreMax : raisedCoreMax);
    return {
      id,
      title,
      requestedBufferBytes: requested,
      sysctls,
      grantedBufferBytes: granted,
      iperfWindowBytes: granted,
      expectedMbit: windowLimitedMbit(granted, link.rttMs, rateMbit),
      expectedUpperMbit: windowLimitedMbit(2 * granted, link.rttMs, rateMbit),
    };
  };
  return {
    stack,
    worstPath: { a: byRtt.a, b: byRtt.b, rttMs: byRtt.rttMs },
    stackBuffers,
    link,
    linkBuffers,
    cases: [
      make("a", "Kafka default (replica.socket.receive.buffer.bytes)", KAFKA_DEFAULT_REPLICA_SOCKET_RECEIVE_BUFFER_BYTES, null),
      make("b", "computed buffer, host rmem_max/wmem_max", linkBuffers.socketBufferBytes, null),
      make("c", "computed buffer, the stacks' sysctls", linkBuffers.socketBufferBytes, linkBuffers.sysctls),
    ],
  };
}

/** What one iperf3 client run (`-J`) says about the flow. */
export interface Iperf3Summary {
  /** Payload the receiver got per second over the measured (not omitted) seconds. */
  receivedBitsPerSecond: number;
  sentBitsPerSecond: number;
  retransmits: number;
  /** getsockopt(SO_SNDBUF/SO_RCVBUF) on the client after -w: twice the granted buffer on Linux. */
  sndbufActualBytes?: number;
  rcvbufActualBytes?: number;
  minRttUs?: number;
  meanRttUs?: number;
  /** Largest window the receiver advertised. */
  maxSendWindowBytes?: number;
  congestion?: string;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function optionalNumber(record: Record<string, unknown> | undefined, key: string): number | undefined {
  const value = record?.[key];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** Reads iperf3's JSON; throws with iperf3's own message when the run failed. */
export function parseIperf3Json(text: string): Iperf3Summary {
  let root: Record<string, unknown> | undefined;
  try {
    root = asRecord(JSON.parse(text));
  } catch (err) {
    throw new Error(`iperf3 output is not JSON: ${(err as Error).message}`);
  }
  if (root === undefined) throw new Error("iperf3 output is not a JSON object");
  if (typeof root.error === "string") throw new Error(`iperf3: ${root.error}`);
  const start = asRecord(root.start);
  const end = asRecord(root.end);
  const received = optionalNumber(asRecord(end?.sum_received), "bits_per_second");
  const sent = optionalNumber(asRecord(end?.sum_sent), "bits_per_second");
  if (received === undefined || sent === undefined) throw new Error("iperf3 output has no end.sum_received/sum_sent bits_per_second");
  const streams = Array.isArray(end?.streams) ? end.streams : [];
  const sender = asRecord(asRecord(streams[0])?.sender);
  const congestion = end?.sender_tcp_congestion;
  const summary: Iperf3Summary = {
    receivedBitsPerSecond: received,
    sentBitsPerSecond: sent,
    retransmits: optionalNumber(asRecord(end?.sum_sent), "retransmits") ?? 0,
  };
  const optional: [keyof Iperf3Summary, number | undefined][] = [
    ["sndbufActualBytes", optionalNumber(start, "sndbuf_actual")],
    ["rcvbufActualBytes", optionalNumber(start, "rcvbuf_actual")],
    ["minRttUs", optionalNumber(sender, "min_rtt")],
    ["meanRttUs", optionalNumber(sender, "mean_rtt")],
    ["maxSendWindowBytes", optionalNumber(sender, "max_snd_wnd")],
  ];
  for (const [key, value] of optional) if (value !== undefined) (summary as unknown as Record<string, number>)[key] = value;
  if (typeof congestion === "string") summary.congestion = congestion;
  return summary;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface CaseRun {
  iperf3: Iperf3Summary;
  /** CPU the delay line used during the run, as a fraction of one core. */
  delayLineCpuFraction: number;
}

export interface CaseResult {
  benchCase: BenchCase;
  runs: CaseRun[];
}

export interface CaseFigures {
  id: CaseId;
  medianMbit: number;
  fractionOfLink: number;
  /** Measured over window/RTT; only meaningful while the window, not the link, limits. */
  ratioToExpected: number;
  allMbit: number[];
  retransmits: number;
  maxDelayLineCpuFraction: number;
}

export function caseFigures(result: CaseResult, rateMbit: number): CaseFigures {
  const allMbit = result.runs.map((r) => r.iperf3.receivedBitsPerSecond / 1e6);
  const medianMbit = median(allMbit);
  return {
    id: result.benchCase.id,
    medianMbit,
    fractionOfLink: medianMbit / rateMbit,
    ratioToExpected: medianMbit / result.benchCase.expectedMbit,
    allMbit,
    retransmits: result.runs.reduce((sum, r) => sum + r.iperf3.retransmits, 0),
    maxDelayLineCpuFraction: Math.max(...result.runs.map((r) => r.delayLineCpuFraction)),
  };
}

const MIB = 1_048_576;
const mbit = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
export const formatBytes = (bytes: number): string =>
  bytes >= MIB ? `${bytes.toLocaleString("en-US")} B (${(bytes / MIB).toFixed(2)} MiB)` : `${bytes.toLocaleString("en-US")} B`;

/** The header: what the stack sets, and the link and buffers the benchmark derives from it. */
export function formatPlan(plan: WanBenchPlan, host: HostSysctls): string[] {
  const s = plan.stackBuffers;
  const l = plan.link;
  const lb = plan.linkBuffers;
  return [
    `stack ${plan.stack}: worst path ${plan.worstPath.a} - ${plan.worstPath.b}, RTT ${plan.worstPath.rttMs} ms`,
    `  the stack sets socket buffers of ${formatBytes(s.socketBufferBytes)} (BDP of ${s.sizingLink.a} - ${s.sizingLink.b} at ` +
      `${((s.sizingLink.flowBytesPerSecond * 8) / 1e9).toFixed(2)} Gbit/s per flow) and ${Object.entries(s.sysctls)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")}`,
    `emulated link: RTT ${l.rttMs} ms (one way ${l.oneWayDelayUs / 1000} ms each direction), ${l.rateMbit} Mbit/s at the IP layer, ` +
      `drop-tail queue ${formatBytes(l.queueBytes)} (2 x BDP); TCP payload ceiling ${mbit(l.goodputCeilingMbit)} Mbit/s ` +
      `(${BENCH_MTU_BYTES}-byte MTU)`,
    `  BDP ${formatBytes(l.bdpBytes)}; lib/socket-buffers for this link: buffer ${formatBytes(lb.socketBufferBytes)}, ` +
      `${Object.entries(lb.sysctls)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")}`,
    `host sysctls as found: ${SYSCTL_KEYS.map((k) => `${k}=${host[k]}`).join(", ")}`,
  ];
}

/** One block per case, then one line per case with the figures side by side. */
export function formatResults(plan: WanBenchPlan, results: readonly CaseResult[]): string[] {
  const lines: string[] = [];
  const rate = plan.link.rateMbit;
  for (const result of results) {
    const c = result.benchCase;
    const f = caseFigures(result, rate);
    const last = result.runs[result.runs.length - 1]?.iperf3;
    lines.push(
      `(${c.id}) ${c.title}: asks ${c.requestedBufferBytes.toLocaleString("en-US")} B, iperf3 -w ${c.iperfWindowBytes.toLocaleString("en-US")}` +
        (c.sysctls === null ? " under the host's sysctls" : ` with ${SYSCTL_KEYS.map((k) => `${k}=${c.sysctls![k]}`).join(", ")}`),
      `    ${mbit(f.medianMbit)} Mbit/s = ${pct(f.fractionOfLink)} of the link` +
        (result.runs.length > 1 ? ` (median of ${f.allMbit.map(mbit).join(", ")})` : ""),
      `    granted ${c.grantedBufferBytes.toLocaleString("en-US")} B per direction` +
        (last?.rcvbufActualBytes !== undefined
          ? ` (getsockopt ${last.rcvbufActualBytes.toLocaleString("en-US")} B: Linux doubles it)`
          : "") +
        `; window/RTT = ${mbit(c.expectedMbit)} Mbit/s, doubled ${mbit(c.expectedUpperMbit)}; measured/expected ${f.ratioToExpected.toFixed(2)}`,
      `    ` +
        [
          last?.maxSendWindowBytes !== undefined
            ? `largest advertised window ${last.maxSendWindowBytes.toLocaleString("en-US")} B`
            : undefined,
          last?.minRttUs !== undefined && last.meanRttUs !== undefined
            ? `RTT min ${(last.minRttUs / 1000).toFixed(1)} / mean ${(last.meanRttUs / 1000).toFixed(1)} ms`
            : undefined,
          `retransmits ${f.retransmits}`,
          `delay line CPU ${pct(f.maxDelayLineCpuFraction)} of a core`,
          last?.congestion !== undefined ? `cc ${last.congestion}` : undefined,
        ]
          .filter((x) => x !== undefined)
          .join(", "),
    );
  }
  lines.push("", `summary (link ${rate} Mbit/s, RTT ${plan.link.rttMs} ms):`);
  for (const result of results) {
    const f = caseFigures(result, rate);
    lines.push(
      `  (${f.id}) ${mbit(f.medianMbit).padStart(6)} Mbit/s  ${pct(f.fractionOfLink).padStart(6)} of link   ${result.benchCase.title}`,
    );
  }
  return lines;
}

/** The verdict on the issue's targets: (c) at least 90% of the link, (a) near window/RTT (within 1x-2x). */
export function targetChecks(plan: WanBenchPlan, results: readonly CaseResult[]): { ok: boolean; line: string }[] {
  const byId = new Map(results.map((r) => [r.benchCase.id, caseFigures(r, plan.link.rateMbit)]));
  const checks: { ok: boolean; line: string }[] = [];
  const c = byId.get("c");
  if (c) checks.push({ ok: c.fractionOfLink >= 0.9, line: `(c) ${pct(c.fractionOfLink)} of the link rate (target >= 90%)` });
  const a = byId.get("a");
  const aCase = plan.cases.find((x) => x.id === "a");
  if (a && aCase) {
    checks.push({
      ok: a.medianMbit >= 0.8 * aCase.expectedMbit && a.medianMbit <= 1.1 * aCase.expectedUpperMbit,
      line: `(a) ${mbit(a.medianMbit)} Mbit/s against window/RTT ${mbit(aCase.expectedMbit)} Mbit/s (${a.ratioToExpected.toFixed(2)}x; Linux's doubled buffer allows up to 2x)`,
    });
  }
  return checks;
}
