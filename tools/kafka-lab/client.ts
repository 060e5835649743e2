// Runs the lab's Java client (tools/kafka-lab/client-java/, entry point LabClient) inside a region's client namespace, with the region's
// client configuration as the plan renders it, and parses the one JSON object it prints.
import * as fs from "node:fs";
import * as path from "node:path";
import type { LabRegion } from "../../lib/kafka-lab/network";
import type { KafkaRuntime } from "./runtime";
import { spawnBounded } from "./sys";

/** Where the plan's client snippets expect the cluster CA (lib/kafka/cluster CLIENT_TRUSTSTORE_PATH's directory). */
export interface ClientContext {
  runtime: KafkaRuntime;
  /** Per region name: the properties file a client there uses. */
  configFiles: Record<string, string>;
  /** Host directory bind-mounted at `mountTarget` in client namespaces (the CA for the truststore path). */
  mountSource?: string;
  mountTarget?: string;
  logDir: string;
}

export interface ClientRun<T> {
  ok: boolean;
  result: T;
  stderr: string;
  code: number | null;
}

let seq = 0;
const LONG_RUNNING = new Set(["produce", "consume", "verify", "follower-fetch", "replication-rate"]);

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function clientCommand(ctx: ClientContext, region: LabRegion, args: readonly string[], heapMiB = 256): string[] {
  const java = [
    "java",
    `-Xmx${heapMiB}m`,
    "-XX:+UseSerialGC",
    // Short admin commands spend most of their CPU compiling; C1 alone halves it. Load generators keep C2.
    ...(LONG_RUNNING.has(args[0]) ? [] : ["-XX:TieredStopAtLevel=1"]),
    `-Dlog4j2.configurationFile=${path.join(ctx.runtime.home, "config", "tools-log4j2.yaml")}`,
    "-cp",
    `${ctx.runtime.clientClasses}:${ctx.runtime.libs}/*`,
    "LabClient",
    ...args,
    // A command may bring its own configuration (producers use the plan's producer snippet).
    ...(args.includes("--config") ? [] : ["--config", ctx.configFiles[region.name]]),
  ];
  const mount = ctx.mountSource && ctx.mountTarget ? `mount --bind ${q(ctx.mountSource)} ${q(ctx.mountTarget)} && ` : "";
  return ["ip", "netns", "exec", region.client.ns, "sh", "-c", `${mount}exec ${java.map(q).join(" ")}`];
}

/** Starts a client command; resolves with its parsed JSON (or `{ error }`). */
export function startClient<T = Record<string, unknown>>(
  ctx: ClientContext,
  region: LabRegion,
  args: readonly string[],
  timeoutMs: number,
  onStderrLine?: (line: string) => void,
  heapMiB?: number,
): { pid: number | undefined; done: Promise<ClientRun<T>> } {
  const cmd = clientCommand(ctx, region, args, heapMiB);
  const logFile = path.join(ctx.logDir, `client-${String(++seq).padStart(3, "0")}-${args[0]}-${region.name}.log`);
  fs.writeFileSync(logFile, `$ ${args.join(" ")}\n`);
  const p = spawnBounded(cmd[0], cmd.slice(1), timeoutMs, { logFile, ...(onStderrLine ? { onStderrLine } : {}) });
  const done = p.done.then((f): ClientRun<T> => {
    const line =
      f.stdout
        .trim()
        .split("\n")
        .filter((l) => l.trim().startsWith("{"))
        .pop() ?? "";
    let result: T;
    try {
      result = JSON.parse(line) as T;
    } catch {
      result = {
        error: `no JSON from LabClient ${args[0]} (exit ${f.code ?? f.signal}): ${f.stderr.trim().split("\n").slice(-3).join(" | ")}`,
      } as T;
    }
    return { ok: f.code === 0, result, stderr: f.stderr, code: f.code };
  });
  return { pid: p.child.pid, done };
}

export async function runClient<T = Record<string, unknown>>(
  ctx: ClientContext,
  region: LabRegion,
  args: readonly string[],
  timeoutMs = 60_000,
): Promise<ClientRun<T>> {
  return startClient<T>(ctx, region, args, timeoutMs).done;
}
