// `npm run policy -- --stack gke|eks|... [--config FILE]: the policy rules of lib/policy over the offline plan.
// Exits 1 when any rule is violated, listing each violation.
import { parseArgs } from "node:util";
import { PolicyResource, RULES, SecretValue, Violation, runPolicies } from "../lib/policy/rules";
import { MockRun, isSecretValue } from "./mock-runtime";
import { durationSeconds } from "../lib/rolls/timing";
import { STACK_CHOICES, parseStackOption } from "../lib/cli";
import { describeRunFailure, runStack, runToolMain } from "./run-stack";

/** The plan's inputs with the SDK's secret markers turned into the rules' `{ secret: true, value }`. */
export function toPolicyValue(value: unknown): unknown {
  if (isSecretValue(value)) return { secret: true, value: toPolicyValue(value.value) } satisfies SecretValue;
  if (Array.isArray(value)) return value.map(toPolicyValue);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPolicyValue(v)]));
  return value;
}

export function policyResources(run: MockRun): PolicyResource[] {
  return run.resources.map((r) => ({
    type: r.type,
    name: r.name,
    provider: r.provider,
    inputs: toPolicyValue(r.inputs) as Record<string, unknown>,
    dependsOn: r.dependsOn,
    protect: r.protect ?? false,
    retainOnDelete: r.retainOnDelete ?? false,
    custom: r.custom,
    ...(r.customTimeouts ? { customTimeouts: policyTimeouts(r.customTimeouts) } : {}),
  }));
}

/** The plan's duration strings as the seconds the policy SDK reports. */
function policyTimeouts(timeouts: { create?: string; update?: string }): { createSeconds?: number; updateSeconds?: number } {
  const seconds = (text: string | undefined) => (text === undefined ? undefined : durationSeconds(text));
  const createSeconds = seconds(timeouts.create);
  const updateSeconds = seconds(timeouts.update);
  return { ...(createSeconds !== undefined ? { createSeconds } : {}), ...(updateSeconds !== undefined ? { updateSeconds } : {}) };
}

export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `  - [${v.rule}] ${v.resource}: ${v.message}`).join("\n");
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { stack: { type: "string" }, config: { type: "string" } } });
  const stack = parseStackOption(values.stack);
  if (!stack.ok) {
    process.stderr.write(`${stack.message}\nusage: npm run policy -- --stack ${STACK_CHOICES} [--config FILE]\n`);
    return 2;
  }
  const result = await runStack({ stack: stack.stack, configFile: values.config });
  if (!result.ok) {
    process.stderr.write(`${describeRunFailure(result, values.config ?? `Pulumi.${stack.stack}.yaml`)}\n`);
    return 1;
  }
  const resources = policyResources(result.run);
  const violations = runPolicies(resources);
  process.stdout.write(
    `${RULES.length} rules over ${resources.length} resources of stack ${stack.stack}: ${violations.length} violations\n`,
  );
  if (violations.length > 0) process.stdout.write(`${formatViolations(violations)}\n`);
  return violations.length > 0 ? 1 : 0;
}

if (require.main === module) runToolMain(main);
