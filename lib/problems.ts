// Configuration problems: collected by every check, reported together, each under its config path.

/** The Pulumi project name; config keys are namespaced by it (`geo-kafka:kafka`). */
export const PROJECT = "geo-kafka";

export type Severity = "error" | "warning";

export interface Problem {
  severity: Severity;
  /** Full config path, e.g. `geo-kafka:kafka.minInsyncReplicas` or `geo-kafka:regions[1].zones`. */
  path: string;
  message: string;
}

/** Builds a config path from a top-level key and the segments below it. */
export function configPath(key: string, segments: ReadonlyArray<string | number> = []): string {
  let path = `${PROJECT}:${key}`;
  for (const segment of segments) {
    path += typeof segment === "number" ? `[${segment}]` : `.${segment}`;
  }
  return path;
}

export const error = (path: string, message: string): Problem => ({ severity: "error", path, message });
export const warning = (path: string, message: string): Problem => ({ severity: "warning", path, message });

export function errorsOf(problems: readonly Problem[]): Problem[] {
  return problems.filter((p) => p.severity === "error");
}

export function warningsOf(problems: readonly Problem[]): Problem[] {
  return problems.filter((p) => p.severity === "warning");
}

/** One line per problem, `path: message`, in a stable order. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `  - ${p.path}: ${p.message}`).join("\n");
}
