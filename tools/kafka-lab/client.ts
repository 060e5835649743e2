// Runs the lab's Java client (tools/kafka-lab/client-java/, entry point LabClient) inside a region's client namespace,
// with the region's client configuration as the plan renders it. One long-lived client process per region
// (`LabClient serve`, LabServer.java) runs every command of that region, each in its own thread: a run pays one JVM
// start and one JIT warm-up per region, not one per command. The process starts with the region's first command and
// ends with the lab (its stdin closes).
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { LabRegion } from "../../lib/kafka-lab/network";
import type { KafkaRuntime } from "./runtime";
import { children } from "./sys";

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

/** The client process's heap: every command of a region shares it (a producer, a consumer and admin calls at once). */
const SERVER_HEAP_MIB = 1024;
/** After a command's own time bound (its --timeout-s, enforced inside the client), how long to wait for its report. */
const REPORT_GRACE_MS = 15_000;

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

interface Pending {
  timers: NodeJS.Timeout[];
  logFile: fs.WriteStream;
  stderr: string[];
  onStderrLine?: (line: string) => void;
  resolve: (r: { code: number | null; result: Record<string, unknown> }) => void;
}

interface ClientServer {
  child: ChildProcess;
  pending: Map<number, Pending>;
  ready: Promise<void>;
}

const servers = new Map<string, ClientServer>();
let seq = 0;

/** The command line of one region's client process. */
export function serverCommand(ctx: ClientContext, region: LabRegion): string[] {
  const java = [
    "java",
    `-Xmx${SERVER_HEAP_MIB}m`,
    "-XX:+UseSerialGC",
    `-Dlog4j2.configurationFile=${path.join(ctx.runtime.home, "config", "tools-log4j2.yaml")}`,
    "-cp",
    `${ctx.runtime.clientClasses}:${ctx.runtime.libs}/*`,
    "LabClient",
    "serve",
  ];
  const mount = ctx.mountSource && ctx.mountTarget ? `mount --bind ${q(ctx.mountSource)} ${q(ctx.mountTarget)} && ` : "";
  return ["ip", "netns", "exec", region.client.ns, "sh", "-c", `${mount}exec ${java.map(q).join(" ")}`];
}

/** One request line of the serve protocol (LabServer.java): the id, then the arguments, TAB-separated. */
export function requestLine(id: number, args: readonly string[]): string {
  const bad = args.find((a) => /[\t\n\r]/.test(a));
  if (bad !== undefined) throw new Error(`a lab client argument may not hold a TAB or newline: ${JSON.stringify(bad)}`);
  return `${[String(id), ...args].join("\t")}\n`;
}

function serverFor(ctx: ClientContext, region: LabRegion): ClientServer {
  const existing = servers.get(region.client.ns);
  if (existing && existing.child.exitCode === null && existing.child.signalCode === null) return existing;
  const cmd = serverCommand(ctx, region);
  const child = spawn(cmd[0], cmd.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
  children.add(child);
  const serverLog = fs.createWriteStream(path.join(ctx.logDir, `client-server-${region.name}.log`), { flags: "a" });
  serverLog.write(`$ ${cmd.join(" ")}\n`);
  child.stderr?.on("data", (d: Buffer) => serverLog.write(d));
  const pending = new Map<number, Pending>();
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let partial = "";
  child.stdout?.on("data", (d: Buffer) => {
    partial += d.toString();
    const lines = partial.split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      let message: { ready?: boolean; id?: number; stderr?: string; code?: number; result?: Record<string, unknown> };
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        serverLog.write(`(not a protocol line) ${line}\n`);
        continue;
      }
      if (message.ready) {
        markReady();
        continue;
      }
      const p = message.id === undefined ? undefined : pending.get(message.id);
      if (!p) continue;
      if (message.stderr !== undefined) {
        p.logFile.write(`${message.stderr}\n`);
        if (p.stderr.length < 20_000) p.stderr.push(message.stderr);
        p.onStderrLine?.(message.stderr);
      } else if (message.code !== undefined) {
        pending.delete(message.id!);
        for (const t of p.timers) clearTimeout(t);
        p.resolve({ code: message.code, result: message.result ?? {} });
      }
    }
  });
  // A dead process fails whatever it still ran; the region's next command starts a new one.
  child.on("close", (code, signal) => {
    children.delete(child);
    serverLog.end(`client process ended (${code ?? signal})\n`);
    markReady();
    for (const [id, p] of pending) {
      pending.delete(id);
      for (const t of p.timers) clearTimeout(t);
      p.resolve({ code: null, result: { error: `the ${region.name} client process ended (${code ?? signal}) before reporting` } });
    }
    if (servers.get(region.client.ns)?.child === child) servers.delete(region.client.ns);
  });
  child.stdin?.on("error", () => undefined);
  const server = { child, pending, ready };
  servers.set(region.client.ns, server);
  return server;
}

/** Starts a client command; resolves with its parsed JSON (or `{ error }`). `cancel` ends it early with what it has. */
export function startClient<T = Record<string, unknown>>(
  ctx: ClientContext,
  region: LabRegion,
  args: readonly string[],
  timeoutMs: number,
  onStderrLine?: (line: string) => void,
): { cancel: (why: string) => void; done: Promise<ClientRun<T>> } {
  const id = ++seq;
  // A command may bring its own configuration (producers use the plan's producer snippet).
  const full = [...args, ...(args.includes("--config") ? [] : ["--config", ctx.configFiles[region.name]])];
  const line = requestLine(id, full);
  const logPath = path.join(ctx.logDir, `client-${String(id).padStart(3, "0")}-${args[0]}-${region.name}.log`);
  const logFile = fs.createWriteStream(logPath, { flags: "a" });
  logFile.write(`$ ${args.join(" ")}\n`);
  const server = serverFor(ctx, region);
  const stderr: string[] = [];
  const send = (text: string) => {
    if (server.child.stdin?.writable) server.child.stdin.write(text);
  };
  const done = new Promise<{ code: number | null; result: Record<string, unknown> }>((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    server.pending.set(id, { timers, logFile, stderr, ...(onStderrLine ? { onStderrLine } : {}), resolve });
    void server.ready.then(() => send(line));
    // The client enforces the command's own bound; past `timeoutMs` it is cancelled, and a process that does not
    // answer even then is stopped (its other commands fail with it).
    const cancelTimer = setTimeout(() => send(`cancel\t${id}\tno result within ${timeoutMs / 1000} s\n`), timeoutMs);
    const killTimer = setTimeout(() => {
      if (!server.pending.has(id)) return;
      server.pending.delete(id);
      server.child.kill("SIGKILL");
      resolve({ code: null, result: { error: `no report from the ${region.name} client ${REPORT_GRACE_MS / 1000} s after cancelling` } });
    }, timeoutMs + REPORT_GRACE_MS);
    timers.push(cancelTimer, killTimer);
  }).then((r): ClientRun<T> => {
    logFile.end(`-> exit ${r.code ?? "none"}: ${JSON.stringify(r.result)}\n`);
    const result = (typeof r.result === "object" && r.result !== null ? r.result : { error: "no result" }) as T;
    return { ok: r.code === 0, result, stderr: stderr.join("\n"), code: r.code };
  });
  return { cancel: (why: string) => send(`cancel\t${id}\t${why.replace(/[\t\n\r]/g, " ")}\n`), done };
}

export async function runClient<T = Record<string, unknown>>(
  ctx: ClientContext,
  region: LabRegion,
  args: readonly string[],
  timeoutMs = 60_000,
): Promise<ClientRun<T>> {
  return startClient<T>(ctx, region, args, timeoutMs).done;
}

/** Ends every region's client process (closing stdin halts it; a kill follows for one that does not go). */
export async function stopClients(): Promise<void> {
  const all = [...servers.values()];
  servers.clear();
  await Promise.all(
    all.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
          const timer = setTimeout(() => s.child.kill("SIGKILL"), 3000);
          s.child.once("close", () => {
            clearTimeout(timer);
            resolve();
          });
          s.child.stdin?.end();
        }),
    ),
  );
}
