// `npm run lab:kafka -- --stack gke|eks [--json] [--keep] [--rate-mbit M] [--cut-seconds S]`
// Kafka itself judges what the plan renders: the stack's controllers and brokers run as real Kafka JVMs, one
// network namespace per pod, three regions joined by delay lines with the stack's RTTs, and the checks of
// tools/kafka-lab/phases.ts run against them. Needs root; see docs/kafka-lab.md.
import * as fs from "node:fs";
import * as path from "node:path";
import { KafkaLabOptions, parseKafkaLabArgs } from "../lib/kafka-lab/args";
import { LabNetwork, advertisedHosts, allNamespaces, labNetwork, memberOf } from "../lib/kafka-lab/network";
import { PlannedPod, plannedKafkaPods, serverProperties } from "../lib/kafka-lab/pods";
import { PhaseTimer } from "../lib/kafka-lab/phase-timer";
import { KafkaLabReport, LabCheck, renderChecks } from "../lib/kafka-lab/report";
import { plannedKafkaSysctls } from "../lib/kafka-lab/sysctls";
import { rawConfigFromMap, validateConfig } from "../lib/config/validate";
import type { Plan } from "../lib/plan";
import { errorsOf, formatProblems } from "../lib/problems";
import { ClientContext, stopClients } from "./kafka-lab/client";
import { buildDelayLine, buildRegions, restartLink, startLinks, stopLinks, RunningLink, writeHostsFiles } from "./kafka-lab/net";
import { LabContext, runPhases } from "./kafka-lab/phases";
import { createCa, issue, keystorePem } from "./kafka-lab/pki";
import { PodRuntime, Rewrite, killPod, startPod } from "./kafka-lab/pods";
import { runtimePaths, runtimeProblems } from "./kafka-lab/runtime";
import {
  STATE_FILE,
  RunState,
  children,
  hasCommand,
  loadState,
  pidAlive,
  readSysctl,
  saveState,
  undoState,
  writeSysctl,
} from "./kafka-lab/sys";
import { runStack, stackFilePath, toPlan } from "./run-stack";
import { readStackFile } from "./stack-file";

/**
 * Lab heaps: 12 JVMs share 2 cores and 24 GiB here; the plan's 6 GiB heaps would not fit. Controllers get as much as
 * brokers: after a region cut every broker's heartbeats and ISR changes land on the active controller at once, and a
 * controller that spends its time collecting garbage answers after the brokers' 2 s RPC bound.
 */
const LAB_HEAP = { broker: "-Xms512m -Xmx512m", controller: "-Xms512m -Xmx512m" } as const;
/** Every process the lab starts dies after this, whatever happens to the lab itself. */
const MAX_SECONDS = 1500;
const MAX_SECONDS_KEEP = 4 * 3600;
/** The CLIENT snippet names where the password lives instead of rendering it. */
const PASSWORD_PLACEHOLDER = /<password: [^>]*>/g;

let state: RunState | undefined;
let links: RunningLink[] = [];
let pods: PodRuntime[] = [];
let stopping = false;
let options: KafkaLabOptions | undefined;
let runDir = "";
let labNet: LabNetwork | undefined;
const started = Date.now();

function log(line: string): void {
  const t = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[${t}s] ${line}\n`);
}

const timer = new PhaseTimer();
/** Starts phase `name` (its seconds go to the report's phaseSeconds) and says what it does. */
function phase(name: string, what: string): void {
  timer.start(name);
  log(`phase: ${what}`);
}

let teardownDone: Promise<void> | undefined;

/** Removes everything the run created; both the normal end and a signal wait for the same teardown. */
function teardown(): Promise<void> {
  teardownDone ??= doTeardown();
  return teardownDone;
}

async function doTeardown(): Promise<void> {
  if (!state) return;
  const s = state;
  for (const p of pods) if (p.running) p.running.child.kill("SIGKILL");
  await stopClients().catch(() => undefined);
  const failures = undoState(s);
  await stopLinks(links).catch(() => []);
  for (const c of children) c.kill("SIGKILL");
  // The pods' volumes hold gigabytes of replicated test data; their logs stay for reading.
  for (const p of pods) for (const dir of Object.values(p.claims)) fs.rmSync(dir, { recursive: true, force: true });
  if (failures.length === 0) fs.rmSync(STATE_FILE, { force: true });
  else log(`cleanup could not undo: ${failures.join("; ")} (the next run retries from ${STATE_FILE})`);
}

function onSignal(signal: string, code: number): void {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping and removing the lab cluster`);
  void teardown().finally(() => process.exit(code));
}

async function acquireState(runDir: string): Promise<RunState> {
  let previous = loadState();
  // A run stopped by a signal (a CI time bound) may still be tearing down: give it a minute and a half to finish.
  for (let i = 0; i < 90 && previous && previous.pid !== process.pid && pidAlive(previous.pid); i++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    previous = loadState();
  }
  if (previous) {
    if (previous.pid !== process.pid && pidAlive(previous.pid))
      throw new Error(`another lab run (pid ${previous.pid}) is in progress: ${STATE_FILE}`);
    log(`repairing what an earlier run left (${STATE_FILE})`);
    const failures = undoState(previous);
    if (failures.length > 0) throw new Error(`could not undo the earlier run: ${failures.join("; ")}`);
  }
  const s: RunState = { pid: process.pid, runDir, namespaces: [], sysctls: {}, createdDirs: [], netnsEtc: [] };
  saveState(s);
  return s;
}

interface Loaded {
  plan: Plan;
  spec: NonNullable<Extract<ReturnType<typeof validateConfig>, { ok: true }>["spec"]>;
}

async function loadStack(stack: string): Promise<Loaded> {
  const read = readStackFile(stackFilePath(stack));
  if (!read.ok) throw new Error(`Pulumi.${stack}.yaml cannot be read:\n${formatProblems(read.problems)}`);
  const validated = validateConfig(rawConfigFromMap(read.file.config));
  if (!validated.ok)
    throw new Error(
      `Pulumi.${stack}.yaml is invalid; the lab runs only a plannable stack:\n${formatProblems(errorsOf(validated.problems))}`,
    );
  const result = await runStack({ stack });
  if (!result.ok) {
    const why = result.problems.length > 0 ? formatProblems(result.problems) : String(result.error);
    throw new Error(`the ${stack} plan failed:\n${why}`);
  }
  return { plan: toPlan(stack, result.run, true), spec: validated.spec };
}

function orderPods(all: PlannedPod[], regionNames: readonly string[]): Map<string, PlannedPod[]> {
  const byRegion = new Map<string, PlannedPod[]>(regionNames.map((r) => [r, []]));
  for (const p of all) {
    const list = byRegion.get(p.region);
    if (!list) throw new Error(`${p.podName}: region ${p.region} is not one of the stack's regions`);
    list.push(p);
  }
  for (const list of byRegion.values()) list.sort((a, b) => (a.role === b.role ? a.ordinal - b.ordinal : a.role === "controller" ? -1 : 1));
  return byRegion;
}

/** Real TLS material with the plan's names replaces the plan's placeholders in every pod's Secret mounts. */
function issueCertificates(plan: Plan, planned: PlannedPod[], dir: string, rewrites: Rewrite[]): string | undefined {
  const requests = plan.resources.filter((r) => r.type === "tls:index/certRequest:CertRequest");
  if (requests.length === 0) return undefined;
  const caSubject = plan.resources.find((r) => r.type === "tls:index/selfSignedCert:SelfSignedCert");
  const caName = String((caSubject?.inputs.subject as { commonName?: string } | undefined)?.commonName ?? "geo-kafka cluster CA");
  const ca = createCa(dir, caName);
  const keystores: Record<string, string> = {};
  for (const pod of planned) {
    const request = requests.find((r) => ((r.inputs.dnsNames as string[] | undefined) ?? []).some((n) => n.startsWith(`${pod.podName}.`)));
    if (!request) continue;
    const subject = request.inputs.subject as { commonName: string; organization?: string };
    const cert = issue(
      ca,
      {
        resource: request.name,
        commonName: subject.commonName,
        ...(subject.organization ? { organization: subject.organization } : {}),
        dnsNames: request.inputs.dnsNames as string[],
      },
      pod.podName,
    );
    keystores[`${pod.podName}.pem`] = keystorePem(cert, ca.caCertPem);
  }
  let replaced = 0;
  for (const pod of planned) {
    for (const m of pod.mounts) {
      if (m.source.kind !== "secret") continue;
      for (const key of Object.keys(m.source.files)) {
        if (key in keystores) {
          m.source.files[key] = keystores[key];
          replaced++;
        } else if (key === "ca.crt") m.source.files[key] = ca.caCertPem;
      }
    }
  }
  rewrites.push({
    what: `TLS: ${Object.keys(keystores).length} node keys and certificates and the cluster CA issued by the lab (OpenSSL, ECDSA P-256) with the plan's subjects and SANs`,
    why: `under mocks the plan's keys and certificates are placeholders (${replaced} keystore files replaced)`,
  });
  return ca.caCertPath;
}

function podEnv(pod: PlannedPod, rewrites: Map<string, Rewrite>): { env: Record<string, string>; later: Record<string, string> } {
  const env: Record<string, string> = {};
  const later: Record<string, string> = {};
  for (const e of pod.env) {
    if (e.value.kind === "configMap" && e.value.optional) {
      // An optional reference to a ConfigMap the plan creates after the pods (the quorum marker): unset when the
      // cluster first starts, as the kubelet leaves it; the checks that restart a pod later set it.
      if (e.value.value === undefined)
        throw new Error(`${pod.podName}: env ${e.name} names ConfigMap ${e.value.configMap}, which the plan does not hold`);
      later[e.name] = e.value.value;
      rewrites.set(`later-${e.name}`, {
        what: `${e.name} (ConfigMap ${e.value.configMap}, optional): unset at the cluster's first start, set for the restarts that follow it`,
        why: "the plan creates the ConfigMap once every controller is up; the lab starts every pod at once",
      });
      continue;
    }
    if (e.value.value === undefined)
      throw new Error(
        `${pod.podName}: env ${e.name} comes from ${e.value.kind === "secret" ? `Secret ${e.value.secret}` : e.value.kind === "configMap" ? `ConfigMap ${e.value.configMap}` : "?"}, which the plan does not hold`,
      );
    env[e.name] = e.value.value;
  }
  const heap = pod.role === "broker" ? LAB_HEAP.broker : LAB_HEAP.controller;
  if (env.KAFKA_HEAP_OPTS !== undefined) {
    rewrites.set("heap", {
      what: `KAFKA_HEAP_OPTS: ${env.KAFKA_HEAP_OPTS} -> brokers ${LAB_HEAP.broker}, controllers ${LAB_HEAP.controller}`,
      why: "12 JVMs on 2 cores and 24 GiB",
    });
  }
  env.KAFKA_HEAP_OPTS = heap;
  if (env.KAFKA_OPTS?.includes("-javaagent:")) {
    rewrites.set("agent", {
      what: `KAFKA_OPTS (${env.KAFKA_OPTS.split(" ")[0].split("=")[0]}) removed`,
      why: "the metrics agent jar is downloaded by an init container from the internet, which the lab cannot reach; the metrics path is untested here",
    });
    delete env.KAFKA_OPTS;
  }
  return { env, later };
}

function clientConfigs(plan: Plan, net: LabNetwork, dir: string, rewrites: Rewrite[]): Record<string, string> {
  const snippets = (plan.outputs.kafka as { clientConfigs?: Array<{ region: string; consumer: string; producer: string }> } | undefined)
    ?.clientConfigs;
  if (!snippets) throw new Error("the plan has no kafka.clientConfigs output");
  const credentials = plan.resources.find(
    (r) => r.type === "kubernetes:core/v1:Secret" && (r.inputs.metadata as { name?: string }).name === "kafka-admin-credentials",
  );
  const password = (credentials?.inputs.stringData as { password?: unknown } | undefined)?.password;
  const plain =
    typeof password === "object" && password !== null && "value" in password ? (password as { value: unknown }).value : password;
  if (typeof plain !== "string" || plain === "") throw new Error("the plan's kafka-admin-credentials Secret has no password");
  const files: Record<string, string> = {};
  for (const region of net.regions) {
    const s = snippets.find((c) => c.region === region.name);
    if (!s) throw new Error(`no client configuration for ${region.name} in the plan`);
    const file = path.join(dir, `client-${region.name}.properties`);
    // The consumer snippet carries the connection and client.rack; the producer's settings are added per command.
    fs.writeFileSync(file, s.consumer.replace(PASSWORD_PLACEHOLDER, plain));
    fs.writeFileSync(path.join(dir, `producer-${region.name}.properties`), s.producer.replace(PASSWORD_PLACEHOLDER, plain));
    files[region.name] = file;
  }
  rewrites.push({
    what: "client configurations: the plan's consumer/producer snippets with the password placeholder replaced by the admin Secret's value",
    why: "the snippets name where the password lives instead of holding it",
  });
  return files;
}

async function runLab(
  options: KafkaLabOptions,
  plan: Plan,
  spec: Loaded["spec"],
  runtime: ReturnType<typeof runtimePaths>,
  rewrites: Rewrite[],
): Promise<{ checks: LabCheck[]; figures: Record<string, unknown> }> {
  const regionNames = spec.regions.map((r) => r.name);
  const planned = plannedKafkaPods(plan);
  const byRegion = orderPods(planned, regionNames);
  const envRewrites = new Map<string, Rewrite>();

  process.on("SIGINT", () => onSignal("SIGINT", 130));
  process.on("SIGTERM", () => onSignal("SIGTERM", 143));
  process.on("SIGHUP", () => onSignal("SIGHUP", 129));

  // Not under /tmp: each pod gets its own /tmp (an emptyDir), which would hide a run directory below it.
  runDir = fs.mkdtempSync(path.join("/var/tmp", `geo-kafka-lab-${options.stack}-`));
  fs.chmodSync(runDir, 0o755);
  state = await acquireState(runDir);
  const maxSeconds = options.keep ? MAX_SECONDS_KEEP : MAX_SECONDS;
  const net = labNetwork(
    `gkl${options.stack[0]}`,
    regionNames.map((name) => ({ name, pods: byRegion.get(name)!.map((p) => p.podName) })),
    spec.links,
  );
  labNet = net;

  phase("kernel", "kernel (the plan's Kafka node sysctls)");
  const sysctls = plannedKafkaSysctls(plan);
  if (!sysctls) throw new Error("the plan sets no sysctls for the Kafka nodes");
  const hostKeys = Object.keys(sysctls.values).filter((k) => k.startsWith("net.core.") || k.startsWith("vm.") || k.startsWith("fs."));
  for (const k of hostKeys) state.sysctls[k] = readSysctl(k);
  saveState(state);
  for (const k of hostKeys) writeSysctl(k, sysctls.values[k]);
  const nsSysctls = Object.fromEntries(Object.entries(sysctls.values).filter(([k]) => k.startsWith("net.ipv4.")));
  log(
    `  ${sysctls.source}: ${Object.entries(sysctls.values)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")} (net.core.* and vm.* on the host, restored at the end)`,
  );

  phase("network", `network (${allNamespaces(net).length} namespaces, ${net.links.length} delay lines at ${options.rateMbit} Mbit/s)`);
  buildRegions(net, state, nsSysctls);
  const binary = buildDelayLine(runDir);
  links = await startLinks(net, binary, options.rateMbit, maxSeconds, runDir);
  for (const l of net.links) log(`  ${net.regions[l.a].name} <-> ${net.regions[l.b].name}: RTT ${l.rttMs} ms (${l.dev})`);

  const entries: Array<{ address: string; names: string[] }> = [];
  for (const pod of planned) {
    const props = serverProperties(pod);
    const names = advertisedHosts(props);
    if (names.length === 0) throw new Error(`${pod.podName}: no advertised.listeners in its server-${pod.ordinal}.properties`);
    entries.push({ address: memberOf(net, pod.podName).member.address, names });
  }
  writeHostsFiles(net, state, entries);
  rewrites.push({
    what: "name resolution: every advertised name maps to its pod's lab address through /etc/netns/<ns>/hosts, and the host name the pod's processes see to the pod's own address (kubelet writes that line into every pod's /etc/hosts)",
    why: "no cluster DNS, Lighthouse or Istio here",
  });

  phase("certificates", "certificates");
  const caPath = issueCertificates(plan, planned, path.join(runDir, "pki"), rewrites);
  const clientDir = path.join(runDir, "client");
  fs.mkdirSync(clientDir, { recursive: true });
  const configFiles = clientConfigs(plan, net, clientDir, rewrites);
  let mountTarget: string | undefined;
  let mountSource: string | undefined;
  if (caPath) {
    const truststore = /ssl\.truststore\.location=(.+)/.exec(fs.readFileSync(Object.values(configFiles)[0], "utf8"))?.[1]?.trim();
    if (truststore) {
      mountTarget = path.dirname(truststore);
      mountSource = path.join(runDir, "client-ca");
      fs.mkdirSync(mountSource, { recursive: true });
      fs.copyFileSync(caPath, path.join(mountSource, path.basename(truststore)));
      if (!fs.existsSync(mountTarget)) {
        fs.mkdirSync(mountTarget, { recursive: true });
        state.createdDirs.push(mountTarget);
        saveState(state);
      }
    }
  }
  const client: ClientContext = {
    runtime,
    configFiles,
    logDir: clientDir,
    ...(mountSource && mountTarget ? { mountSource, mountTarget } : {}),
  };

  phase("start", "start (3 controllers and 9 brokers with the rendered start script)");
  pods = planned.map((pod) => {
    const dir = path.join(runDir, "pods", pod.podName);
    fs.mkdirSync(dir, { recursive: true });
    const claims: Record<string, string> = {};
    for (const m of pod.mounts) {
      if (m.source.kind !== "persistentVolumeClaim") continue;
      const claimDir = path.join(dir, `pvc-${m.source.claim}`);
      fs.mkdirSync(claimDir, { recursive: true });
      fs.chownSync(claimDir, pod.user?.uid ?? 0, pod.user?.gid ?? 0);
      fs.chmodSync(claimDir, 0o2775);
      claims[m.source.claim] = claimDir;
    }
    const { env, later } = podEnv(pod, envRewrites);
    return { pod, ns: memberOf(net, pod.podName).member.ns, dir, env, laterEnv: later, claims, starts: 0 };
  });
  rewrites.push(...envRewrites.values());
  rewrites.push(
    {
      what: `the image's ${"/opt/kafka"}: Kafka ${runtime.version} jars from Maven Central with bin/ scripts that follow kafka-run-class.sh's environment contract`,
      why: "no container registry here; the release tarball is not on Maven Central",
    },
    {
      what: "containers: each pod is a network namespace plus a private mount namespace with the pod's volumes bind-mounted at their mountPaths, run as the pod's uid/gid; the host's /bin/sh (dash) runs the scripts",
      why: "no container runtime; the image's shell is busybox sh",
    },
    {
      what: "not emulated: readOnlyRootFilesystem, resource limits, probes by a kubelet, init containers, the Istio sidecar (Istio mode runs Kafka's listeners directly over the WAN: mutual TLS between nodes, SCRAM without TLS for clients)",
      why: "no kubelet or mesh here",
    },
  );
  for (const p of pods) startPod(p, runtime, state, maxSeconds);

  const setLink = async (index: number, rttMs: number, rateMbit: number): Promise<void> => {
    const at = links.findIndex((l) => l.link.dev === net.links[index].dev);
    if (at < 0) throw new Error(`no running delay line for ${net.links[index].dev}`);
    links[at] = await restartLink(net, links[at], rttMs, binary, rateMbit, maxSeconds, runDir);
  };
  const ctx: LabContext = {
    options,
    spec,
    plan,
    net,
    pods,
    client,
    runtime,
    state,
    log,
    phase,
    setLink,
    maxSeconds,
    started,
    rewritten: new Set(),
    topics: [],
  };
  return runPhases(ctx);
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseKafkaLabArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n`);
    return parsed.help ? 0 : 2;
  }
  options = parsed.options;
  const problems: string[] = [];
  if (process.getuid?.() !== 0)
    problems.push("the lab needs root: it creates network namespaces, veth pairs, TUN devices and mounts, and sets net.core.rmem_max");
  for (const c of ["ip", "gcc", "openssl", "nsenter", "setpriv", "timeout"])
    if (!hasCommand(c)) problems.push(`${c} is missing (Debian: iproute2, gcc, openssl, util-linux, coreutils)`);
  if (!fs.existsSync("/dev/net/tun")) problems.push("/dev/net/tun is missing: the delay line needs TUN devices");
  phase("plan", `plan (${options.stack}, under mocks as npm run plan does)`);
  const { plan, spec } = await loadStack(options.stack);
  problems.push(...runtimeProblems(spec.kafka.version));
  if (problems.length > 0) {
    process.stderr.write(`lab:kafka cannot run:\n${problems.map((p) => `  - ${p}`).join("\n")}\n`);
    return 1;
  }
  const runtime = runtimePaths();
  const rewrites: Rewrite[] = [];
  let result: { checks: LabCheck[]; figures: Record<string, unknown> };
  try {
    result = await runLab(options, plan, spec, runtime, rewrites);
  } catch (err) {
    // A setup step the plan makes impossible (a certificate OpenSSL refuses, a node that cannot start) is a result.
    log(`setup failed: ${(err as Error).message}`);
    result = { checks: [{ name: "setup", ok: false, detail: (err as Error).message }], figures: {} };
  }
  const { checks, figures } = result;
  // The teardown runs after the report is printed; its seconds are in the log, not here.
  timer.stop();
  const report: KafkaLabReport = {
    stack: options.stack,
    kafkaVersion: runtime.version,
    wallSeconds: Math.round((Date.now() - started) / 1000),
    phaseSeconds: timer.seconds(),
    rewrites,
    checks,
    figures,
  };
  if (runDir) fs.writeFileSync(path.join(runDir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
  if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    process.stdout.write(
      `\nrewrites (what the lab changed, so what it did not test):\n${rewrites.map((r) => `  - ${r.what} (${r.why})`).join("\n")}\n\n`,
    );
    process.stdout.write(`figures:\n${JSON.stringify(figures, null, 2)}\n\n${renderChecks(checks)}\n`);
  }
  log(`run directory: ${runDir} (pod logs, client logs, report.json)`);
  if (options.keep && labNet) {
    log(`--keep: the cluster stays up. Namespaces: ${allNamespaces(labNet).join(" ")}`);
    log(`  a client shell:   ip netns exec ${labNet.regions[0].client.ns} bash`);
    log(`  inside a pod:     nsenter -t $(ip netns pids ${pods[0].ns} | head -1) -m -n bash`);
    log(`  stop and remove:  Ctrl-C here, or kill ${process.pid}`);
    await new Promise<void>(() => undefined);
  }
  return checks.every((c: LabCheck) => c.ok) ? 0 : 1;
}

main(process.argv.slice(2))
  .then(
    (code) => code,
    (err) => {
      process.stderr.write(`lab:kafka: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      return 1;
    },
  )
  .then(async (code) => {
    for (const p of pods) if (p.running) await killPod(p).catch(() => undefined);
    await teardown();
    process.exit(code);
  });
