// Runs index.ts for one stack under mocks and turns the record into a Plan: the core of `npm run plan`.
import * as path from "node:path";
import { Plan, sortResources } from "../lib/plan";
import type { StackSpec } from "../lib/config/spec";
import { rawConfigFromMap, validateConfig } from "../lib/config/validate";
import { PROJECT, Problem, errorsOf, formatProblems } from "../lib/problems";
import { StackConfigError } from "../stacks/config";
import { MockRun, renderSecrets, runUnderMocks } from "./mock-runtime";
import { StackFile, readStackFile } from "./stack-file";

export const REPO_ROOT = path.resolve(__dirname, "..");

export function stackFilePath(stack: string): string {
  return path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
}

export interface StackRunOptions {
  stack: string;
  /** Config in the Pulumi.<stack>.yaml format; default: the stack's own file. */
  configFile?: string;
  /** Already-read config (tests); takes precedence over configFile. */
  stackFile?: StackFile;
  /** Run as a preview (the default) or as an update. */
  preview?: boolean;
}

export type StackRunResult =
  { ok: true; run: MockRun; stack: string } | { ok: false; problems: Problem[]; run?: MockRun; stack: string; error?: unknown };

/** index.ts exports its program with `export =` (what the Pulumi language host calls); load it either way. */
async function loadProgram(): Promise<() => unknown> {
  const mod: unknown = await import("../index");
  if (typeof mod === "function") return mod as () => unknown;
  return (mod as { default: () => unknown }).default;
}

/** Reads the config, runs the program under mocks, and separates config errors from other failures. */
export async function runStack(options: StackRunOptions): Promise<StackRunResult> {
  const { stack } = options;
  let file = options.stackFile;
  if (!file) {
    const read = readStackFile(options.configFile ?? stackFilePath(stack));
    if (!read.ok) return { ok: false, problems: read.problems, stack };
    file = read.file;
  }
  const runOnce = async () =>
    runUnderMocks({
      project: PROJECT,
      stack,
      config: file.config,
      secretKeys: file.secretKeys,
      preview: options.preview ?? true,
      program: await loadProgram(),
    });
  let run = await withStackFrames(0, runOnce);
  if (run.error !== undefined) {
    if (StackConfigError.isInstance(run.error)) return { ok: false, problems: run.error.problems, run, stack };
    // The same config gives the same run: once more with stack frames, so the error shows where it came from.
    run = await runOnce();
    return { ok: false, problems: [], run, stack, error: run.error };
  }
  return { ok: true, run, stack };
}

/**
 * Runs `work` with `Error.stackTraceLimit` set to `frames`, then restores it. The Pulumi SDK reads `new Error().stack`
 * for every output it creates (`runtime/debuggable.js`, for a promise-leak report that a mocked run never prints), and
 * formatting those frames, each mapped through tsx's source maps, took about a third of `npm run plan -- --stack eks`
 * (docs/architecture.md, "How fast the offline plan is").
 */
export async function withStackFrames<T>(frames: number, work: () => Promise<T>): Promise<T> {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = frames;
  try {
    return await work();
  } finally {
    Error.stackTraceLimit = saved;
  }
}

/** The plan.json view of a run: resources in a stable order, secrets hidden unless asked for. */
export function toPlan(stack: string, run: MockRun, showSecrets = false): Plan {
  const resources = sortResources(
    run.resources.map((r) => ({
      type: r.type,
      name: r.name,
      parent: r.parent,
      provider: r.provider,
      inputs: renderSecrets(r.inputs, showSecrets) as Record<string, unknown>,
      dependsOn: r.dependsOn,
      ...(r.replaceOnChanges ? { replaceOnChanges: r.replaceOnChanges } : {}),
      ...(r.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
      ...(r.ignoreChanges ? { ignoreChanges: r.ignoreChanges } : {}),
      ...(r.customTimeouts ? { customTimeouts: r.customTimeouts } : {}),
      ...(r.protect ? { protect: true } : {}),
      ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
    })),
  );
  return {
    stack,
    resources,
    outputs: renderSecrets(run.outputs, showSecrets) as Record<string, unknown>,
    diagnostics: run.diagnostics.map((d) => ({ severity: d.severity, message: d.message })),
  };
}

/** What a failed run prints: every config problem by path, or the program's error. */
export function describeRunFailure(result: Extract<StackRunResult, { ok: false }>, source: string): string {
  if (result.problems.length > 0) {
    const n = result.problems.length;
    return `${source}: ${n} problem${n === 1 ? "" : "s"}; nothing planned.\n${formatProblems(result.problems)}`;
  }
  const err = result.error;
  return `the program failed; nothing planned.\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
}

/** Runs a tool's async main with the process's arguments: its result is the exit code, a throw prints and exits 1. */
export function runToolMain(main: (argv: string[]) => Promise<number> | number): void {
  Promise.resolve()
    .then(() => main(process.argv.slice(2)))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (err) => {
        process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        process.exitCode = 1;
      },
    );
}

/** The validated spec of a stack's own file (or FILE), without running the program; throws listing every problem. */
export function readStackSpec(stack: string, configFile?: string): StackSpec {
  const source = configFile ?? stackFilePath(stack);
  const read = readStackFile(source);
  if (!read.ok) throw new Error(`cannot read the ${stack} stack:\n${formatProblems(read.problems)}`);
  const result = validateConfig(rawConfigFromMap(read.file.config));
  if (!result.ok) throw new Error(`the ${stack} stack's config is invalid:\n${formatProblems(errorsOf(result.problems))}`);
  return result.spec;
}
