// From Pulumi's config map to raw values per key, and zod's issues to problems by config path.
import { ZodError } from "zod";
import { PROJECT, Problem, configPath, error } from "../problems";

/**
 * Pulumi hands structured config to programs as JSON text and plain strings as they are;
 * a value that is not JSON is therefore the string itself.
 */
export function decodeConfigValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Top-level keys whose values are text even when they read as JSON: `kubernetesVersion: "1.30"` reaches the program as
 * the text `1.30`, which JSON would turn into the number 1.3.
 */
export const TEXT_KEYS: ReadonlySet<string> = new Set(["kubernetesVersion"]);

/** The keys of this project's namespace (`geo-kafka:*`), prefix removed, values decoded. */
export function rawConfigFromMap(all: Readonly<Record<string, string>>): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  const prefix = `${PROJECT}:`;
  for (const [key, text] of Object.entries(all)) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    raw[name] = TEXT_KEYS.has(name) ? text : decodeConfigValue(text);
  }
  return raw;
}

/** zod's issues for one top-level key, each under its config path. */
export function zodProblems(key: string, err: ZodError): Problem[] {
  return err.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      const keys = (issue as { keys: string[] }).keys;
      return error(
        configPath(key, [...issue.path.map(toSegment), keys[0]]),
        `unknown setting${keys.length > 1 ? "s" : ""} ${keys.map((k) => `"${k}"`).join(", ")}`,
      );
    }
    return error(configPath(key, issue.path.map(toSegment)), issue.message);
  });
}

function toSegment(p: PropertyKey): string | number {
  return typeof p === "number" ? p : String(p);
}
