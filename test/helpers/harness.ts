// Test harness: run a whole stack or a single component under mocks, then query what was registered.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { parse, stringify } from "yaml";
import type { SpecOf, StackSpec } from "../../lib/config/spec";
import type { Cloud } from "../../lib/types";
import { validateConfig } from "../../lib/config/validate";
import { PROJECT } from "../../lib/problems";
import { MockRun, RecordedResource, runUnderMocks } from "../../tools/mock-runtime";
import { REPO_ROOT, StackRunResult, runStack, stackFilePath } from "../../tools/run-stack";
import { parseStackFile } from "../../tools/stack-file";

/** Query helpers over recorded registrations. */
export class Recorded {
  constructor(readonly resources: readonly RecordedResource[]) {}

  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  withProvider(provider: string): RecordedResource[] {
    return this.resources.filter((r) => r.provider === provider);
  }

  named(name: string): RecordedResource | undefined {
    return this.resources.find((r) => r.name === name);
  }

  one(type: string, name: string): RecordedResource {
    const found = this.resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
    return found[0];
  }

  where(predicate: (r: RecordedResource) => boolean): RecordedResource[] {
    return this.resources.filter(predicate);
  }
}

/** The `config:` map of a stack file as plain data, for tests that change one setting. */
export function stackConfig(stack: string): Record<string, unknown> {
  const doc = parse(fs.readFileSync(stackFilePath(stack), "utf8")) as { config: Record<string, unknown> };
  return structuredClone(doc.config);
}

/** Sets `geo-kafka:<key>` in a config map (creating objects on the way) to `value`; undefined deletes it. */
export function setPath(config: Record<string, unknown>, key: string, segments: Array<string | number>, value: unknown): void {
  const full = `${PROJECT}:${key}`;
  if (segments.length === 0) {
    if (value === undefined) delete config[full];
    else config[full] = value;
    return;
  }
  let node = config[full] as Record<string | number, unknown>;
  for (const seg of segments.slice(0, -1)) {
    if (node[seg] === undefined) node[seg] = {};
    node = node[seg] as Record<string | number, unknown>;
  }
  const last = segments[segments.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** Runs a stack with the given config map (default: the stack's own file). */
export async function planStack(stack: string, config?: Record<string, unknown>, preview = true): Promise<StackRunResult> {
  if (!config) return runStack({ stack, preview });
  const parsed = parseStackFile(stringify({ config }), `test Pulumi.${stack}.yaml`);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.path}: ${p.message}`).join("\n"));
  return runStack({ stack, stackFile: parsed.file, preview });
}

/** Runs a stack that must succeed and returns its registrations. */
export async function planStackOk(
  stack: string,
  config?: Record<string, unknown>,
  preview = true,
): Promise<{ run: MockRun; recorded: Recorded }> {
  const result = await planStack(stack, config, preview);
  if (!result.ok) {
    const detail = result.problems.map((p) => `${p.path}: ${p.message}`).join("\n") || String(result.error);
    throw new Error(`stack ${stack} failed:\n${detail}`);
  }
  return { run: result.run, recorded: new Recorded(result.run.resources) };
}

/** Runs one component (or any resource-creating function) under mocks. */
export async function runComponent(
  create: () => unknown,
  options: { config?: Record<string, string>; preview?: boolean } = {},
): Promise<{ run: MockRun; recorded: Recorded }> {
  const run = await runUnderMocks({
    project: PROJECT,
    stack: "test",
    config: options.config ?? {},
    preview: options.preview ?? true,
    program: async () => {
      await create();
      return {};
    },
  });
  if (run.error !== undefined) throw run.error;
  return { run, recorded: new Recorded(run.resources) };
}

/**
 * The validated spec of a stack, from a config map as `stackConfig` returns it (keys `geo-kafka:<key>`); default:
 * the stack's own file. Throws with every problem when it does not validate.
 */
export function stackSpec<C extends Cloud>(stack: C, config?: Record<string, unknown>): SpecOf<C>;
export function stackSpec(stack: string, config?: Record<string, unknown>): StackSpec;
export function stackSpec(stack: string, config: Record<string, unknown> = stackConfig(stack)): StackSpec {
  const prefix = `${PROJECT}:`;
  const raw = Object.fromEntries(Object.entries(config).map(([k, v]) => [k.startsWith(prefix) ? k.slice(prefix.length) : k, v]));
  const result = validateConfig(raw);
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.path}: ${p.message}`).join("\n"));
  return result.spec;
}

const exec = promisify(execFile);
const TSX = path.join(REPO_ROOT, "node_modules", ".bin", "tsx");

/** Runs a command-line tool of tools/ as a user would (`tools/<script>.ts` under tsx), never throwing on a non-zero exit. */
export async function runTool(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(TSX, [path.join(REPO_ROOT, "tools", `${script}.ts`), ...args], {
      cwd: REPO_ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
