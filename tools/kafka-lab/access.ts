// The Kafka lab's access phase: the plan's own access Job run against the cluster (then again after an edit of the
// stack file), connections that prove nothing refused on every listener, declared users allowed exactly what their
// ACLs say, and a produce quota measured.
import * as fs from "node:fs";
import * as path from "node:path";
import { PlannedPod, plannedJobPods } from "../../lib/kafka-lab/pods";
import type { LabRegion } from "../../lib/kafka-lab/network";
import type { Plan } from "../../lib/plan";
import { readStackFile } from "../stack-file";
import { runStack, stackFilePath, toPlan } from "../run-stack";
import { runClient } from "./client";
import { Check, LabContext, TopicDescription, createTopic, properties } from "./phase-context";
import { PodRuntime, startPod } from "./pods";

/** What the lab's edit of the stack file changes (the issue's access checks). */
const EDIT = { grownTopic: "orders", partitionsAdded: 2, retentionMs: "86400000", removedTopic: "orders-audit" } as const;
/** A topic the admin creates and no declared user has an ACL for. */
const PRIVATE_TOPIC = "lab-access-private";
/** A 1 MiB/s produce quota, offered three times as much (records of 10 kB at 300/s) for 15 s. */
const QUOTA = { user: "lab-quota", topic: "lab-quota", producerByteRate: 1_048_576, seconds: 15, size: 10_000, rate: 300 } as const;
/** The measured rate may exceed the quota by this much: Kafka throttles over a window of samples, not per request. */
const QUOTA_TOLERANCE = 1.2;

interface JobRun {
  ok: boolean;
  code: number | null;
  seconds: number;
  log: string[];
}

type Kafka = Record<string, unknown> & { topics?: Array<{ name: string; partitions?: number; config?: Record<string, string> }> };

/** The stack file's config with the lab's edit applied to `geo-kafka:kafka`. */
function editedStackFile(stack: string) {
  const read = readStackFile(stackFilePath(stack));
  if (!read.ok) throw new Error(`Pulumi.${stack}.yaml cannot be read`);
  const key = "geo-kafka:kafka";
  const kafka = JSON.parse(read.file.config[key]) as Kafka & { users?: unknown[] };
  const topics = (kafka.topics ?? []).filter((t) => t.name !== EDIT.removedTopic);
  const grown = topics.find((t) => t.name === EDIT.grownTopic);
  if (!grown || grown.partitions === undefined) throw new Error(`the stack file declares no topic ${EDIT.grownTopic}`);
  grown.partitions += EDIT.partitionsAdded;
  grown.config = { ...(grown.config ?? {}), "retention.ms": EDIT.retentionMs };
  topics.push({ name: QUOTA.topic, partitions: 1 });
  const users = [
    ...(kafka.users ?? []),
    {
      name: QUOTA.user,
      namespaces: [(kafka.clientNamespaces as string[] | undefined)?.[0] ?? "kafka-clients"],
      acls: [{ resourceType: "topic", name: QUOTA.topic, operations: ["write", "describe"] }],
      quotas: { producerByteRate: QUOTA.producerByteRate },
    },
  ];
  return { ...read.file, config: { ...read.file.config, [key]: JSON.stringify({ ...kafka, topics, users }) } };
}

/**
 * The access Job as Kubernetes runs it: its pod, as the plan renders it, in the first region's client namespace until
 * it exits, a failed pod followed by a new one up to the Job's backoffLimit.
 */
async function runJob(ctx: LabContext, plan: Plan, label: string): Promise<JobRun & { attempts: number }> {
  const job = plan.resources.find((r) => r.type === "kubernetes:batch/v1:Job");
  const backoffLimit = Number((job?.inputs.spec as { backoffLimit?: number } | undefined)?.backoffLimit ?? 6);
  let run: JobRun = { ok: false, code: null, seconds: 0, log: [] };
  let seconds = 0;
  let attempts = 0;
  const logs: string[] = [];
  while (attempts <= backoffLimit && !run.ok) {
    attempts++;
    run = await runJobPod(ctx, plan, `${label}-${attempts}`);
    seconds += run.seconds;
    logs.push(...(attempts > 1 ? [`(attempt ${attempts})`] : []), ...run.log);
  }
  return { ...run, seconds, log: logs, attempts };
}

async function runJobPod(ctx: LabContext, plan: Plan, label: string): Promise<JobRun> {
  // The plan has one access Job, in the first region's cluster.
  const pod: PlannedPod | undefined = plannedJobPods(plan)[0];
  if (!pod) return { ok: false, code: null, seconds: 0, log: ["the plan has no access Job"] };
  // The lab's CA replaces the plan's placeholder, as for the brokers' own Secrets.
  const ca = path.join(ctx.state.runDir, "pki", "ca.crt");
  for (const m of pod.mounts)
    if (m.source.kind === "secret" && "ca.crt" in m.source.files && fs.existsSync(ca))
      m.source.files["ca.crt"] = fs.readFileSync(ca, "utf8");
  const dir = path.join(ctx.state.runDir, "jobs", label);
  fs.mkdirSync(dir, { recursive: true });
  const rt: PodRuntime = { pod, ns: ctx.net.regions[0].client.ns, dir, env: {}, laterEnv: {}, claims: {}, starts: 0 };
  for (const e of pod.env) if (e.value.value !== undefined) rt.env[e.name] = e.value.value;
  const started = Date.now();
  startPod(rt, ctx.runtime, ctx.state, 600);
  const done = await rt.running!.done;
  const log = fs.existsSync(path.join(dir, "container.log"))
    ? fs.readFileSync(path.join(dir, "container.log"), "utf8").trim().split("\n")
    : [];
  return { ok: done.code === 0, code: done.code, seconds: (Date.now() - started) / 1000, log };
}

/** A user's client.properties from its Secret in the first region (the plan's own rendering, with the mock password). */
function userConfig(ctx: LabContext, plan: Plan, user: string): string | undefined {
  const provider = plannedJobPods(plan)[0]?.provider;
  const secret = plan.resources.find(
    (r) =>
      r.type === "kubernetes:core/v1:Secret" &&
      r.provider === provider &&
      (r.inputs.metadata as { name?: string } | undefined)?.name === `kafka-user-${user}`,
  );
  const data = secret?.inputs.stringData as { value?: Record<string, string> } | Record<string, string> | undefined;
  const files = (data && "value" in data ? data.value : data) as Record<string, string> | undefined;
  const text = files?.["client.properties"];
  if (!text) return undefined;
  const file = path.join(ctx.client.logDir, `user-${user}.properties`);
  fs.writeFileSync(file, text);
  return file;
}

function writeConfig(ctx: LabContext, name: string, props: Record<string, string>): string {
  const file = path.join(ctx.client.logDir, `probe-${name}.properties`);
  fs.writeFileSync(
    file,
    `${Object.entries(props)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n")}\n`,
  );
  return file;
}

/** The address of a node's listener, from its rendered advertised.listeners. */
function listenerAddress(p: PodRuntime, listener: string): string | undefined {
  const value = properties(p)["advertised.listeners"] ?? "";
  return value
    .split(",")
    .map((l) => l.trim())
    .find((l) => l.startsWith(`${listener}://`))
    ?.slice(listener.length + 3);
}

const short = (s: unknown) =>
  String(s ?? "")
    .replace(/\s+/g, " ")
    .slice(0, 160);

export async function accessPhase(ctx: LabContext, check: Check, figures: Record<string, unknown>): Promise<void> {
  const region0: LabRegion = ctx.net.regions[0];
  const admin = (args: string[], timeoutMs = 90_000) => runClient<Record<string, unknown>>(ctx.client, region0, args, timeoutMs);
  const as = (config: string, args: string[], timeoutMs = 90_000) =>
    runClient<Record<string, unknown>>(ctx.client, region0, [...args, "--config", config], timeoutMs);
  const access: Record<string, unknown> = {};
  figures.access = access;

  // ---- the plan's access Job ----------------------------------------------------------------------------------
  const first = await runJob(ctx, ctx.plan, "apply-1");
  check(
    "access Job applies the declared topics and users",
    first.ok,
    `exit ${first.code} after ${first.seconds.toFixed(0)} s, ${first.attempts} attempt(s); ${first.log
      .filter((l) => l.startsWith("geo-kafka") || l.startsWith("(attempt"))
      .slice(-4)
      .join(" | ")}`,
  );
  access.jobSeconds = Math.round(first.seconds);
  access.jobAttempts = first.attempts;
  const declared = ctx.spec.kafka.topics;
  const describe = await admin(["describe-topics", "--topics", declared.map((t) => t.name).join(",")]);
  const described = (describe.result as { topics?: Array<TopicDescription & { topicOverrides?: Record<string, string> }> }).topics ?? [];
  const rackOf = (id: number) => ctx.pods.find((p) => Number(properties(p)["node.id"]) === id)?.pod.region;
  const wrong: string[] = [];
  for (const t of declared) {
    const d = described.find((x) => x.name === t.name);
    const rf = t.replicationFactor ?? ctx.spec.kafka.replicationFactor;
    if (!d || !Array.isArray(d.partitions)) {
      wrong.push(`${t.name} missing`);
      continue;
    }
    if (d.partitions.length !== t.partitions) wrong.push(`${t.name}: ${d.partitions.length} partitions, declared ${t.partitions}`);
    for (const p of d.partitions) {
      const racks = new Set(p.replicas.map(rackOf));
      if (p.replicas.length !== rf || racks.size !== rf) wrong.push(`${t.name}-${p.partition}: replicas ${p.replicas.join(",")}`);
    }
    const overrides = d.topicOverrides ?? {};
    for (const [k, v] of Object.entries(t.config)) if (overrides[k] !== v) wrong.push(`${t.name}: ${k}=${overrides[k]}, declared ${v}`);
  }
  access.topicsCreated = declared.length - wrong.filter((w) => w.endsWith("missing")).length;
  check(
    "declared topics exist with their partitions, one replica per region and their configs",
    describe.ok && wrong.length === 0,
    wrong.length === 0
      ? declared.map((t) => `${t.name}: ${t.partitions} partitions, ${JSON.stringify(t.config)}`).join("; ")
      : wrong.slice(0, 5).join("; "),
  );

  // ---- nothing unproven is let in ------------------------------------------------------------------------------
  const broker = ctx.pods.find((p) => p.pod.role === "broker" && p.pod.region === region0.name)!;
  const controller = ctx.pods.find((p) => p.pod.role === "controller" && p.pod.region === region0.name)!;
  const ca = path.join(ctx.state.runDir, "pki", "ca.crt");
  const trust = { "ssl.truststore.type": "PEM", "ssl.truststore.location": ca, "ssl.endpoint.identification.algorithm": "https" };
  const clientTls = ctx.spec.mesh.mode === "submariner";
  const probes: Array<{ name: string; props: Record<string, string> }> = [
    {
      name: "CLIENT without SASL",
      props: {
        "bootstrap.servers": listenerAddress(broker, "CLIENT")!,
        ...(clientTls ? { "security.protocol": "SSL", ...trust } : { "security.protocol": "PLAINTEXT" }),
      },
    },
    {
      name: "REPLICATION without a certificate",
      props: { "bootstrap.servers": listenerAddress(broker, "REPLICATION")!, "security.protocol": "SSL", ...trust },
    },
    {
      name: "REPLICATION in plaintext",
      props: { "bootstrap.servers": listenerAddress(broker, "REPLICATION")!, "security.protocol": "PLAINTEXT" },
    },
    {
      name: "CONTROLLER without a certificate",
      props: { "bootstrap.controllers": listenerAddress(controller, "CONTROLLER")!, "security.protocol": "SSL", ...trust },
    },
    {
      name: "CONTROLLER in plaintext",
      props: { "bootstrap.controllers": listenerAddress(controller, "CONTROLLER")!, "security.protocol": "PLAINTEXT" },
    },
  ];
  const probeRuns = await Promise.all(
    probes.map((p, i) =>
      as(
        writeConfig(ctx, `anonymous-${i}`, { ...p.props, "request.timeout.ms": "8000", "default.api.timeout.ms": "15000" }),
        ["cluster", "--timeout-s", "25"],
        60_000,
      ),
    ),
  );
  const refused = probeRuns.filter((r) => !r.ok).length;
  access.anonymousRefused = `${refused}/${probes.length}`;
  check(
    "an unauthenticated connection is refused on every listener",
    refused === probes.length,
    probes
      .map((p, i) => `${p.name}: ${probeRuns[i].ok ? "ANSWERED" : `refused (${short((probeRuns[i].result as { error?: string }).error)})`}`)
      .join("; "),
  );

  // ---- declared users: their own topics, nothing else -----------------------------------------------------------
  const writer = userConfig(ctx, ctx.plan, "orders-service");
  const reader = userConfig(ctx, ctx.plan, "analytics");
  if (!writer || !reader) {
    check(
      "declared users' Secrets are in the plan",
      false,
      "kafka-user-orders-service or kafka-user-analytics missing in the first region",
    );
    return;
  }
  const privateTopic = createTopic(ctx, PRIVATE_TOPIC, ["--partitions", "3"]);
  const acked = (name: string) => path.join(ctx.client.logDir, `access-${name}.acked`);
  const produce = (config: string, topic: string, id: string, drainSeconds = 20) =>
    as(
      config,
      [
        "produce",
        "--topic",
        topic,
        "--id",
        id,
        "--acked-file",
        acked(id),
        "--duration-s",
        "4",
        "--rate",
        "50",
        "--drain-s",
        String(drainSeconds),
      ],
      120_000,
    );
  const [own, audit] = await Promise.all([produce(writer, EDIT.grownTopic, "orders-service"), produce(writer, EDIT.removedTopic, "audit")]);
  const ownRead = await as(reader, ["consume", "--topic", EDIT.grownTopic, "--group", "analytics-lab", "--duration-s", "25"], 120_000);
  const ackedOf = (r: { result: Record<string, unknown> }) => Number(r.result.acked ?? 0);
  const authorizedOk = ackedOf(own) > 0 && ackedOf(audit) > 0 && Number(ownRead.result.records ?? 0) > 0;
  access.authorizedOk = authorizedOk;
  check(
    "a declared user produces and consumes the topics its ACLs name",
    authorizedOk,
    `orders-service -> ${EDIT.grownTopic}: ${ackedOf(own)} acked, -> ${EDIT.removedTopic}: ${ackedOf(audit)} acked; analytics <- ${EDIT.grownTopic}: ${ownRead.result.records ?? 0} records${ownRead.ok ? "" : ` (${short(ownRead.result.error)})`}`,
  );
  await privateTopic;
  const [readOnly, noAcl, noRead] = await Promise.all([
    produce(reader, EDIT.grownTopic, "analytics-write", 5),
    produce(writer, PRIVATE_TOPIC, "orders-private", 5),
    as(reader, ["consume", "--topic", EDIT.removedTopic, "--group", "analytics-audit", "--duration-s", "5"], 90_000),
  ]);
  const denied = [
    { what: `analytics -> ${EDIT.grownTopic} (read-only)`, run: readOnly },
    { what: `orders-service -> ${PRIVATE_TOPIC} (no ACL)`, run: noAcl },
    { what: `analytics <- ${EDIT.removedTopic} (no ACL)`, run: noRead },
  ];
  // Refused by the authorizer, not by anything else (a failed login would also deliver nothing).
  const why = (d: (typeof denied)[number]) => `${JSON.stringify(d.run.result)} ${d.run.stderr}`;
  const refusedUsers = denied.filter(
    (d) => Number(d.run.result.acked ?? d.run.result.records ?? 0) === 0 && /AuthorizationException/.test(why(d)),
  );
  access.unauthorizedRefused = `${refusedUsers.length}/${denied.length}`;
  check(
    "a declared user is refused a topic its ACLs do not name (by the authorizer)",
    refusedUsers.length === denied.length,
    denied
      .map(
        (d) =>
          `${d.what}: ${refusedUsers.includes(d) ? `refused (${short(/\w+AuthorizationException[^\n]*/.exec(why(d))?.[0])})` : `NOT REFUSED BY AN ACL (${short(why(d).slice(-200))})`}`,
      )
      .join("; "),
  );

  // ---- an edit of the stack file, applied by the next Job --------------------------------------------------------
  const edited = await runStack({ stack: ctx.options.stack, stackFile: editedStackFile(ctx.options.stack) });
  if (!edited.ok) {
    check("the edited stack file plans", false, String(edited.error ?? JSON.stringify(edited.problems).slice(0, 300)));
    return;
  }
  const editedPlan = toPlan(ctx.options.stack, edited.run, true);
  const second = await runJob(ctx, editedPlan, "apply-2");
  access.editJobSeconds = Math.round(second.seconds);
  check(
    "the access Job applies an edit",
    second.ok,
    `exit ${second.code} after ${second.seconds.toFixed(0)} s, ${second.attempts} attempt(s); ${second.log
      .filter((l) => /WARNING|->|configs set|created|FAILED/.test(l))
      .slice(-6)
      .join(" | ")}`,
  );
  const grown = declared.find((t) => t.name === EDIT.grownTopic)!;
  const after = await admin(["describe-topics", "--topics", `${EDIT.grownTopic},${EDIT.removedTopic}`]);
  const topicsAfter = (after.result as { topics?: Array<TopicDescription & { topicOverrides?: Record<string, string> }> }).topics ?? [];
  const g = topicsAfter.find((t) => t.name === EDIT.grownTopic);
  const verify = await admin(["verify", "--topic", EDIT.removedTopic, "--acked-files", acked("audit")], 120_000);
  const topicEdit = {
    partitionsGrown: (g?.partitions.length ?? 0) - grown.partitions,
    retentionChanged: g?.topicOverrides?.["retention.ms"] === EDIT.retentionMs,
    removedTopicKept:
      topicsAfter.some((t) => t.name === EDIT.removedTopic) &&
      Number(verify.result.lost ?? 1) === 0 &&
      Number(verify.result.found ?? 0) > 0,
  };
  access.topicEdit = topicEdit;
  check(
    "an edit grows partitions, changes retention and keeps a removed topic with its messages",
    topicEdit.partitionsGrown === EDIT.partitionsAdded && topicEdit.retentionChanged && topicEdit.removedTopicKept,
    `${EDIT.grownTopic}: +${topicEdit.partitionsGrown} partitions, retention.ms ${g?.topicOverrides?.["retention.ms"]}; ${EDIT.removedTopic}: ${topicsAfter.some((t) => t.name === EDIT.removedTopic) ? "kept" : "GONE"}, ${verify.result.found ?? "?"} of ${verify.result.acked ?? "?"} acknowledged messages found`,
  );

  // ---- a produce quota -----------------------------------------------------------------------------------------
  const quotaConfig = userConfig(ctx, editedPlan, QUOTA.user);
  if (!quotaConfig) {
    check("a produce quota holds", false, `no Secret kafka-user-${QUOTA.user} in the edited plan`);
    return;
  }
  // A quota counts produced bytes whatever the acknowledgement, so the measuring producers wait for the leader only
  // (acks=1, no idempotence) with large batches: on 2 cores with acks=all across a 67 ms WAN, one producer here does
  // not reach 1.2 MiB/s, and a quota below the path's own limit would prove nothing.
  const unthrottled = [
    "acks=1",
    "enable.idempotence=false",
    "batch.size=1048576",
    "linger.ms=20",
    "max.in.flight.requests.per.connection=5",
  ];
  fs.appendFileSync(quotaConfig, `${unthrottled.join("\n")}\n`);
  const adminConfig = path.join(ctx.client.logDir, "admin-unthrottled.properties");
  fs.writeFileSync(adminConfig, `${fs.readFileSync(ctx.client.configFiles[region0.name], "utf8")}\n${unthrottled.join("\n")}\n`);
  const offer = (config: string, id: string) =>
    as(
      config,
      [
        "produce",
        "--topic",
        QUOTA.topic,
        "--id",
        id,
        "--acked-file",
        acked(id),
        "--duration-s",
        String(QUOTA.seconds),
        "--rate",
        String(QUOTA.rate),
        "--size",
        String(QUOTA.size),
        "--drain-s",
        "60",
      ],
      180_000,
    );
  // The admin (no quota) offers the same at the same time: the path carries more than the quota, so a rate at the
  // quota is the quota's doing.
  const [q, free] = await Promise.all([offer(quotaConfig, "quota"), offer(adminConfig, "no-quota")]);
  const rateOf = (r: typeof q) =>
    Math.round((Number(r.result.acked ?? 0) * QUOTA.size) / Math.max(1, Number(r.result.seconds ?? QUOTA.seconds)));
  const freeBytesPerSecond = rateOf(free);
  access.unthrottledBytesPerSecond = freeBytesPerSecond;
  const bytesPerSecond = rateOf(q);
  access.quotaBytesPerSecond = bytesPerSecond;
  check(
    `a ${QUOTA.producerByteRate} B/s produce quota holds within ${QUOTA_TOLERANCE}x`,
    bytesPerSecond > 0 &&
      bytesPerSecond <= QUOTA.producerByteRate * QUOTA_TOLERANCE &&
      freeBytesPerSecond > QUOTA.producerByteRate * QUOTA_TOLERANCE,
    `${bytesPerSecond} B/s acknowledged over ${q.result.seconds ?? "?"} s (${q.result.acked ?? 0} records of ${QUOTA.size} B); the admin, without a quota, at the same time: ${freeBytesPerSecond} B/s`,
  );
}
