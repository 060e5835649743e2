// Builds (or reuses) the Kubernetes lab's binaries — kube-apiserver, etcd and helm from tools/k8s-lab/go.mod — and
// downloads the Go modules that hold the charts and CRDs (lib/k8s-lab/sources.ts), all in the machine's lab cache
// (tools/cache-dir.ts: outside the checkout), the binaries keyed by what they are built from, so a machine builds once
// from the Go module proxy and every later clone and run reuses it.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { LAB_KUBERNETES_VERSION, modulesToDownload } from "../../lib/k8s-lab/sources";
import { cacheRoot } from "../cache-dir";

const REPO = path.resolve(__dirname, "..", "..");
export const MODULE_DIR = path.join(REPO, "tools", "k8s-lab");
/** The pulumi-kubernetes provider's own module graph, kept apart from kube-apiserver's (tools/k8s-lab/provider-diff). */
export const PROVIDER_DIFF_DIR = path.join(MODULE_DIR, "provider-diff");
export const CACHE = path.join(cacheRoot(), "k8s-lab");

let key: string | undefined;
/** The build key, computed once per process (it asks `go version`). */
function currentKey(): string {
  key ??= buildKey();
  return key;
}

/** The binaries' directory: one per build key, so clones with different module files never share binaries. */
export function binDir(): string {
  return path.join(CACHE, `bin-${currentKey().slice(0, 16)}`);
}

export function binaries(): { apiserver: string; etcd: string; helm: string; providerDiff: string; destroyGuard: string } {
  const bin = binDir();
  return {
    apiserver: path.join(bin, "kube-apiserver"),
    etcd: path.join(bin, "etcd"),
    helm: path.join(bin, "helm"),
    providerDiff: path.join(bin, "provider-diff"),
    destroyGuard: path.join(bin, "destroy-guard.test"),
  };
}

const stampFile = () => path.join(binDir(), "stamp.json");
/** Module directories (or why not) by `module@version`, written by the build; keyed like the binaries. */
export const modulesFile = () => path.join(binDir(), "modules.json");

export type ModuleResult = { dir: string } | { error: string };

/** The Go environment of every step: the lab cache's own module and build caches, nothing from the user's. */
export function goEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOMODCACHE: path.join(CACHE, "gomod"),
    GOCACHE: path.join(CACHE, "gocache"),
    GOFLAGS: "-mod=readonly -buildvcs=false",
    GOTOOLCHAIN: "local",
    CGO_ENABLED: "0",
  };
}

function run(args: string[], cwd: string, timeoutMs: number): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync("go", args, { cwd, env: goEnv(), encoding: "utf8", timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
  return { ok: r.status === 0, stdout: r.stdout ?? "", stderr: (r.stderr ?? "") + (r.error ? String(r.error) : "") };
}

/** What the binaries depend on: the module files, the etcd and provider-diff mains and the Go toolchain. */
function buildKey(): string {
  const h = createHash("sha256");
  for (const f of [
    "go.mod",
    "go.sum",
    "etcd/main.go",
    "provider-diff/go.mod",
    "provider-diff/go.sum",
    "provider-diff/main.go",
    "provider-diff/destroyguard/destroy_guard_test.go",
  ])
    h.update(fs.readFileSync(path.join(MODULE_DIR, f)));
  h.update(run(["version"], MODULE_DIR, 30_000).stdout);
  h.update(LDFLAGS);
  return h.digest("hex");
}

/** The version the API server reports (/version); a build from the module proxy has no git tree to take it from. */
const [MAJOR, MINOR] = LAB_KUBERNETES_VERSION.slice(1).split(".");
const LDFLAGS = [
  `-X k8s.io/component-base/version.gitVersion=${LAB_KUBERNETES_VERSION}`,
  `-X k8s.io/component-base/version.gitMajor=${MAJOR}`,
  `-X k8s.io/component-base/version.gitMinor=${MINOR}`,
  "-X k8s.io/component-base/version.gitTreeState=clean",
].join(" ");

export interface BuildResult {
  built: boolean;
  seconds: number;
  modules: Record<string, ModuleResult>;
}

export function buildLab(log: (line: string) => void): BuildResult {
  const started = Date.now();
  if (spawnSync("go", ["version"], { encoding: "utf8" }).status !== 0)
    throw new Error("go is not installed (Debian: apt-get install golang-go; the module needs go >= 1.24)");
  const key = currentKey();
  const bin = binDir();
  const stampPath = stampFile();
  fs.mkdirSync(bin, { recursive: true });
  const stamp = fs.existsSync(stampPath) ? (JSON.parse(fs.readFileSync(stampPath, "utf8")) as { key?: string }) : {};
  const present = Object.values(binaries()).every((b) => fs.existsSync(b));
  let built = false;
  if (stamp.key !== key || !present) {
    log(
      `building kube-apiserver ${LAB_KUBERNETES_VERSION}, etcd, helm, provider-diff and destroy-guard (go build -trimpath; caches in ${CACHE})`,
    );
    fs.rmSync(stampPath, { force: true });
    const r = run(
      [
        "build",
        "-trimpath",
        "-ldflags",
        LDFLAGS,
        "-o",
        `${bin}/`,
        "k8s.io/kubernetes/cmd/kube-apiserver",
        "helm.sh/helm/v3/cmd/helm",
        "./etcd",
      ],
      MODULE_DIR,
      60 * 60_000,
    );
    if (!r.ok) throw new Error(`go build failed:\n${r.stderr.trim().split("\n").slice(-30).join("\n")}`);
    // The real pulumi-kubernetes provider (its DiffConfig judges the providers' clusterIdentifier), unstripped symbols
    // dropped: the binary is only run by the lab.
    const p = run(["build", "-trimpath", "-ldflags", "-s -w", "-o", binaries().providerDiff, "."], PROVIDER_DIFF_DIR, 60 * 60_000);
    if (!p.ok) throw new Error(`go build of provider-diff failed:\n${p.stderr.trim().split("\n").slice(-30).join("\n")}`);
    // The Pulumi engine's deployment code with its test plugin host, as a test binary (docs/k8s-lab.md).
    const g = run(
      ["test", "-c", "-trimpath", "-ldflags", "-s -w", "-o", binaries().destroyGuard, "./destroyguard"],
      PROVIDER_DIFF_DIR,
      60 * 60_000,
    );
    if (!g.ok) throw new Error(`go test -c of destroyguard failed:\n${g.stderr.trim().split("\n").slice(-30).join("\n")}`);
    fs.writeFileSync(stampPath, JSON.stringify({ key, builtAt: new Date().toISOString() }, null, 2));
    built = true;
  } else log("binaries up to date");

  // Chart and CRD modules: one `go mod download` each; a version the proxy refuses is recorded, not fatal.
  const modules: Record<string, ModuleResult> = {};
  for (const m of modulesToDownload()) {
    const id = `${m.module}@${m.version}`;
    const r = run(["mod", "download", "-json", id], REPO, 20 * 60_000);
    let parsed: { Dir?: string; Error?: string } = {};
    try {
      parsed = JSON.parse(r.stdout) as { Dir?: string; Error?: string };
    } catch {
      parsed = { Error: r.stderr.trim() || "no answer" };
    }
    modules[id] = parsed.Dir && !parsed.Error ? { dir: parsed.Dir } : { error: sanitize(parsed.Error ?? r.stderr) };
    log(`${id}: ${"dir" in modules[id] ? "downloaded" : `not available (${(modules[id] as { error: string }).error})`}`);
  }
  fs.writeFileSync(modulesFile(), JSON.stringify(modules, null, 2));
  return { built, seconds: (Date.now() - started) / 1000, modules };
}

/** The proxy's answer without its address: "not available" is what matters, not where it was asked. */
function sanitize(message: string): string {
  const last = message.trim().split("\n").pop() ?? message;
  return /not available|403|404|410/.test(message)
    ? "the Go module proxy does not serve this version"
    : last.replace(/https?:\/\/\S+/g, "<proxy>");
}

export function readModules(): Record<string, ModuleResult> {
  const file = modulesFile();
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run npm run lab:k8s:build first`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, ModuleResult>;
}

/** Whether the binaries match the current module files (the lab refuses stale ones). */
export function binariesCurrent(): string | undefined {
  if (!Object.values(binaries()).every((b) => fs.existsSync(b))) return "the binaries are not built";
  const stamp = fs.existsSync(stampFile()) ? (JSON.parse(fs.readFileSync(stampFile(), "utf8")) as { key?: string }) : {};
  return stamp.key === currentKey() ? undefined : "the binaries were built from another tools/k8s-lab/go.mod, go.sum or Go";
}

if (require.main === module) {
  try {
    const r = buildLab((line) => process.stderr.write(`${line}\n`));
    const missing = Object.entries(r.modules).filter(([, m]) => "error" in m).length;
    process.stdout.write(
      `kube-apiserver ${LAB_KUBERNETES_VERSION}, etcd, helm: ${r.built ? "built" : "reused"} in ${binDir()}; ` +
        `${Object.keys(r.modules).length - missing} chart/CRD modules downloaded, ${missing} not served; ${r.seconds.toFixed(1)} s\n`,
    );
  } catch (err) {
    process.stderr.write(`lab:k8s:build: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
