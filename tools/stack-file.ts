// Reads a `Pulumi.<stack>.yaml` file into the string map Pulumi hands a program, reporting bad YAML by line.
import * as fs from "node:fs";
import { parseDocument } from "yaml";
import { PROJECT, Problem, error } from "../lib/problems";

export interface StackFile {
  /** Fully qualified keys to the strings Pulumi passes: structured values as JSON, plain strings as they are. */
  config: Record<string, string>;
  secretKeys: string[];
}

export type StackFileResult = { ok: true; file: StackFile } | { ok: false; problems: Problem[] };

/** Placeholder for `secure:` values, which only the Pulumi CLI can decrypt. */
export const ENCRYPTED_PLACEHOLDER = "mock:encrypted-value";

export function readStackFile(path: string): StackFileResult {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (err) {
    return { ok: false, problems: [error(path, `cannot read: ${(err as Error).message}`)] };
  }
  return parseStackFile(text, path);
}

export function parseStackFile(text: string, source: string): StackFileResult {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const at = e.linePos?.[0];
        const message = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
        return error(at ? `${source}:${at.line}:${at.col}` : source, `malformed YAML: ${message}`);
      }),
    };
  }
  const root: unknown = doc.toJS();
  if (root === null || root === undefined) return { ok: false, problems: [error(source, "is empty; expected a top-level `config:` map")] };
  if (typeof root !== "object" || Array.isArray(root) || !("config" in root)) {
    return { ok: false, problems: [error(source, "has no top-level `config:` map")] };
  }
  const config = (root as { config: unknown }).config;
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    return { ok: false, problems: [error(`${source}: config`, "must be a map of config keys")] };
  }
  const out: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, value] of Object.entries(config as Record<string, unknown>)) {
    // Pulumi puts keys written without a namespace into the project's namespace.
    const key = rawKey.includes(":") ? rawKey : `${PROJECT}:${rawKey}`;
    if (isSecure(value)) {
      out[key] = ENCRYPTED_PLACEHOLDER;
      secretKeys.push(key);
    } else {
      // A structured value may hold `secure:` leaves (`pulumi config set --secret --path`); Pulumi then treats the
      // whole key as secret.
      let nestedSecret = false;
      const plain = replaceSecureLeaves(value, () => (nestedSecret = true));
      if (nestedSecret) secretKeys.push(key);
      out[key] = typeof plain === "string" ? plain : JSON.stringify(plain);
    }
  }
  return { ok: true, file: { config: out, secretKeys } };
}

function replaceSecureLeaves(value: unknown, found: () => void): unknown {
  if (isSecure(value)) {
    found();
    return ENCRYPTED_PLACEHOLDER;
  }
  if (Array.isArray(value)) return value.map((v) => replaceSecureLeaves(v, found));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSecureLeaves(v, found)]));
  return value;
}

function isSecure(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}
