// Runs a planned pod as the kubelet would, minus the container runtime: in its own network namespace, with every
// volume the pod spec mounts bind-mounted at its mountPath inside a private mount namespace (so the rendered
// scripts and properties run with their own paths, unchanged), the image's /opt/kafka provided by the lab's Kafka
// runtime, the container's environment, as the container's user. Every deviation is recorded as a rewrite.
import * as fs from "node:fs";
import * as path from "node:path";
import type { PlannedPod } from "../../lib/kafka-lab/pods";
import type { KafkaRuntime } from "./runtime";
import { Finished, RunState, saveState, sh, sleep, spawnBounded } from "./sys";

export const IMAGE_KAFKA_HOME = "/opt/kafka";
const PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface Rewrite {
  what: string;
  why: string;
}

export interface PodRuntime {
  pod: PlannedPod;
  ns: string;
  dir: string;
  /** Final environment of the container (after rewrites). */
  env: Record<string, string>;
  /** Variables the plan sets only once objects created after the pods exist (optional ConfigMap references). */
  laterEnv: Record<string, string>;
  /** Host directory that stands for the pod's PersistentVolumeClaim, per claim name. */
  claims: Record<string, string>;
  running?: { child: ReturnType<typeof spawnBounded>["child"]; done: Promise<Finished>; startedAt: number };
  starts: number;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function firstMissing(target: string): string | undefined {
  const parts = target.split("/").filter(Boolean);
  let cur = "";
  for (const p of parts) {
    cur = `${cur}/${p}`;
    if (!fs.existsSync(cur)) return cur;
  }
  return undefined;
}

/** Writes the pod's volumes to its directory; returns the (source, target) bind mounts in mount order. */
function prepareVolumes(
  rt: PodRuntime,
  uid: number,
  gid: number,
): Array<{ source: string; target: string; readOnly: boolean; file: boolean }> {
  const binds: Array<{ source: string; target: string; readOnly: boolean; file: boolean }> = [];
  for (const m of rt.pod.mounts) {
    let dir: string;
    switch (m.source.kind) {
      case "persistentVolumeClaim":
        dir = rt.claims[m.source.claim];
        break;
      case "emptyDir":
        dir = path.join(rt.dir, `empty-${m.volume}`);
        fs.mkdirSync(dir, { recursive: true });
        fs.chownSync(dir, uid, gid);
        fs.chmodSync(dir, 0o2775);
        break;
      case "configMap":
      case "secret": {
        dir = path.join(rt.dir, `${m.source.kind}-${m.volume}`);
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir, { recursive: true });
        const secret = m.source.kind === "secret";
        for (const [key, text] of Object.entries(m.source.files)) {
          const file = path.join(dir, key);
          fs.writeFileSync(file, text);
          // Secret volumes here use defaultMode 0440 with fsGroup; ConfigMaps 0644 (Kubernetes' default).
          fs.chownSync(file, 0, gid);
          fs.chmodSync(file, secret ? 0o440 : 0o644);
        }
        fs.chmodSync(dir, 0o755);
        break;
      }
    }
    if (m.subPath !== undefined)
      binds.push({
        source: path.join(dir, m.subPath),
        target: m.mountPath,
        readOnly: m.readOnly,
        file: !fs.statSync(path.join(dir, m.subPath)).isDirectory(),
      });
    else binds.push({ source: dir, target: m.mountPath, readOnly: m.readOnly, file: false });
  }
  return binds;
}

/** The shell run inside `ip netns exec`: mounts, then the container's command as its user with its environment. */
export function containerShell(
  rt: PodRuntime,
  runtime: KafkaRuntime,
  state: RunState,
  command: readonly string[],
  env: Record<string, string>,
): string {
  const uid = rt.pod.user?.uid ?? 0;
  const gid = rt.pod.user?.gid ?? 0;
  const depth = (p: string) => p.split("/").length;
  const all = [{ source: runtime.home, target: IMAGE_KAFKA_HOME, readOnly: true, file: false }, ...prepareVolumes(rt, uid, gid)].map(
    (b) => ({
      ...b,
      source: fs.realpathSync(b.source),
    }),
  );
  // Shallow targets first; a target that would hide a source (a pod's /tmp over a checkout under /tmp) goes last.
  const hides = (b: { target: string }) => all.some((o) => o.source.startsWith(`${b.target}/`));
  const binds = [...all].sort((a, b) => Number(hides(a)) - Number(hides(b)) || depth(a.target) - depth(b.target));
  // Mount points that do not exist on this host are created once (and removed at the end); inside the pod's mount
  // namespace a tmpfs covers each, so the pod's directory tree never touches the host's.
  const under = (target: string, dir: string) => target === dir || target.startsWith(`${dir}/`);
  for (const b of binds) {
    if (state.createdDirs.some((d) => under(b.target, d))) continue;
    const missing = firstMissing(b.target);
    if (missing !== undefined) {
      fs.mkdirSync(missing);
      state.createdDirs.push(missing);
      saveState(state);
    }
  }
  // A tmpfs on each created directory that holds mounts below it (not on one that is itself a mount target).
  const roots = state.createdDirs.filter((d) => binds.some((b) => b.target.startsWith(`${d}/`)) && !binds.some((b) => b.target === d));
  const lines = ["set -e"];
  for (const r of roots) lines.push(`mount -t tmpfs -o mode=755,size=16m tmpfs ${q(r)}`);
  for (const b of binds) {
    lines.push(b.file ? `mkdir -p ${q(path.dirname(b.target))}; [ -e ${q(b.target)} ] || : > ${q(b.target)}` : `mkdir -p ${q(b.target)}`);
    lines.push(`mount --bind ${q(b.source)} ${q(b.target)}`);
    if (b.readOnly) lines.push(`mount -o remount,bind,ro ${q(b.target)}`);
  }
  const envArgs = Object.entries({ PATH, HOME: "/tmp", ...env }).map(([k, v]) => q(`${k}=${v}`));
  const user = uid === 0 ? "" : `setpriv --reuid=${uid} --regid=${gid} --clear-groups `;
  lines.push(`cd /`);
  lines.push(`exec ${user}env -i ${envArgs.join(" ")} ${command.map(q).join(" ")}`);
  return lines.join("\n");
}

/** Starts the pod's container; its output goes to <dir>/container.log. */
export function startPod(rt: PodRuntime, runtime: KafkaRuntime, state: RunState, maxSeconds: number): void {
  const shell = containerShell(rt, runtime, state, rt.pod.command, rt.env);
  fs.writeFileSync(path.join(rt.dir, `start-${rt.starts}.sh`), `${shell}\n`);
  const p = spawnBounded(
    "timeout",
    ["-s", "KILL", String(maxSeconds), "ip", "netns", "exec", rt.ns, "sh", "-c", shell],
    (maxSeconds + 10) * 1000,
    {
      logFile: path.join(rt.dir, "container.log"),
    },
  );
  rt.starts++;
  rt.running = { child: p.child, done: p.done, startedAt: Date.now() };
}

/** The pid of the pod's main process (the JVM once the start script has exec'd it), found by its namespace. */
export function podPids(rt: PodRuntime): number[] {
  return sh("ip", ["netns", "pids", rt.ns]).stdout.split(/\s+/).filter(Boolean).map(Number);
}

/** kill -9 of everything in the pod, as a node crash would; waits until the pod's processes are gone. */
export async function killPod(rt: PodRuntime, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  for (const pid of podPids(rt)) {
    try {
      process.kill(pid, signal);
    } catch {
      /* gone */
    }
  }
  if (rt.running) {
    const deadline = sleep(signal === "SIGKILL" ? 10_000 : 60_000).then(() => undefined);
    await Promise.race([rt.running.done, deadline]);
    if (podPids(rt).length > 0) for (const pid of podPids(rt)) process.kill(pid, "SIGKILL");
    await rt.running.done;
    rt.running = undefined;
  }
}

/** Runs a command inside the running pod's mount and network namespaces, as its user, with its environment. */
export async function execInPod(
  rt: PodRuntime,
  command: readonly string[],
  timeoutMs: number,
  extraEnv: Record<string, string> = {},
): Promise<{ ok: boolean; code: number | null; stdout: string; stderr: string }> {
  const pid = podPids(rt)[0];
  if (pid === undefined) return { ok: false, code: null, stdout: "", stderr: `${rt.pod.podName} is not running` };
  const uid = rt.pod.user?.uid ?? 0;
  const gid = rt.pod.user?.gid ?? 0;
  const envArgs = Object.entries({ PATH, HOME: "/tmp", ...rt.env, ...extraEnv }).map(([k, v]) => `${k}=${v}`);
  const p = spawnBounded(
    "nsenter",
    [
      "-t",
      String(pid),
      "-m",
      "-n",
      "--",
      ...(uid === 0 ? [] : ["setpriv", `--reuid=${uid}`, `--regid=${gid}`, "--clear-groups"]),
      "env",
      "-i",
      ...envArgs,
      ...command,
    ],
    timeoutMs,
    { logFile: path.join(rt.dir, "exec.log") },
  );
  const f = await p.done;
  return { ok: f.code === 0, code: f.code, stdout: f.stdout, stderr: f.stderr };
}
