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
