// Host plumbing of `npm run bench:wan`: commands, kernel settings of the host and of network namespaces, processes,
// and the tools the bench needs. Root only; the pure parts of the bench are in lib/wan-bench.ts.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { NodeSysctls } from "../../lib/socket-buffers";
import { HostSysctls, SYSCTL_KEYS, normaliseSysctlValue } from "../../lib/wan-bench";
import { REPO_ROOT } from "../run-stack";

export const DELAY_LINE_SOURCE = path.join(REPO_ROOT, "tools", "wan", "delay-line.c");

export function log(line = ""): void {
  process.stdout.write(`${line}\n`);
}

export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function sh(cmd: string, args: readonly string[]): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 20_000 });
  return { ok: r.status === 0, stdout: r.stdout ?? "", stderr: (r.stderr ?? "") + (r.error ? String(r.error) : "") };
}

export function must(cmd: string, args: readonly string[]): string {
  const r = sh(cmd, args);
  if (!r.ok) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

export function hasCommand(name: string): boolean {
  return sh("sh", ["-c", `command -v ${name}`]).ok;
}

// ---- sysctls -------------------------------------------------------------------------------------------------

export const procPath = (key: string) => path.join("/proc/sys", ...key.split("."));

export function readRootSysctls(): HostSysctls {
  const out = {} as Record<keyof NodeSysctls, string>;
  for (const key of SYSCTL_KEYS) out[key] = normaliseSysctlValue(fs.readFileSync(procPath(key), "utf8"));
  return out;
}

export function writeRootSysctl(key: string, value: string): void {
  fs.writeFileSync(procPath(key), `${value}\n`);
}

export function readNsSysctl(ns: string, key: string): string {
  return normaliseSysctlValue(must("ip", ["netns", "exec", ns, "cat", procPath(key)]));
}

export function writeNsSysctl(ns: string, key: string, value: string): void {
  must("ip", ["netns", "exec", ns, "sh", "-c", 'printf "%s\\n" "$1" > "$2"', "sh", value, procPath(key)]);
}

export function restoreRootSysctls(values: HostSysctls): string[] {
  const failures: string[] = [];
  for (const key of SYSCTL_KEYS) {
    try {
      if (normaliseSysctlValue(fs.readFileSync(procPath(key), "utf8")) !== values[key]) writeRootSysctl(key, values[key]);
    } catch (err) {
      failures.push(`${key}: ${(err as Error).message}`);
    }
  }
  return failures;
}

export { pidAlive } from "../run-state";

export const CLK_TCK = Number(sh("getconf", ["CLK_TCK"]).stdout.trim()) || 100;

export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime
}

export function ensureTools(): void {
  const missing = ["ip", "ss", "gcc"].filter((c) => !hasCommand(c));
  if (missing.length > 0) throw new Error(`missing ${missing.join(", ")}: install the Debian packages iproute2 and gcc`);
  if (!fs.existsSync("/dev/net/tun")) throw new Error("/dev/net/tun is missing: the delay line needs TUN devices");
  if (!hasCommand("iperf3")) {
    log("iperf3 is missing: installing the Debian package iperf3 (apt-get install -y iperf3)");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    let r = spawnSync("apt-get", ["install", "-y", "-q", "iperf3"], { stdio: "inherit", env });
    if (r.status !== 0) {
      spawnSync("apt-get", ["update", "-q"], { stdio: "inherit", env });
      r = spawnSync("apt-get", ["install", "-y", "-q", "iperf3"], { stdio: "inherit", env });
    }
    if (r.status !== 0 || !hasCommand("iperf3")) throw new Error("iperf3 is required: apt-get install iperf3");
  }
}

export function buildDelayLine(dir: string): string {
  const binary = path.join(dir, "delay-line");
  const r = sh("gcc", ["-O2", "-Wall", "-Wextra", "-Werror", "-o", binary, DELAY_LINE_SOURCE]);
  if (!r.ok) throw new Error(`gcc could not build ${DELAY_LINE_SOURCE}:\n${r.stderr}`);
  return binary;
}
