// `npm run bench:wan`: TCP throughput over an emulated WAN link with the stack's worst RTT, for Kafka's default
// socket buffers, the computed buffers under the host's rmem_max, and the computed buffers with the stacks' sysctls.
// Needs root. Builds two network namespaces joined by tools/wan/delay-line.c over TUN devices (this kernel has no
// netem), runs iperf3 between them, and restores every sysctl it changed, also on error and Ctrl-C.
// Traffic stays inside the two namespaces it creates; see docs/wan-bench.md.
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { NodeSysctls } from "../lib/socket-buffers";
import {
  BenchCase,
  CaseResult,
  CaseRun,
  HostSysctls,
  SYSCTL_KEYS,
  WanBenchOptions,
  formatBytes,
  formatPlan,
  formatResults,
  normaliseSysctlValue,
  parseIperf3Json,
  parseWanBenchArgs,
  planWanBench,
  targetChecks,
} from "../lib/wan-bench";
import { readStackSpec } from "./run-stack";
import {
  buildDelayLine,
  cpuSeconds,
  ensureTools,
  log,
  must,
  pidAlive,
  procPath,
  readNsSysctl,
  readRootSysctls,
  restoreRootSysctls,
  sh,
  sleep,
  sleepSync,
  writeNsSysctl,
  writeRootSysctl,
} from "./wan/host";

const NS_A = "geo-kafka-wan-a";
const NS_B = "geo-kafka-wan-b";
const TUN_DEV = "gkwan0";
// Private addresses that exist only inside the two namespaces this tool creates; nothing else is ever addressed.
const ADDR_A = "10.255.213.1";
const ADDR_B = "10.255.213.2";
const IPERF_PORT = 5201;
/** Marks a run in progress and remembers the sysctls to restore if it is killed before it can clean up (tmpfs). */
const STATE_FILE = "/run/geo-kafka-bench-wan.json";
const CEILING_BUFFER_BYTES = 32 * 1_048_576;
/**
 * Niceness of the delay line and both iperf3 ends: the emulated network and its two hosts should not lose their CPU
 * to whatever else runs on this 2-core machine (with the buffer at exactly one BDP, any added delay costs throughput).
 */
const NICE = "-10";
/** The ceiling run's RTT: short, so that a 32 MiB window (about 130 Gbit/s at 2 ms) cannot be what limits it. */
const CEILING_ONE_WAY_DELAY_US = 1000;

interface RunState {
  pid: number;
  /** Where the delay line is built. */
  tmpDir: string;
  /** Root-namespace values before the run; restored on exit. */
  sysctls: HostSysctls;
}

const children = new Set<ChildProcess>();
let tmpDir: string | undefined;
let savedSysctls: HostSysctls | undefined;
let ownsStateFile = false;
let cleanedUp = false;
/** Set by a signal: the run stops at its next step and the handler cleans up. */
let stopping = false;
/** Every delay line started, to check at the end that none is left. */
const delayLinePids: number[] = [];

/**
 * Applies one case's sysctls: rmem_max/wmem_max are global (only the initial namespace may write them), the
 * tcp_rmem/tcp_wmem triples are per namespace on current kernels and are set inside both benchmark namespaces.
 */
function applySysctls(values: NodeSysctls): void {
  if (stopping) throw new Error("stopping");
  writeRootSysctl("net.core.rmem_max", values["net.core.rmem_max"]);
  writeRootSysctl("net.core.wmem_max", values["net.core.wmem_max"]);
  for (const ns of [NS_A, NS_B]) {
    writeNsSysctl(ns, "net.ipv4.tcp_rmem", values["net.ipv4.tcp_rmem"]);
    writeNsSysctl(ns, "net.ipv4.tcp_wmem", values["net.ipv4.tcp_wmem"]);
  }
}

// ---- run state and cleanup -----------------------------------------------------------------------------------

function deleteNamespaces(): void {
  for (const ns of [NS_A, NS_B]) {
    if (!fs.existsSync(path.join("/run/netns", ns))) continue;
    // Anything still running inside (an iperf3 left by a killed run) goes first, by its own pid.
    for (const pid of sh("ip", ["netns", "pids", ns]).stdout.split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        /* already gone */
      }
    }
    sh("ip", ["netns", "del", ns]);
  }
}

/** Refuses to run beside another run; repairs what a killed earlier run left (sysctls, namespaces). */
function acquireRunState(): void {
  if (fs.existsSync(STATE_FILE)) {
    const previous = JSON.parse(fs.readFileSync(STATE_FILE, "utf8")) as RunState;
    if (previous.pid !== process.pid && pidAlive(previous.pid)) {
      throw new Error(`another bench:wan run (pid ${previous.pid}) is in progress; ${STATE_FILE} marks it`);
    }
    log(`an earlier run (pid ${previous.pid}) did not finish: restoring its saved sysctls and removing its namespaces`);
    const failures = restoreRootSysctls(previous.sysctls);
    if (failures.length > 0) throw new Error(`could not restore sysctls of the earlier run: ${failures.join("; ")}`);
    deleteNamespaces();
    if (previous.tmpDir.startsWith(path.join(os.tmpdir(), "geo-kafka-wan-"))) fs.rmSync(previous.tmpDir, { recursive: true, force: true });
    fs.unlinkSync(STATE_FILE);
  } else {
    deleteNamespaces();
  }
  savedSysctls = readRootSysctls();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "geo-kafka-wan-"));
  try {
    fs.writeFileSync(STATE_FILE, JSON.stringify({ pid: process.pid, tmpDir: dir, sysctls: savedSysctls } satisfies RunState), {
      flag: "wx",
    });
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  tmpDir = dir;
  ownsStateFile = true;
}

/** Synchronous so that it also runs from signal handlers and process exit. Idempotent. */
function cleanup(): void {
  if (cleanedUp) return;
  cleanedUp = true;
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  }
  for (let i = 0; i < 20 && [...children].some((c) => c.pid !== undefined && pidAlive(c.pid)); i++) sleepSync(50);
  for (const child of children) if (child.pid !== undefined && pidAlive(child.pid)) child.kill("SIGKILL");
  // Only a run that holds the state file touches sysctls and namespaces: another run may own them.
  if (!ownsStateFile) return;
  if (savedSysctls) {
    const failures = restoreRootSysctls(savedSysctls);
    for (const f of failures) process.stderr.write(`could not restore ${f}\n`);
  }
  deleteNamespaces();
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  fs.rmSync(STATE_FILE, { force: true });
}

/**
 * Ctrl-C and kill: sysctls first (synchronous, microseconds), then the rest without blocking the event loop, because
 * tsx's parent process SIGKILLs a child that does not acknowledge a relayed signal within tens of milliseconds.
 */
function onSignal(signal: NodeJS.Signals, code: number): void {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`\n${signal}: stopping, restoring sysctls and removing the namespaces\n`);
  if (ownsStateFile && savedSysctls) restoreRootSysctls(savedSysctls);
  for (const child of children) child.kill("SIGTERM");
  void (async () => {
    for (let i = 0; i < 20 && children.size > 0; i++) await sleep(50);
    cleanup();
    process.exit(code);
  })();
}

// ---- child processes -----------------------------------------------------------------------------------------

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function track(child: ChildProcess): Promise<Finished> {
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    child.on("error", (err) => {
      stderr += String(err);
    });
    child.on("close", (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Starts a command that is killed if it outlives `timeoutMs`. */
function spawnBounded(cmd: string, args: readonly string[], timeoutMs: number): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const done = track(child).finally(() => clearTimeout(timer));
  return { child, done };
}

// ---- the emulated link ---------------------------------------------------------------------------------------

interface LinkProcess {
  child: ChildProcess;
  done: Promise<Finished>;
}

async function startLink(
  binary: string,
  rateMbit: number,
  oneWayDelayUs: number,
  queueBytes: number,
  offload: boolean,
  maxSeconds: number,
): Promise<LinkProcess> {
  const args = [
    "--ns-a",
    NS_A,
    "--ns-b",
    NS_B,
    "--dev",
    TUN_DEV,
    "--one-way-us",
    String(oneWayDelayUs),
    "--rate-mbit",
    String(rateMbit),
    "--queue-bytes",
    String(queueBytes),
    "--max-seconds",
    String(maxSeconds),
    ...(offload ? ["--offload"] : []),
  ];
  const child = spawn("nice", ["-n", NICE, binary, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const done = track(child);
  if (child.pid !== undefined) delayLinePids.push(child.pid);
  const ready = await Promise.race([
    new Promise<boolean>((resolve) => child.stdout?.on("data", (d: Buffer) => d.toString().includes("ready") && resolve(true))),
    done.then(() => false),
    sleep(5000).then(() => false),
  ]);
  if (!ready) {
    child.kill("SIGKILL");
    const f = await done;
    throw new Error(`the delay line did not start: ${f.stderr.trim() || "no output within 5 s"}`);
  }
  for (const [ns, local, peer] of [
    [NS_A, ADDR_A, ADDR_B],
    [NS_B, ADDR_B, ADDR_A],
  ]) {
    must("ip", ["-n", ns, "addr", "add", local, "peer", peer, "dev", TUN_DEV]);
    // A long TX queue: packets the delay line has not read yet must wait, not vanish, inside the emulator.
    must("ip", ["-n", ns, "link", "set", "dev", TUN_DEV, "mtu", "1500", "txqueuelen", "10000", "up"]);
  }
  return { child, done };
}

async function stopLink(link: LinkProcess): Promise<string> {
  link.child.kill("SIGTERM");
  const timer = setTimeout(() => link.child.kill("SIGKILL"), 3000);
  const f = await link.done;
  clearTimeout(timer);
  return f.stderr.trim();
}

async function waitForListener(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (sh("ip", ["netns", "exec", NS_B, "ss", "-Hltn", `sport = :${IPERF_PORT}`]).stdout.trim() !== "") return;
    await sleep(50);
  }
  throw new Error("iperf3 server did not start listening within 5 s");
}

async function measure(link: LinkProcess, bufferBytes: number, options: WanBenchOptions): Promise<CaseRun> {
  const boundMs = (options.seconds + options.omitSeconds + 20) * 1000;
  const server = spawnBounded(
    "ip",
    ["netns", "exec", NS_B, "nice", "-n", NICE, "iperf3", "-s", "-1", "-B", ADDR_B, "-p", String(IPERF_PORT)],
    boundMs + 10_000,
  );
  await waitForListener();
  const pid = link.child.pid!;
  const cpuBefore = cpuSeconds(pid);
  const started = process.hrtime.bigint();
  const client = await spawnBounded(
    "ip",
    [
      "netns",
      "exec",
      NS_A,
      "nice",
      "-n",
      NICE,
      "iperf3",
      "-c",
      ADDR_B,
      "-B",
      ADDR_A,
      "-p",
      String(IPERF_PORT),
      "-t",
      String(options.seconds),
      "-O",
      String(options.omitSeconds),
      "-w",
      String(bufferBytes),
      "-J",
      "--connect-timeout",
      "3000",
      ...(options.congestion !== undefined ? ["-C", options.congestion] : []),
    ],
    boundMs,
  ).done;
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const delayLineCpuFraction = (cpuSeconds(pid) - cpuBefore) / wallSeconds;
  // A one-off server exits after its client; one that does not (the client never connected) is ended here.
  if ((await Promise.race([server.done, sleep(5000).then(() => undefined)])) === undefined) {
    server.child.kill("SIGKILL");
    await server.done;
  }
  if (client.stdout.trim() === "") throw new Error(`iperf3 client printed nothing: ${client.stderr.trim()}`);
  return { iperf3: parseIperf3Json(client.stdout), delayLineCpuFraction };
}

// ---- setup checks --------------------------------------------------------------------------------------------

/** netem is the usual tool; say why it is not used here (or that it would have been available). */
function netemStatus(): string {
  const r = sh("ip", ["netns", "exec", NS_A, "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"]);
  if (r.ok) {
    sh("ip", ["netns", "exec", NS_A, "tc", "qdisc", "del", "dev", "lo", "root"]);
    return "netem: available on this kernel, but not used (the user-space delay line behaves the same everywhere)";
  }
  return `netem: unavailable (\`tc qdisc add ... netem\` says: ${r.stderr.trim().split("\n").pop()}); using the user-space delay line`;
}

// ---- main ----------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const parsed = parseWanBenchArgs(process.argv.slice(2));
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n`);
    return 2;
  }
  const options = parsed.options;
  if (process.getuid?.() !== 0) {
    process.stderr.write("bench:wan needs root: it creates network namespaces and TUN devices and sets net.core.rmem_max/wmem_max\n");
    return 1;
  }
  const links = readStackSpec(options.stack).links;
  ensureTools();

  process.on("SIGINT", () => onSignal("SIGINT", 130));
  process.on("SIGTERM", () => onSignal("SIGTERM", 143));
  process.on("SIGHUP", () => onSignal("SIGHUP", 129));
  process.on("exit", cleanup);

  acquireRunState();
  const before = savedSysctls!;
  const plan = planWanBench(options.stack, links, options.rateMbit, before);
  for (const line of formatPlan(plan, before)) log(line);

  const binary = buildDelayLine(tmpDir!);
  for (const ns of [NS_A, NS_B]) {
    must("ip", ["netns", "add", ns]);
    must("ip", ["-n", ns, "link", "set", "lo", "up"]);
  }
  log(netemStatus());

  const perCaseSeconds = options.seconds + options.omitSeconds + 5;
  const maxSeconds = options.runs * 3 * perCaseSeconds + (options.ceiling ? perCaseSeconds : 0) + 120;
  const link = await startLink(binary, options.rateMbit, plan.link.oneWayDelayUs, plan.link.queueBytes, options.offload, maxSeconds);
  const cc = options.congestion ?? readNsSysctl(NS_A, "net.ipv4.tcp_congestion_control");
  log(
    `delay line: ${NS_A} ${ADDR_A} <-> ${NS_B} ${ADDR_B} over TUN ${TUN_DEV}, ${options.offload ? "TSO offload (segments up to 64 KiB)" : "MTU-sized packets"}; ` +
      `congestion control ${cc}; iperf3 ${options.seconds} s per case after ${options.omitSeconds} s omitted, ${options.runs} run(s)`,
  );

  const loadAtStart = os.loadavg()[0];
  const results: CaseResult[] = plan.cases.map((benchCase) => ({ benchCase, runs: [] }));
  const hostCase: NodeSysctls = { ...before };
  for (let run = 1; run <= options.runs; run++) {
    for (const result of results) {
      if (stopping) throw new Error("stopping");
      const c: BenchCase = result.benchCase;
      applySysctls(c.sysctls ?? hostCase);
      if (c.sysctls !== null && run === 1) {
        const seen = readNsSysctl(NS_A, "net.core.rmem_max");
        const rootRmem = normaliseSysctlValue(fs.readFileSync(procPath("net.ipv4.tcp_rmem"), "utf8"));
        log(
          `(c) sysctls set: net.core.rmem_max is global (inside the namespace it reads ${seen}); ` +
            `tcp_rmem ${rootRmem === before["net.ipv4.tcp_rmem"] ? "is per namespace (the host's is unchanged)" : "changed on the host too: restored at the end"}`,
        );
      }
      process.stdout.write(`run ${run}/${options.runs} case (${c.id}) -w ${c.iperfWindowBytes} ... `);
      try {
        const measured = await measure(link, c.iperfWindowBytes, options);
        result.runs.push(measured);
        log(`${(measured.iperf3.receivedBitsPerSecond / 1e6).toFixed(1)} Mbit/s`);
      } finally {
        if (c.sysctls !== null) applySysctls(hostCase);
      }
    }
  }

  const tunDrops = [NS_A, NS_B].map((ns) =>
    Number(sh("ip", ["netns", "exec", ns, "cat", `/sys/class/net/${TUN_DEV}/statistics/tx_dropped`]).stdout.trim()),
  );
  const stats = await stopLink(link);

  log("");
  for (const line of formatResults(plan, results)) log(line);
  log(`delay line counters: ${stats.split("\n").pop() ?? "(none)"}`);
  log(`TUN queue drops (outside the modelled queue): ${NS_A} ${tunDrops[0]}, ${NS_B} ${tunDrops[1]}`);
  log(
    `1-minute load average ${loadAtStart.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end, on ${os.cpus().length} CPUs ` +
      "(other work on the machine takes CPU from the delay line and iperf3, and lowers (b) and (c))",
  );

  if (options.ceiling) {
    const ceilingSysctls: NodeSysctls = {
      "net.core.rmem_max": String(2 * CEILING_BUFFER_BYTES),
      "net.core.wmem_max": String(2 * CEILING_BUFFER_BYTES),
      "net.ipv4.tcp_rmem": `4096 131072 ${4 * CEILING_BUFFER_BYTES}`,
      "net.ipv4.tcp_wmem": `4096 16384 ${4 * CEILING_BUFFER_BYTES}`,
    };
    const unlimited = await startLink(binary, 0, CEILING_ONE_WAY_DELAY_US, plan.link.queueBytes, options.offload, perCaseSeconds + 60);
    applySysctls(ceilingSysctls);
    try {
      const m = await measure(unlimited, CEILING_BUFFER_BYTES, options);
      log(
        `ceiling: with no rate limit and -w ${formatBytes(CEILING_BUFFER_BYTES)} the delay line forwarded ` +
          `${(m.iperf3.receivedBitsPerSecond / 1e6).toFixed(0)} Mbit/s at ${(2 * CEILING_ONE_WAY_DELAY_US) / 1000} ms RTT, ` +
          `using ${(m.delayLineCpuFraction * 100).toFixed(0)}% of a core (${options.offload ? "TSO offload" : "MTU-sized packets"}); ` +
          `the rate limit in use is ${options.rateMbit} Mbit/s`,
      );
    } finally {
      applySysctls(hostCase);
      await stopLink(unlimited);
    }
  }

  log("");
  const checks = targetChecks(plan, results);
  for (const check of checks) log(`${check.ok ? "target met" : "TARGET MISSED"}: ${check.line}`);

  cleanup();
  const after = readRootSysctls();
  log("");
  log("sysctls before -> after:");
  let restored = true;
  for (const key of SYSCTL_KEYS) {
    const same = after[key] === before[key];
    restored &&= same;
    log(`  ${key}: ${before[key]} -> ${after[key]}${same ? "" : "   NOT RESTORED"}`);
  }
  const leftNs = sh("ip", ["netns", "list"])
    .stdout.split("\n")
    .filter((l) => l.startsWith("geo-kafka-wan"));
  const leftTun = sh("ip", ["-o", "link", "show"]).stdout.includes(TUN_DEV);
  const leftProcs = delayLinePids.filter(pidAlive).join(", ");
  log(
    `namespaces left: ${leftNs.length === 0 ? "none" : leftNs.join(", ")}; TUN devices left: ${leftTun ? TUN_DEV : "none"}; ` +
      `delay-line processes left: ${leftProcs === "" ? "none" : leftProcs}`,
  );
  return restored && leftNs.length === 0 && !leftTun && leftProcs === "" ? 0 : 1;
}

main().then(
  (code) => {
    cleanup();
    process.exit(code);
  },
  (err: unknown) => {
    if (stopping) return; // the signal handler finishes the clean-up and exits
    process.stderr.write(`bench:wan: ${err instanceof Error ? err.message : String(err)}\n`);
    cleanup();
    process.exit(1);
  },
);
