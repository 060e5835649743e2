// What every policy rule shares: how it sees a resource of the plan (or of a real preview), secret wrappers, and
// small readers over untyped inputs.

/** A resource as the rules see it. Secret values carry `secret: true` wrappers (see `SecretValue`). */
export interface PolicyResource {
  type: string;
  name: string;
  provider: string | null;
  inputs: Record<string, unknown>;
  /** Names of the resources this one waits for (the plan's `dependsOn`, a preview's dependencies). */
  dependsOn?: readonly string[];
  /** Whether Pulumi refuses to delete it (`protect`); absent when not known. */
  protect?: boolean;
  /** Whether deleting it from the program leaves it in place (`retainOnDelete`); absent when not known. */
  retainOnDelete?: boolean;
  /** Whether a provider creates it (false for components); absent when not known. */
  custom?: boolean;
  /** How long Pulumi waits for its create and update (`customTimeouts`), in seconds; absent where not set. */
  customTimeouts?: { createSeconds?: number; updateSeconds?: number };
}

/** How a secret reaches the rules: the plan's SDK marker is translated into this by the caller. */
export interface SecretValue {
  secret: true;
  value?: unknown;
}

export interface Violation {
  rule: string;
  resource: string;
  message: string;
}

export interface PolicyRule {
  id: string;
  description: string;
  check(resources: readonly PolicyResource[]): Violation[];
}

export function isSecret(value: unknown): value is SecretValue {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as SecretValue).secret === true &&
    Object.keys(value).every((k) => k === "secret" || k === "value")
  );
}

/** The value under any secret wrappers. */
export function reveal(value: unknown): unknown {
  return isSecret(value) ? reveal(value.value) : value;
}

export const get = (obj: unknown, ...path: Array<string | number>): unknown =>
  path.reduce<unknown>(
    (o, k) => (o !== null && typeof o === "object" ? (reveal(o) as Record<string | number, unknown>)[k] : undefined),
    obj,
  );
export const list = (value: unknown): unknown[] => (Array.isArray(reveal(value)) ? (reveal(value) as unknown[]) : []);
export const str = (value: unknown): string | undefined => (typeof reveal(value) === "string" ? (reveal(value) as string) : undefined);

export const violation = (rule: string, r: PolicyResource, message: string): Violation => ({
  rule,
  resource: `${r.type} ${r.name}`,
  message,
});

/** Everything a resource waits for, directly or through what it waits for. */
export function waitsFor(start: readonly string[], depsOf: ReadonlyMap<string, readonly string[]>): Set<string> {
  const seen = new Set<string>();
  const queue = [...start];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...(depsOf.get(name) ?? []));
  }
  return seen;
}
