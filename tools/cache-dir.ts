// Where the labs keep what they build or download (Kafka's jars, the compiled lab client, kube-apiserver, etcd, helm,
// the Go and Maven caches): outside the checkout, so every clone on a machine (a CI run's fresh one included) reuses
// one build. Entries are keyed by the content they come from, so clones at different commits never share a stale one.
import { createHash } from "node:crypto";
import * as os from "node:os";
import * as path from "node:path";

/** `$GEO_KAFKA_CACHE_DIR`, else `${XDG_CACHE_HOME:-$HOME/.cache}/geo-kafka` (an empty XDG_CACHE_HOME counts as unset). */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  const own = env.GEO_KAFKA_CACHE_DIR;
  if (own !== undefined && own !== "") return path.resolve(own);
  const xdg = env.XDG_CACHE_HOME;
  // The XDG base directory spec: a relative or empty XDG_CACHE_HOME is invalid and must be ignored.
  const base = xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(home, ".cache");
  return path.join(base, "geo-kafka");
}

/** A short content key: the first 16 hex digits of the SHA-256 of the parts, in order. */
export function contentKey(...parts: Array<string | Buffer>): string {
  const h = createHash("sha256");
  for (const p of parts) {
    h.update(p);
    h.update("\0");
  }
  return h.digest("hex").slice(0, 16);
}
