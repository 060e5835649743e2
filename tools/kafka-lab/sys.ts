// Process and kernel plumbing for the Kafka lab: bounded commands, tracked children, sysctls, and a run-state file
// that lets the next run repair whatever a killed run left behind (namespaces, sysctls, host directories).
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { stateFile } from "../run-state";

export interface ShResult {
  ok: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
}

export function sh(cmd: string, args: readonly string[], timeoutMs = 30_000, input?: string): ShResult {
  const r = spawnSync(cmd, args, {
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
    ...(input !== undefined ? { input } : {}),
  });
  return { ok: r.status === 0, code: r.status, stdout: r.stdout ?? "", stderr: (r.stderr ?? "") + (r.error ? String(r.error) : "") };
}

export function must(cmd: string, args: readonly string[], timeoutMs = 30_000): string {
  const r = sh(cmd, args, timeoutMs);
  if (!r.ok) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr.trim() || `exit ${r.code}`}`);
  return r.stdout;
}

export function hasCommand(name: string): boolean {
  return sh("sh", ["-c", `command -v ${name}`]).ok;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export const children = new Set<ChildProcess>();

/** A child with a hard deadline; stdout/stderr collected (and optionally copied to a log file). */
export function spawnBounded(
  cmd: string,
  args: readonly string[],
  timeoutMs: number,
  options: { logFile?: string; onStderrLine?: (line: string) => void; env?: NodeJS.ProcessEnv } = {},
): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...(options.env ? { env: options.env } : {}) });
  children.add(child);
  const log = options.logFile ? fs.createWriteStream(options.logFile, { flags: "a" }) : undefined;
  let stdout = "";
  let stderr = "";
  let partial = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
    log?.write(d);
  });
  child.stderr?.on("data", (d: Buffer) => {
    const text = d.toString();
    if (stderr.length < 4_000_000) stderr += text;
    log?.write(d);
    if (options.onStderrLine) {
      partial += text;
      const lines = partial.split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) options.onStderrLine(line);
    }
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const done = new Promise<Finished>((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      log?.end();
      resolve({ code, signal, stdout, stderr });
    });
    child.on("error", (err) => {
      stderr += String(err);
    });
  });
  return { child, done };
}

export const procPath = (key: string) => path.join("/proc/sys", ...key.split("."));

export function readSysctl(key: string): string {
  return fs.readFileSync(procPath(key), "utf8").trim().split(/\s+/).join(" ");
}

export function writeSysctl(key: string, value: string): void {
  fs.writeFileSync(procPath(key), `${value}\n`);
}

export function writeNsSysctl(ns: string, key: string, value: string): void {
  must("ip", ["netns", "exec", ns, "sh", "-c", 'printf "%s\\n" "$1" > "$2"', "sh", value, procPath(key)]);
}

/** What a run changed on the host, written before each change so a later run can undo it. */
export interface RunState {
  pid: number;
  runDir: string;
  namespaces: string[];
  /** sysctl key -> value before the run. */
  sysctls: Record<string, string>;
  /** Host directories the run created as mount points (removed if still empty). */
  createdDirs: string[];
  /** /etc/netns/<ns> directories holding the namespaces' hosts files. */
  netnsEtc: string[];
}

export const STATE_FILE = "/run/geo-kafka-lab-kafka.json";

export { pidAlive } from "../run-state";

const runState = stateFile<RunState>(STATE_FILE);
export const saveState = runState.save;
export const loadState = runState.load;

/** Kills every process inside the namespace, then deletes it. */
export function deleteNamespace(ns: string): void {
  if (!fs.existsSync(path.join("/run/netns", ns))) return;
  for (let i = 0; i < 3; i++) {
    const pids = sh("ip", ["netns", "pids", ns]).stdout.split(/\s+/).filter(Boolean);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        /* gone */
      }
    }
    spawnSync("sleep", ["0.2"]);
  }
  sh("ip", ["netns", "del", ns]);
}

/** Undoes everything a run's state records; returns what could not be undone. */
export function undoState(state: RunState): string[] {
  const failures: string[] = [];
  for (const ns of state.namespaces) {
    try {
      deleteNamespace(ns);
    } catch (err) {
      failures.push(`namespace ${ns}: ${(err as Error).message}`);
    }
  }
  for (const [key, value] of Object.entries(state.sysctls)) {
    try {
      if (readSysctl(key) !== value) writeSysctl(key, value);
    } catch (err) {
      failures.push(`${key}: ${(err as Error).message}`);
    }
  }
  for (const dir of state.netnsEtc) fs.rmSync(dir, { recursive: true, force: true });
  for (const dir of [...state.createdDirs].reverse()) {
    try {
      fs.rmdirSync(dir);
    } catch {
      /* not empty or gone: leave it */
    }
  }
  return failures;
}
