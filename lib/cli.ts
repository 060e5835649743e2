// Command-line option checks shared by the tools' pure argument parsers.

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
