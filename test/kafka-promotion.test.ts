// The controller promotion script (lib/kafka/promote-controller.ts) run by real shells against a fake
// kafka-metadata-quorum.sh that answers as Kafka 4.1.2's does (its output forms were read from the real tool).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { renderProperties } from "../lib/kafka/properties";
import { PROMOTION_MAX_LAG_RECORDS, renderPromotionScript } from "../lib/kafka/promote-controller";
import { CONFIG_FILES } from "../lib/kafka/start-script";
import { CONTROLLER_READY_MAX_LAG_RECORDS, renderControllerReadinessScript } from "../lib/kafka/readiness";

const shells = ["sh", "busybox sh", "dash"].filter((cmd) => {
  const [bin, ...args] = cmd.split(" ");
  return spawnSync(bin, [...args, "-c", "true"]).status === 0;
});

const NEW = "_SqN8gUUwaHk7vMMQSmdEg";
const OLD = "XRkSEKymRz-QchVC3aJcmQ";
const voter = (id: number, dir: string) => `{"id": ${id}, "directoryId": "${dir}", "endpoints": ["CONTROLLER://c${id}.example:9093"]}`;
/** `describe --status` as Kafka 4.1.2 prints it. */
const status = (voters: string[]) =>
  [
    "ClusterId:              CfrSnBMZRaCcdllvsu9Cxw",
    "LeaderId:               1000",
    "LeaderEpoch:            3",
    "HighWatermark:          101",
    `CurrentVoters:          [${voters.join(", ")}]`,
    "CurrentObservers:       []",
  ].join("\n");
const OTHERS = [voter(1000, "cOP97oaoRE-vZqp26pMMnw"), voter(11000, "S7A03T_2Tna5ISLzs0E9KA")];
/** `describe --replication` with this node (1100) as an observer `lag` records behind. */
const replication = (lag: number) =>
  [
    "NodeId\tDirectoryId           \tLogEndOffset\tLag\tLastFetchTimestamp\tLastCaughtUpTimestamp\tStatus  \t",
    "1000  \tcOP97oaoRE-vZqp26pMMnw\t101         \t0  \t1796676045509     \t1796676045509        \tLeader  \t",
    `1100  \t${OLD}\t60          \t41 \t1796676025552     \t1796676025067        \tFollower\t`,
    `1100  \t${NEW}\t${101 - lag}         \t${lag}  \t1796676045088     \t1796676045088        \tObserver\t`,
  ].join("\n");

interface Answers {
  /** describe --status before any change, after a remove-controller, after an add-controller; absent: the tool fails. */
  before?: string;
  removed?: string;
  after?: string;
  replication?: string;
  removeStatus?: number;
  addStatus?: number;
}

function fakeController(answers: Answers) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-promote-"));
  const home = path.join(root, "kafka");
  const configDir = path.join(root, "config");
  const state = path.join(root, "data");
  const logDir = path.join(state, "logs");
  fs.mkdirSync(path.join(home, "bin"), { recursive: true });
  fs.mkdirSync(configDir);
  fs.mkdirSync(logDir, { recursive: true });
  fs.writeFileSync(path.join(logDir, "meta.properties"), `node.id=1100\ndirectory.id=${NEW}\n`);
  fs.writeFileSync(path.join(state, CONFIG_FILES.promotionPending), "");
  fs.writeFileSync(
    path.join(configDir, "server-1.properties"),
    renderProperties({
      "node.id": "1100",
      "metadata.log.dir": logDir,
      "controller.quorum.bootstrap.servers": "c0.example:9093,c1.example:9093,c2.example:9093",
    }),
  );
  const answer = (name: string, text: string | undefined) => {
    if (text !== undefined) fs.writeFileSync(path.join(root, name), text);
  };
  answer("before", answers.before);
  answer("removed", answers.removed);
  answer("after", answers.after);
  answer("replication", answers.replication);
  const log = path.join(root, "calls.log");
  fs.writeFileSync(
    path.join(home, "bin", "kafka-metadata-quorum.sh"),
    `#!/bin/sh
printf 'heap=%s' "$KAFKA_HEAP_OPTS" >> "${log}"
for a in "$@"; do printf ' [%s]' "$a" >> "${log}"; done
echo >> "${log}"
for a in "$@"; do last="$a"; done
case "$*" in
  *"describe --status"*)
    f="${root}/before"
    [ -f "${root}/was-removed" ] && f="${root}/removed"
    [ -f "${root}/added" ] && f="${root}/after"
    [ -f "$f" ] || exit 1
    cat "$f" ;;
  *"describe --replication"*) [ -f "${root}/replication" ] || exit 1; cat "${root}/replication" ;;
  *remove-controller*) [ ${answers.removeStatus ?? 0} -eq 0 ] || exit 1; touch "${root}/was-removed" ;;
  *add-controller*) [ ${answers.addStatus ?? 0} -eq 0 ] || exit 1; touch "${root}/added" ;;
esac
`,
  );
  fs.chmodSync(path.join(home, "bin", "kafka-metadata-quorum.sh"), 0o755);
  const script = path.join(root, "promote.sh");
  fs.writeFileSync(script, renderPromotionScript({ kafkaHome: home, configDir }));
  const calls = () =>
    (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : []).map((c) =>
      c.replace(/^heap=\S+ \S+ \[--bootstrap-controller\] \[[^\]]+\] \[--command-config\] /, ""),
    );
  const pending = () => fs.existsSync(path.join(state, CONFIG_FILES.promotionPending));
  return { root, configDir, state, script, calls, pending };
}

function promote(shell: string, k: ReturnType<typeof fakeController>, attempts: number) {
  const [bin, ...args] = shell.split(" ");
  return spawnSync(bin, [...args, k.script, "0", String(attempts)], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", POD_NAME: "kafka-controller-x-1" },
    encoding: "utf8",
  });
}

describe.each(shells)("renderPromotionScript under %s", (shell) => {
  it("caught up: removes the lost directory's voter entry, adds this node, and stops once the voter set shows it", () => {
    const k = fakeController({
      before: status([...OTHERS, voter(1100, OLD)]),
      after: status([...OTHERS, voter(1100, NEW)]),
      replication: replication(0),
    });
    const result = promote(shell, k, 3);
    expect(result.status, result.stderr).toBe(0);
    const client = `[${path.join(k.configDir, CONFIG_FILES.clientProperties)}]`;
    expect(k.calls()).toEqual([
      `${client} [describe] [--status]`,
      `${client} [describe] [--replication]`,
      `${client} [remove-controller] [--controller-id] [1100] [--controller-directory-id] [${OLD}]`,
      `[${path.join(k.state, CONFIG_FILES.addController)}] [add-controller]`,
      `${client} [describe] [--status]`,
    ]);
    expect(k.pending()).toBe(false);
    expect(result.stderr).toContain(`controller 1100 votes with directory ${NEW}`);
  });

  it("runs its tools as small JVMs, and asks every controller", () => {
    const k = fakeController({ before: status([...OTHERS, voter(1100, NEW)]) });
    promote(shell, k, 1);
    const raw = fs.readFileSync(path.join(k.root, "calls.log"), "utf8");
    expect(raw).toMatch(/^heap=-Xms64m -Xmx128m \[--bootstrap-controller\] \[c0\.example:9093,c1\.example:9093,c2\.example:9093\] /);
  });

  it(`behind by more than ${PROMOTION_MAX_LAG_RECORDS} records: changes nothing and keeps waiting`, () => {
    const k = fakeController({ before: status([...OTHERS, voter(1100, OLD)]), replication: replication(PROMOTION_MAX_LAG_RECORDS + 1) });
    const result = promote(shell, k, 2);
    expect(result.status).toBe(1);
    expect(k.calls().filter((c) => /remove-controller|add-controller/.test(c))).toEqual([]);
    expect(k.pending()).toBe(true);
    expect(result.stderr).toMatch(/controller 1100 is 101 records behind/);
  });

  it("not yet followed by the leader, or no quorum at all: changes nothing", () => {
    for (const answers of [{ before: status([...OTHERS, voter(1100, OLD)]) }, {}]) {
      const k = fakeController(answers);
      const result = promote(shell, k, 2);
      expect(result.status).toBe(1);
      expect(k.calls().filter((c) => /remove-controller|add-controller/.test(c))).toEqual([]);
      expect(k.pending()).toBe(true);
    }
  });

  it("a voter id that only shares digits with this node's (11000) is never taken for its entry", () => {
    const k = fakeController({
      before: status([...OTHERS]),
      after: status([...OTHERS, voter(1100, NEW)]),
      replication: replication(3),
    });
    const result = promote(shell, k, 3);
    expect(result.status, result.stderr).toBe(0);
    expect(k.calls().filter((c) => /remove-controller/.test(c))).toEqual([]);
    expect(k.calls().filter((c) => /add-controller/.test(c))).toHaveLength(1);
  });

  it("a failed add after the removal is retried without removing again", () => {
    const k = fakeController({
      before: status([...OTHERS, voter(1100, OLD)]),
      removed: status([...OTHERS]),
      replication: replication(0),
      addStatus: 1,
    });
    const result = promote(shell, k, 3);
    expect(result.status).toBe(1);
    expect(k.calls().filter((c) => /remove-controller/.test(c))).toHaveLength(1);
    expect(k.calls().filter((c) => /add-controller/.test(c))).toHaveLength(3);
    expect(k.pending()).toBe(true);
  });

  it("a failed removal adds nothing: the set never holds two entries for one id", () => {
    const k = fakeController({ before: status([...OTHERS, voter(1100, OLD)]), replication: replication(0), removeStatus: 1 });
    const result = promote(shell, k, 2);
    expect(result.status).toBe(1);
    expect(k.calls().filter((c) => /remove-controller/.test(c))).toHaveLength(2);
    expect(k.calls().filter((c) => /add-controller/.test(c))).toEqual([]);
  });

  it("already a voter (a restart after the promotion finished): clears the pending file and changes nothing", () => {
    const k = fakeController({ before: status([...OTHERS, voter(1100, NEW)]) });
    const result = promote(shell, k, 1);
    expect(result.status, result.stderr).toBe(0);
    expect(k.calls()).toHaveLength(1);
    expect(k.pending()).toBe(false);
  });
});

/** `describe --replication` with this node (1100, this volume's directory) in the given role, `lag` records behind. */
const replicationAs = (role: "Leader" | "Follower" | "Observer", lag: number) =>
  [
    "NodeId\tDirectoryId           \tLogEndOffset\tLag\tLastFetchTimestamp\tLastCaughtUpTimestamp\tStatus  \t",
    `1000  \tcOP97oaoRE-vZqp26pMMnw\t101         \t0  \t1796676045509     \t1796676045509        \t${role === "Leader" ? "Follower" : "Leader"}  \t`,
    `1100  \t${NEW}\t${101 - lag}         \t${lag}  \t1796676045088     \t1796676045088        \t${role}\t`,
  ].join("\n");

function ready(shell: string, k: ReturnType<typeof fakeController>, formed: boolean) {
  const script = path.join(k.root, "ready.sh");
  fs.writeFileSync(script, renderControllerReadinessScript({ kafkaHome: path.join(k.root, "kafka"), configDir: k.configDir }));
  const [bin, ...args] = shell.split(" ");
  return spawnSync(bin, [...args, script], {
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      POD_NAME: "kafka-controller-x-1",
      ...(formed ? { KAFKA_QUORUM_FORMED: "CfrSnBMZRaCcdllvsu9Cxw" } : {}),
    },
    encoding: "utf8",
  });
}

describe.each(shells)("renderControllerReadinessScript under %s", (shell) => {
  it("before the quorum has formed: ready without asking anyone (the first controllers cannot wait for the last)", () => {
    const k = fakeController({});
    const result = ready(shell, k, false);
    expect(result.status, result.stderr).toBe(0);
    expect(k.calls()).toEqual([]);
  });

  it.each([
    { role: "Follower" as const, lag: 0 },
    { role: "Follower" as const, lag: CONTROLLER_READY_MAX_LAG_RECORDS },
    { role: "Leader" as const, lag: 0 },
  ])("formed: ready as a $role $lag records behind", ({ role, lag }) => {
    const k = fakeController({ replication: replicationAs(role, lag) });
    const result = ready(shell, k, true);
    expect(result.status, result.stdout).toBe(0);
    expect(k.calls()).toEqual([`[${path.join(k.configDir, CONFIG_FILES.clientProperties)}] [describe] [--replication]`]);
  });

  it.each([
    {
      why: "too far behind",
      answers: { replication: replicationAs("Follower", CONTROLLER_READY_MAX_LAG_RECORDS + 1) },
      says: /is 101 records behind/,
    },
    { why: "an observer still to be promoted", answers: { replication: replicationAs("Observer", 0) }, says: /is not a voter: Observer/ },
    {
      why: "listed only with the lost volume's directory",
      answers: { replication: replication(0).split("\n").slice(0, 3).join("\n") },
      says: /not a voter: not listed/,
    },
    { why: "no answer from the quorum", answers: {}, says: /no answer from the quorum/ },
  ])("formed: not ready when $why", ({ answers, says }) => {
    const k = fakeController(answers);
    const result = ready(shell, k, true);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(says);
  });
});
