// Declared access: the ACL bindings a declaration stands for, the config checks of kafka.topics and kafka.users, the
// access Job's script run by dash against stand-in Kafka tools with canned answers (its decisions: create, grow,
// refuse, configs, quotas, ACL differences, release), and the Job and Secrets the stacks render under mocks.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ACCESS_STATE_TOPIC, aclBindings, quotaSettings, renderAccessScript, scramConfigFile } from "../lib/kafka/access";
import type { KafkaTopicSpec, KafkaUserSpec } from "../lib/kafka/access-types";
import { validateConfig } from "../lib/config/validate";
import { isSecretValue } from "../tools/mock-runtime";
import { planStackOk, setPath, stackConfig } from "./helpers/harness";

const ordersService: KafkaUserSpec = {
  name: "orders-service",
  namespaces: ["kafka-clients"],
  mechanism: "scram-sha-512",
  acls: [
    { resourceType: "topic", name: "orders", patternType: "literal", operations: ["write", "describe"], permission: "allow", host: "*" },
    { resourceType: "group", name: "orders-", patternType: "prefixed", operations: ["read"], permission: "allow", host: "*" },
    {
      resourceType: "cluster",
      name: "kafka-cluster",
      patternType: "literal",
      operations: ["idempotentWrite"],
      permission: "allow",
      host: "*",
    },
    { resourceType: "topic", name: "*", patternType: "literal", operations: ["describeConfigs"], permission: "deny", host: "10.0.0.1" },
  ],
  quotas: { producerByteRate: 1048576, requestPercentage: 50 },
};

describe("aclBindings and quotas", () => {
  it("expands each operation into one binding in kafka-acls.sh's list form, sorted", () => {
    expect(aclBindings(ordersService)).toEqual([
      "CLUSTER|kafka-cluster|LITERAL|User:orders-service|*|IDEMPOTENT_WRITE|ALLOW",
      "GROUP|orders-|PREFIXED|User:orders-service|*|READ|ALLOW",
      "TOPIC|*|LITERAL|User:orders-service|10.0.0.1|DESCRIBE_CONFIGS|DENY",
      "TOPIC|orders|LITERAL|User:orders-service|*|DESCRIBE|ALLOW",
      "TOPIC|orders|LITERAL|User:orders-service|*|WRITE|ALLOW",
    ]);
  });
  it("writes quotas in Kafka's names and the SCRAM file without brackets, refusing a password the file cannot hold", () => {
    expect(quotaSettings(ordersService.quotas)).toEqual(["producer_byte_rate=1048576", "request_percentage=50"]);
    expect(scramConfigFile("abc123")).toBe("SCRAM-SHA-512=iterations=8192,password=abc123\n");
    expect(() => scramConfigFile("a,b")).toThrow(/commas/);
  });
});

describe("config checks of kafka.topics and kafka.users", () => {
  const problemsWith = (kafka: Record<string, unknown>) => {
    const config = stackConfig("gke");
    const base = JSON.parse(JSON.stringify(config["geo-kafka:kafka"])) as Record<string, unknown>;
    const raw = Object.fromEntries(Object.entries(config).map(([k, v]) => [k.replace(/^geo-kafka:/, ""), v]));
    const result = validateConfig({ ...raw, kafka: { ...base, ...kafka } });
    return result.problems.filter((p) => p.severity === "error").map((p) => `${p.path}: ${p.message}`);
  };
  it("accepts the shipped declarations", () => {
    expect(problemsWith({})).toEqual([]);
  });
  it("refuses an operation Kafka does not have, at its path (the schema)", () => {
    expect(
      problemsWith({
        users: [{ name: "app", namespaces: ["kafka-clients"], acls: [{ resourceType: "topic", name: "t", operations: ["fly"] }] }],
      }),
    ).toEqual([expect.stringMatching(/^geo-kafka:kafka\.users\[0\]\.acls\[0\]\.operations\[0\]/)]);
  });
  it("refuses names Kafka refuses, duplicates, '.'/'_' twins and reserved topics, at their paths", () => {
    const errors = problemsWith({
      topics: [
        { name: "bad name", partitions: 3 },
        { name: "a.b", partitions: 3 },
        { name: "a_b", partitions: 3 },
        { name: "a.b", partitions: 3 },
        { name: "x".repeat(250), partitions: 3 },
        { name: ACCESS_STATE_TOPIC, partitions: 1 },
        { name: "ok", partitions: 3, config: { "min.insync.replicas": 3 } },
      ],
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^geo-kafka:kafka\.topics\[0\]\.name: .*letters, digits/),
        expect.stringMatching(/^geo-kafka:kafka\.topics\[2\]\.name: .*collides with "a\.b"/),
        expect.stringMatching(/^geo-kafka:kafka\.topics\[3\]\.name: .*declared twice/),
        expect.stringMatching(/^geo-kafka:kafka\.topics\[4\]\.name: 250 characters/),
        expect.stringMatching(/^geo-kafka:kafka\.topics\[5\]\.name: .*reserved/),
        expect.stringMatching(/^geo-kafka:kafka\.topics\[6\]\.config\.min\.insync\.replicas: /),
      ]),
    );
  });
  it("refuses unknown operations, operations a resource type lacks, negative quotas, foreign namespaces, reserved and duplicate users", () => {
    const user = (over: Record<string, unknown>) => ({ name: "app", namespaces: ["kafka-clients"], acls: [], ...over });
    const errors = problemsWith({
      users: [
        user({ acls: [{ resourceType: "group", name: "g", operations: ["write"] }] }),
        user({ name: "app3", quotas: { producerByteRate: -1 } }),
        user({ name: "app4", namespaces: ["default"] }),
        user({ name: "admin" }),
        user({ name: "geo-kafka-node" }),
        user({ name: "app" }),
        user({ name: "app5", acls: [{ resourceType: "cluster", name: "c", operations: ["alter"] }] }),
        user({ name: "app6", acls: [{ resourceType: "topic", name: "t", operations: ["read"], host: "example.com" }] }),
      ],
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^geo-kafka:kafka\.users\[0\]\.acls\[0\]\.operations\[0\]: "write" is not an operation on a group/),
        expect.stringMatching(/^geo-kafka:kafka\.users\[1\]\.quotas\.producerByteRate: must be a positive/),
        expect.stringMatching(/^geo-kafka:kafka\.users\[2\]\.namespaces\[0\]: "default" is not one of kafka\.clientNamespaces/),
        expect.stringMatching(/^geo-kafka:kafka\.users\[3\]\.name: "admin" is reserved/),
        expect.stringMatching(/^geo-kafka:kafka\.users\[4\]\.name: "geo-kafka-node" is reserved/),
        expect.stringMatching(/^geo-kafka:kafka\.users\[5\]\.name: "app" is declared twice/),
        expect.stringMatching(/^geo-kafka:kafka\.users\[6\]\.acls\[0\]\.name: the cluster resource is named "kafka-cluster"/),
        expect.stringMatching(/^geo-kafka:kafka\.users\[7\]\.acls\[0\]\.host: /),
      ]),
    );
  });
});

/**
 * Runs the rendered script with dash against stand-in tools: each answers a describe or list from the given canned
 * text (the formats Kafka 4.1.2's tools print) and logs every call, so the test sees exactly what the script asked.
 */
function runScript(
  input: { topics: KafkaTopicSpec[]; users: KafkaUserSpec[] },
  kafka: { topics?: string; topicConfigs?: string; users?: string; acls?: string; state?: string; fail?: string },
): { code: number; out: string; calls: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "geo-kafka-access-"));
  const bin = path.join(dir, "bin");
  const secrets = path.join(dir, "secret");
  fs.mkdirSync(bin);
  fs.mkdirSync(secrets);
  const canned = {
    topics: kafka.topics ?? "",
    configs: kafka.topicConfigs ?? "",
    users: kafka.users ?? "",
    acls: kafka.acls ?? "",
    state: kafka.state ?? "",
  };
  for (const [k, v] of Object.entries(canned)) fs.writeFileSync(path.join(dir, `${k}.txt`), v);
  const log = path.join(dir, "calls.log");
  const stub = (answers: string) =>
    `#!/bin/sh\necho "$(basename "$0") $*" | sed 's/--bootstrap-server [^ ]* //; s/--command-config [^ ]* //' >>${log}\n${answers}\nexit 0\n`;
  const failOn = kafka.fail ? `case "$*" in *"${kafka.fail}"*) echo "Error while executing: refused" >&2; exit 1 ;; esac` : "";
  fs.writeFileSync(path.join(bin, "kafka-topics.sh"), stub(`${failOn}\ncase "$*" in *--describe*) cat ${dir}/topics.txt ;; esac`));
  fs.writeFileSync(
    path.join(bin, "kafka-configs.sh"),
    stub(
      `${failOn}\ncase "$*" in *"--describe --entity-type topics"*) cat ${dir}/configs.txt ;; *"--describe --entity-type users"*) cat ${dir}/users.txt ;; esac`,
    ),
  );
  fs.writeFileSync(path.join(bin, "kafka-acls.sh"), stub(`${failOn}\ncase "$*" in *--list*) cat ${dir}/acls.txt ;; esac`));
  fs.writeFileSync(path.join(bin, "kafka-console-consumer.sh"), stub(`cat ${dir}/state.txt`));
  fs.writeFileSync(path.join(bin, "kafka-console-producer.sh"), stub(`sed 's/^/  record /' >>${log}`));
  for (const f of fs.readdirSync(bin)) fs.chmodSync(path.join(bin, f), 0o755);
  const script = renderAccessScript({
    bootstrapServers: "b0:9092",
    topics: input.topics,
    defaultReplicationFactor: 3,
    minInsyncReplicas: 2,
    users: input.users,
    kafkaHome: dir,
    configDir: dir,
    secretDir: secrets,
  });
  fs.writeFileSync(path.join(dir, "apply.sh"), script);
  const r = spawnSync("dash", [path.join(dir, "apply.sh")], { encoding: "utf8" });
  const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
  if (process.env.ACCESS_DEBUG) console.log(calls.join("\n"));
  fs.rmSync(dir, { recursive: true, force: true });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}`, calls };
}

const topic = (
  name: string,
  partitions: number,
  config: Record<string, string> = {},
  deletionPolicy: "retain" | "delete" = "retain",
): KafkaTopicSpec => ({
  name,
  partitions,
  config,
  deletionPolicy,
});
const describeLine = (name: string, partitions: number, rf = 3) =>
  `Topic: ${name}\tTopicId: x\tPartitionCount: ${partitions}\tReplicationFactor: ${rf}\tConfigs: min.insync.replicas=2\n\tTopic: ${name}\tPartition: 0\tLeader: 1\n`;
const stateTopic = describeLine(ACCESS_STATE_TOPIC, 1);
const hasDash = spawnSync("dash", ["-c", "true"]).status === 0;

describe.skipIf(!hasDash)("the access Job's script (dash, stand-in Kafka tools)", () => {
  it("is valid POSIX sh", () => {
    const script = renderAccessScript({
      bootstrapServers: "b:9092",
      topics: [topic("t", 3)],
      defaultReplicationFactor: 3,
      minInsyncReplicas: 2,
      users: [ordersService],
    });
    expect(() => execFileSync("dash", ["-n", "-c", script])).not.toThrow();
  });

  it("on an empty cluster creates the state topic, the topics with their configs, the credential, quotas and ACLs, and records what it manages", () => {
    const r = runScript(
      { topics: [topic("orders", 12, { "retention.ms": "604800000", "cleanup.policy": "compact,delete" })], users: [ordersService] },
      {},
    );
    expect(r.code, r.out).toBe(0);
    expect(r.calls).toContain(
      `kafka-topics.sh --create --if-not-exists --topic ${ACCESS_STATE_TOPIC} --partitions 1 --config cleanup.policy=compact --config min.insync.replicas=2`,
    );
    expect(r.calls).toContain(
      "kafka-topics.sh --create --if-not-exists --topic orders --partitions 12 --replication-factor 3 --config cleanup.policy=compact,delete --config retention.ms=604800000",
    );
    expect(
      r.calls.some((c) => c.startsWith("kafka-configs.sh --alter --entity-type users --entity-name orders-service --add-config-file")),
    ).toBe(true);
    expect(r.calls).toContain(
      "kafka-configs.sh --alter --entity-type users --entity-name orders-service --add-config producer_byte_rate=1048576,request_percentage=50",
    );
    expect(r.calls).toContain(
      "kafka-acls.sh --add --resource-pattern-type LITERAL --allow-principal User:orders-service --allow-host * --topic orders --operation DESCRIBE --operation WRITE",
    );
    expect(r.calls).toContain(
      "kafka-acls.sh --add --resource-pattern-type LITERAL --allow-principal User:orders-service --allow-host * --cluster --operation IdempotentWrite",
    );
    expect(r.calls).toContain(
      "kafka-acls.sh --add --resource-pattern-type LITERAL --deny-principal User:orders-service --deny-host 10.0.0.1 --topic * --operation DescribeConfigs",
    );
    expect(r.calls).toEqual(expect.arrayContaining(["  record topic:orders retain", "  record user:orders-service managed"]));
    // Nothing read from the state topic that did not exist.
    expect(r.calls.some((c) => c.startsWith("kafka-console-consumer.sh"))).toBe(false);
  });

  it("changes nothing when Kafka already matches the declaration (only the credential is set again)", () => {
    const acls = [
      "Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)`:",
      "\t(principal=User:orders-service, host=*, operation=WRITE, permissionType=ALLOW)",
      "\t(principal=User:orders-service, host=*, operation=DESCRIBE, permissionType=ALLOW)",
      "",
      "Current ACLs for resource `ResourcePattern(resourceType=GROUP, name=orders-, patternType=PREFIXED)`:",
      "\t(principal=User:orders-service, host=*, operation=READ, permissionType=ALLOW)",
      "",
      "Current ACLs for resource `ResourcePattern(resourceType=CLUSTER, name=kafka-cluster, patternType=LITERAL)`:",
      "\t(principal=User:orders-service, host=*, operation=IDEMPOTENT_WRITE, permissionType=ALLOW)",
      "",
      "Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=*, patternType=LITERAL)`:",
      "\t(principal=User:orders-service, host=10.0.0.1, operation=DESCRIBE_CONFIGS, permissionType=DENY)",
    ].join("\n");
    const r = runScript(
      { topics: [topic("orders", 12, { "retention.ms": "604800000" })], users: [ordersService] },
      {
        topics: stateTopic + describeLine("orders", 12),
        topicConfigs:
          "Dynamic configs for topic orders are:\n  retention.ms=604800000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=604800000}\n",
        users: "Quota configs for user-principal 'orders-service' are request_percentage=50.0, producer_byte_rate=1048576.0\n",
        acls,
        state: "topic:orders retain\nuser:orders-service managed\n",
      },
    );
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/done: 0 change\(s\)/);
    const writes = r.calls.filter((c) => / --(create|alter|add|remove|delete)\b/.test(c) && !c.includes("--add-config-file"));
    expect(writes).toEqual([]);
  });

  it("grows partitions, sets changed configs and drops undeclared ones, removes an undeclared ACL of a managed user", () => {
    const r = runScript(
      {
        topics: [topic("orders", 14, { "retention.ms": "86400000" })],
        users: [{ ...ordersService, acls: [ordersService.acls[0]], quotas: {} }],
      },
      {
        topics: stateTopic + describeLine("orders", 12),
        topicConfigs:
          "Dynamic configs for topic orders are:\n  retention.ms=604800000 sensitive=false synonyms={}\n  segment.ms=100 sensitive=false synonyms={}\n",
        users: "Quota configs for user-principal 'orders-service' are producer_byte_rate=1048576.0\n",
        acls: "Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)`:\n\t(principal=User:orders-service, host=*, operation=DELETE, permissionType=ALLOW)\n\t(principal=User:someone-else, host=*, operation=DELETE, permissionType=ALLOW)\n",
        state: "topic:orders retain\nuser:orders-service managed\n",
      },
    );
    expect(r.code, r.out).toBe(0);
    expect(r.calls).toContain("kafka-topics.sh --alter --topic orders --partitions 14");
    expect(r.calls).toContain(
      "kafka-configs.sh --alter --entity-type topics --entity-name orders --add-config retention.ms=86400000 --delete-config segment.ms",
    );
    expect(r.calls).toContain(
      "kafka-configs.sh --alter --entity-type users --entity-name orders-service --delete-config producer_byte_rate",
    );
    expect(r.calls).toContain(
      "kafka-acls.sh --remove --resource-pattern-type LITERAL --allow-principal User:orders-service --allow-host * --topic orders --force --operation DELETE",
    );
    // Another principal's ACL is not this Job's business.
    expect(r.calls.some((c) => c.includes("User:someone-else"))).toBe(false);
  });

  it("refuses a partition shrink and a replication-factor change, naming both numbers, and stops", () => {
    const shrink = runScript({ topics: [topic("orders", 6)], users: [] }, { topics: stateTopic + describeLine("orders", 12) });
    expect(shrink.code).toBe(1);
    expect(shrink.out).toMatch(/topic orders has 12 partitions; the stack file declares 6\. Kafka cannot remove partitions/);
    const rf = runScript(
      { topics: [{ ...topic("orders", 12), replicationFactor: 3 }], users: [] },
      { topics: stateTopic + describeLine("orders", 12, 2) },
    );
    expect(rf.code).toBe(1);
    expect(rf.out).toMatch(/replication factor 2; the stack file declares 3.*reassignment/);
  });

  it("keeps a removed topic by default, deletes one that said delete, and releases a removed user", () => {
    const r = runScript(
      { topics: [], users: [] },
      {
        topics: stateTopic + describeLine("kept", 3) + describeLine("scratch", 3) + describeLine("by-hand", 3),
        users: "Quota configs for user-principal 'gone' are request_percentage=50.0\n",
        acls: "Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=kept, patternType=LITERAL)`:\n\t(principal=User:gone, host=*, operation=READ, permissionType=ALLOW)\n",
        state: "topic:kept retain\ntopic:scratch delete\nuser:gone managed\n",
      },
    );
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/WARNING: topic kept left the stack file and is kept with its data/);
    expect(r.calls).toContain("kafka-topics.sh --delete --topic scratch");
    expect(r.calls.some((c) => c.includes("--delete --topic kept") || c.includes("by-hand"))).toBe(false);
    expect(r.calls).toContain("kafka-configs.sh --alter --entity-type users --entity-name gone --delete-config SCRAM-SHA-512");
    expect(r.calls).toContain("kafka-configs.sh --alter --entity-type users --entity-name gone --delete-config request_percentage");
    expect(r.calls).toContain(
      "kafka-acls.sh --remove --resource-pattern-type LITERAL --allow-principal User:gone --allow-host * --topic kept --force --operation READ",
    );
    expect(r.calls).toEqual(
      expect.arrayContaining(["  record topic:kept removed", "  record topic:scratch removed", "  record user:gone removed"]),
    );
  });

  it("stops at Kafka's error, printing what it was doing", () => {
    const r = runScript({ topics: [topic("orders", 3)], users: [] }, { topics: stateTopic, fail: "--topic orders" });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAILED: create topic orders\nError while executing: refused/);
  });
});

describe("the access Job and user Secrets in the stacks' plans", () => {
  for (const stack of ["gke", "eks"] as const) {
    it(`${stack}: one Job in the first region, a Secret per user, namespace and cluster, no password in plain inputs`, async () => {
      const config = stackConfig(stack);
      const { recorded } = await planStackOk(stack, config);
      const jobs = recorded.ofType("kubernetes:batch/v1:Job");
      expect(jobs).toHaveLength(1);
      const providers = [...new Set(recorded.ofType("kubernetes:apps/v1:StatefulSet").map((s) => s.provider))];
      expect(jobs[0].provider).toBe(recorded.ofType("kubernetes:apps/v1:StatefulSet")[0].provider);
      const job = jobs[0].inputs as {
        spec: { backoffLimit: number; template: { metadata: { annotations: Record<string, string> }; spec: Record<string, unknown> } };
      };
      const pod = job.spec.template.spec as {
        serviceAccountName: string;
        containers: Array<{ image: string; command: string[]; terminationMessagePolicy: string }>;
      };
      expect(pod.serviceAccountName).toBe("kafka-access-apply");
      expect(pod.containers[0].image).toMatch(/^apache\/kafka:4\.1\./);
      expect(pod.containers[0].command).toEqual(["/bin/sh", "/etc/kafka-access/script/apply.sh"]);
      expect(pod.containers[0].terminationMessagePolicy).toBe("FallbackToLogsOnError");
      expect(job.spec.template.metadata.annotations["sidecar.istio.io/nativeSidecar"]).toBe(stack === "eks" ? "true" : undefined);
      const users = ["orders-service", "analytics"];
      const secrets = recorded
        .ofType("kubernetes:core/v1:Secret")
        .filter((s) => users.some((u) => (s.inputs.metadata as { name: string }).name === `kafka-user-${u}`));
      expect(secrets).toHaveLength(users.length * providers.length);
      for (const s of secrets) expect(isSecretValue(s.inputs.stringData)).toBe(true);
      const script = recorded
        .ofType("kubernetes:core/v1:ConfigMap")
        .find((c) => (c.inputs.metadata as { name: string }).name === "kafka-access-apply")!.inputs.data as Record<string, string>;
      expect(script["apply.sh"]).toContain("apply_topic 'orders' 12 3 retain 'retention.ms=604800000'");
      expect(script["apply.sh"]).toContain("TOPIC|orders|LITERAL|User:analytics|*|READ|ALLOW");
      expect(script["apply.sh"]).not.toMatch(/mock-password/);
    });
  }

  it("refuses a user Secret for a namespace that may not reach the client listener", async () => {
    const config = stackConfig("gke");
    setPath(config, "kafka", ["users", 0, "namespaces"], ["default"]);
    await expect(planStackOk("gke", config)).rejects.toThrow(
      /kafka\.users\[0\]\.namespaces\[0\]: "default" is not one of kafka\.clientNamespaces/,
    );
  });
});
