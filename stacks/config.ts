// The only place that reads Pulumi config: every `geo-kafka:*` key, validated into a StackSpec before anything is created.
import * as pulumi from "@pulumi/pulumi";
import type { StackSpec } from "../lib/config/spec";
import { rawConfigFromMap, validateConfig } from "../lib/config/validate";
import { Problem, errorsOf, formatProblems, warningsOf } from "../lib/problems";

/** Raised when the stack configuration has errors; Pulumi prints its message without a stack trace. */
export class StackConfigError extends pulumi.RunError {
  readonly problems: Problem[];

  constructor(problems: readonly Problem[]) {
    const errors = errorsOf(problems);
    super(
      `stack ${pulumi.getStack()} configuration has ${errors.length} problem${errors.length === 1 ? "" : "s"}:\n${formatProblems(errors)}`,
    );
    this.name = "StackConfigError";
    this.problems = errors;
  }

  static isInstance(value: unknown): value is StackConfigError {
    return value instanceof Error && value.name === "StackConfigError" && Array.isArray((value as StackConfigError).problems);
  }
}

/** Validates the stack's config; logs warnings; throws one StackConfigError listing every error. */
export function loadStackSpec(): StackSpec {
  const result = validateConfig(rawConfigFromMap(pulumi.runtime.allConfig()));
  for (const problem of warningsOf(result.problems)) {
    void pulumi.log.warn(`${problem.path}: ${problem.message}`);
  }
  if (!result.ok) throw new StackConfigError(result.problems);
  return result.spec;
}
