// Command-line option checks shared by the tools' pure argument parsers.
import { CLOUDS, Cloud } from "./types";

/** A numeric option within [min, max] (an integer where asked); a problem is added to `errors` and the fallback returned. */
export function boundedNumber(
  name: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
  integer: boolean,
  errors: string[],
) {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    errors.push(`--${name} must be ${integer ? "an integer" : "a number"} from ${min} to ${max}, got "${text}"`);
    return fallback;
  }
  return value;
}

/** How the tools spell the `--stack` choice in their usage lines: every target, `gke|eks|...`. */
export const STACK_CHOICES = CLOUDS.join("|");

/** The `--stack` option: one of the targets, or a message saying which are accepted. */
export function parseStackOption(text: string | undefined): { ok: true; stack: Cloud } | { ok: false; message: string } {
  if (text !== undefined && (CLOUDS as readonly string[]).includes(text)) return { ok: true, stack: text as Cloud };
  return { ok: false, message: `--stack must be one of ${CLOUDS.join(", ")}${text === undefined ? "" : ` (got "${text}")`}` };
}

/**
 * A `--phases` list: comma-separated names out of `all`, every one when the option is absent; a problem is added to
 * `errors` (and every phase returned) when a name is unknown or the list is empty.
 */
export function phaseList<P extends string>(
  text: string | undefined,
  all: readonly P[],
  errors: string[],
  byDefault: readonly P[] = all,
): P[] {
  if (text === undefined) return [...byDefault];
  const phases = text.split(",").map((p) => p.trim());
  if (phases.length === 0 || phases.some((p) => !(all as readonly string[]).includes(p))) {
    errors.push(`--phases takes a comma-separated list of ${all.join(", ")}; got "${text}"`);
    return [...all];
  }
  return phases as P[];
}
