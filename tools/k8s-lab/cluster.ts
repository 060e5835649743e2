// One fresh control plane per region: etcd and kube-apiserver on loopback ports, with their own data directory,
// certificates and service-account keys. Every process and directory is written to a state file before it exists, so
// the end of a run, an error, a signal or the next run removes them.
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { binaries } from "./build";
import { stateFile } from "../run-state";

/** Root's runtime directory when writable (as the Kafka lab), else the temporary directory: the lab needs no root. */
export const STATE_FILE = path.join(writable("/run") ? "/run" : os.tmpdir(), "geo-kafka-lab-k8s.json");

function writable(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export interface K8sRunState {
  pid: number;
  runDir: string;
  /**
   * Processes started, with the binary each runs (a pid is only killed while it still runs that binary); `group`: the
   * pid leads a process group, killed whole.
   */
  processes: Array<{ pid: number; binary: string; group?: true }>;
  /** Data directories (etcd stores) removed at the end. */
  dataDirs: string[];
}

export interface ControlPlane {
  region: string;
  url: string;
  token: string;
  caPem: string;
  dir: string;
  processes: ChildProcess[];
}

/** Every process the lab starts dies after this, whatever happens to the lab itself. */
const MAX_SECONDS = 1800;
const MAX_SECONDS_KEEP = 4 * 3600;

const children = new Set<ChildProcess>();

const runState = stateFile<K8sRunState>(STATE_FILE);
export const saveState = runState.save;
export const loadState = runState.load;

export { pidAlive } from "../run-state";

/** The binary a pid runs now, if it runs (a recycled pid runs something else and is left alone). */
function binaryOf(pid: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

/** Kills what a state records and removes its data; returns what could not be undone. */
export function undoState(state: K8sRunState): string[] {
  const failures: string[] = [];
  for (const p of state.processes) {
    if (binaryOf(p.pid) !== p.binary) continue;
    try {
      process.kill(p.group ? -p.pid : p.pid, "SIGKILL");
    } catch (err) {
      failures.push(`pid ${p.pid}: ${(err as Error).message}`);
    }
  }
  for (const c of children) c.kill("SIGKILL");
  for (const dir of state.dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  return failures;
}

function openssl(args: string[]): void {
  const r = spawnSync("openssl", args, { encoding: "utf8", timeout: 30_000 });
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
}

/** A CA, a serving certificate for 127.0.0.1 and the service-account signing key pair. */
function certificates(dir: string): { ca: string; cert: string; key: string; saKey: string; saPub: string } {
  const p = (f: string) => path.join(dir, f);
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", p("ca.key")]);
  openssl(["req", "-x509", "-new", "-key", p("ca.key"), "-subj", "/CN=geo-kafka-lab-ca", "-days", "2", "-out", p("ca.crt")]);
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", p("apiserver.key")]);
  openssl(["req", "-new", "-key", p("apiserver.key"), "-subj", "/CN=kube-apiserver", "-out", p("apiserver.csr")]);
  fs.writeFileSync(p("apiserver.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  openssl(
    ["x509", "-req", "-in", p("apiserver.csr"), "-CA", p("ca.crt"), "-CAkey", p("ca.key"), "-CAcreateserial", "-days", "2"].concat([
      "-extfile",
      p("apiserver.ext"),
      "-out",
      p("apiserver.crt"),
    ]),
  );
  openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", p("sa.key")]);
  openssl(["pkey", "-in", p("sa.key"), "-pubout", "-out", p("sa.pub")]);
  return { ca: p("ca.crt"), cert: p("apiserver.crt"), key: p("apiserver.key"), saKey: p("sa.key"), saPub: p("sa.pub") };
}

function startProcess(binary: string, args: string[], logFile: string, state: K8sRunState, keep: boolean): ChildProcess {
  const out = fs.openSync(logFile, "a");
  const child = spawn(binary, args, { stdio: ["ignore", out, out], detached: keep });
  fs.closeSync(out);
  children.add(child);
  child.on("exit", () => children.delete(child));
  if (child.pid !== undefined) {
    state.processes.push({ pid: child.pid, binary: fs.realpathSync(binary) });
    saveState(state);
    // A hard bound on the process's life even if the lab itself is killed before it can clean up.
    const pid = child.pid;
    const bound = spawn("sh", ["-c", `sleep ${keep ? MAX_SECONDS_KEEP : MAX_SECONDS}; kill -9 ${pid} 2>/dev/null`], {
      stdio: "ignore",
      detached: true,
    });
    bound.unref();
    if (bound.pid !== undefined) state.processes.push({ pid: bound.pid, binary: fs.realpathSync("/bin/sh"), group: true });
    saveState(state);
  }
  if (keep) child.unref();
  return child;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, probe: () => Promise<boolean>, seconds: number, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await probe().catch(() => false)) return;
    await sleep(500);
  }
  const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").split("\n").slice(-15).join("\n") : "";
  throw new Error(`${what} did not become ready in ${seconds} s${child.exitCode !== null ? ` (exit ${child.exitCode})` : ""}:\n${tail}`);
}

/**
 * Ports of region i: etcd client and peer, API server. Fixed so `--keep` can print them; checked free before use. All
 * below Linux's ephemeral range (32768-60999 by default): there, one API server's own connections to its etcd could take
 * the port the next API server is about to listen on (seen once: "bind: address already in use" on 36444).
 */
export function portsOf(i: number): { etcdClient: number; etcdPeer: number; apiserver: number } {
  return { etcdClient: 22379 + 10 * i, etcdPeer: 22380 + 10 * i, apiserver: 26443 + i };
}

export async function startControlPlane(
  region: string,
  index: number,
  runDir: string,
  state: K8sRunState,
  keep: boolean,
  https: (cp: Pick<ControlPlane, "url" | "token" | "caPem">, p: string) => Promise<number>,
): Promise<ControlPlane> {
  const dir = path.join(runDir, region);
  fs.mkdirSync(dir, { recursive: true });
  const ports = portsOf(index);
  const certs = certificates(dir);
  const token = `lab-${region}-${Math.random().toString(36).slice(2)}`;
  fs.writeFileSync(path.join(dir, "tokens.csv"), `${token},lab-admin,lab-admin,"system:masters"\n`, { mode: 0o600 });
  const dataDir = path.join(dir, "etcd");
  state.dataDirs.push(dataDir);
  saveState(state);

  const etcdLog = path.join(dir, "etcd.log");
  const etcd = startProcess(
    binaries().etcd,
    ["--data-dir", dataDir, "--client-url", `http://127.0.0.1:${ports.etcdClient}`, "--peer-url", `http://127.0.0.1:${ports.etcdPeer}`],
    etcdLog,
    state,
    keep,
  );
  await waitFor(`etcd of ${region}`, async () => (await fetch(`http://127.0.0.1:${ports.etcdClient}/health`)).ok, 60, etcd, etcdLog);

  const apiLog = path.join(dir, "kube-apiserver.log");
  // The flags a test control plane runs with (controller-runtime's envtest does the same): no kubelet, no
  // controller-manager. Admission webhooks are off: nothing runs that could answer them.
  const apiserver = startProcess(
    binaries().apiserver,
    [
      `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${ports.apiserver}`,
      `--tls-cert-file=${certs.cert}`,
      `--tls-private-key-file=${certs.key}`,
      `--client-ca-file=${certs.ca}`,
      `--token-auth-file=${path.join(dir, "tokens.csv")}`,
      "--authorization-mode=RBAC",
      "--service-cluster-ip-range=10.96.0.0/16",
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${certs.saPub}`,
      `--service-account-signing-key-file=${certs.saKey}`,
      "--allow-privileged=true",
      "--disable-admission-plugins=ServiceAccount,MutatingAdmissionWebhook,ValidatingAdmissionWebhook",
      "--enable-priority-and-fairness=false",
      "--profiling=false",
      "--v=1",
    ],
    apiLog,
    state,
    keep,
  );
  const cp = {
    region,
    url: `https://127.0.0.1:${ports.apiserver}`,
    token,
    caPem: fs.readFileSync(certs.ca, "utf8"),
    dir,
    processes: [etcd, apiserver],
  };
  await waitFor(`kube-apiserver of ${region}`, async () => (await https(cp, "/readyz")) === 200, 180, apiserver, apiLog);
  return cp;
}
