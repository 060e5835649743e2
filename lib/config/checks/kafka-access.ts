// Checks of `kafka.topics` and `kafka.users`: names Kafka accepts, no duplicates or collisions, ACL operations that
// exist for their resource type, quotas that make sense, user namespaces among the client namespaces, and values the
// access Job's script can pass to Kafka's tools unquoted (lib/kafka/access.ts).
import { Address4, Address6 } from "ip-address";
import { CLUSTER_RESOURCE_NAME, OPERATIONS_BY_RESOURCE } from "../../kafka/access-types";
import { ACCESS_STATE_TOPIC } from "../../kafka/access";
import { NODE_PRINCIPAL_NAME } from "../../kafka/properties";
import { SCRAM_USERNAME } from "../../kafka/scram";
import { Problem, configPath, error, warning } from "../../problems";
import type { ParsedConfig } from "../schema";

/** Kafka's topic name rules (org.apache.kafka.common.internals.Topic): legal characters and at most 249 of them. */
export const TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;
export const MAX_TOPIC_NAME_LENGTH = 249;
/** Names Kafka or this program use for their own topics. */
const RESERVED_TOPICS = new Set([
  "__consumer_offsets",
  "__transaction_state",
  "__share_group_state",
  "__cluster_metadata",
  ACCESS_STATE_TOPIC,
]);
/** Group and transactional-id names in ACLs: what the access script passes unquoted (Kafka itself allows more). */
const ACL_NAME = /^[a-zA-Z0-9._-]+$/;
/** Topic config values the script passes as one word: no white space or quotes. */
const CONFIG_VALUE = /^[^\s'"\\]+$/;
/** The default admin user's name (components/kafka DEFAULT_ADMIN_USERNAME); a declared user may not take it. */
const ADMIN_USERNAME = "admin";

export function checkKafkaAccess({ kafka }: Partial<ParsedConfig>): Problem[] {
  if (!kafka) return [];
  const problems: Problem[] = [];
  const path = (...segments: Array<string | number>) => configPath("kafka", segments);

  const seenTopics = new Map<string, number>();
  const seenMetricNames = new Map<string, number>();
  kafka.topics.forEach((topic, i) => {
    const name = topic.name;
    if (name === "." || name === "..") problems.push(error(path("topics", i, "name"), `"${name}" is not a topic name Kafka accepts`));
    else if (!TOPIC_NAME.test(name))
      problems.push(error(path("topics", i, "name"), `"${name}" may hold only letters, digits, '.', '_' and '-' (Kafka's rule)`));
    if (name.length > MAX_TOPIC_NAME_LENGTH)
      problems.push(error(path("topics", i, "name"), `${name.length} characters; Kafka allows at most ${MAX_TOPIC_NAME_LENGTH}`));
    if (RESERVED_TOPICS.has(name) || name.startsWith("__"))
      problems.push(error(path("topics", i, "name"), `"${name}" is reserved for Kafka's or this program's own topics`));
    const first = seenTopics.get(name);
    if (first !== undefined) problems.push(error(path("topics", i, "name"), `"${name}" is declared twice (also kafka.topics[${first}])`));
    else seenTopics.set(name, i);
    // Kafka refuses a topic whose name differs from an existing one only by '.' versus '_' (their metric names collide).
    const metricName = name.replace(/\./g, "_");
    const twin = seenMetricNames.get(metricName);
    if (twin !== undefined && first === undefined && kafka.topics[twin].name !== name)
      problems.push(
        error(
          path("topics", i, "name"),
          `"${name}" collides with "${kafka.topics[twin].name}" (kafka.topics[${twin}]): Kafka treats '.' and '_' alike in metric names and refuses the second`,
        ),
      );
    else if (twin === undefined) seenMetricNames.set(metricName, i);

    const rf = topic.replicationFactor ?? kafka.replicationFactor;
    for (const [key, value] of Object.entries(topic.config)) {
      if (!CONFIG_VALUE.test(value))
        problems.push(error(path("topics", i, "config", key), "a value may not hold white space, quotes or backslashes"));
      if (!/^[a-z0-9.]+$/.test(key)) problems.push(error(path("topics", i, "config", key), "is not a Kafka topic config name"));
    }
    const minIsr = topic.config["min.insync.replicas"];
    if (minIsr !== undefined && (!/^\d+$/.test(minIsr) || Number(minIsr) >= rf || Number(minIsr) < 1))
      problems.push(
        error(
          path("topics", i, "config", "min.insync.replicas"),
          `must be between 1 and replicationFactor - 1 = ${rf - 1} so writes continue when a region is lost`,
        ),
      );
    if (topic.config["unclean.leader.election.enable"] === "true")
      problems.push(
        warning(
          path("topics", i, "config", "unclean.leader.election.enable"),
          "true lets a lagging replica become leader and drop acknowledged writes",
        ),
      );
  });

  const seenUsers = new Map<string, number>();
  kafka.users.forEach((user, i) => {
    if (!SCRAM_USERNAME.test(user.name))
      problems.push(error(path("users", i, "name"), `"${user.name}" may hold only letters, digits, '.', '_' and '-'`));
    if (user.name === ADMIN_USERNAME || user.name === NODE_PRINCIPAL_NAME)
      problems.push(error(path("users", i, "name"), `"${user.name}" is reserved (the admin and the Kafka nodes are super users)`));
    const first = seenUsers.get(user.name);
    if (first !== undefined)
      problems.push(error(path("users", i, "name"), `"${user.name}" is declared twice (also kafka.users[${first}])`));
    else seenUsers.set(user.name, i);
    user.namespaces.forEach((ns, j) => {
      if (!kafka.clientNamespaces.includes(ns))
        problems.push(
          error(
            path("users", i, "namespaces", j),
            `"${ns}" is not one of kafka.clientNamespaces (${kafka.clientNamespaces.join(", ") || "none"}); only those may reach the client listener`,
          ),
        );
    });
    user.acls.forEach((acl, j) => {
      const allowed = OPERATIONS_BY_RESOURCE[acl.resourceType];
      acl.operations.forEach((op, k) => {
        if (!allowed.includes(op))
          problems.push(
            error(
              path("users", i, "acls", j, "operations", k),
              `"${op}" is not an operation on a ${acl.resourceType}; use ${allowed.join(", ")}`,
            ),
          );
      });
      if (acl.resourceType === "cluster" && acl.name !== CLUSTER_RESOURCE_NAME)
        problems.push(error(path("users", i, "acls", j, "name"), `the cluster resource is named "${CLUSTER_RESOURCE_NAME}"`));
      else if (acl.name === "*" && acl.patternType !== "literal")
        problems.push(error(path("users", i, "acls", j, "patternType"), `"*" (every ${acl.resourceType}) is a literal name`));
      else if (acl.name !== "*" && !(acl.resourceType === "topic" ? TOPIC_NAME : ACL_NAME).test(acl.name))
        problems.push(error(path("users", i, "acls", j, "name"), `"${acl.name}" may hold only letters, digits, '.', '_' and '-'`));
      if (acl.host !== "*" && !Address4.isValid(acl.host) && !Address6.isValid(acl.host))
        problems.push(error(path("users", i, "acls", j, "host"), `"${acl.host}" is neither "*" nor an IP address`));
      if (acl.name === "*" && acl.permission === "allow" && acl.operations.includes("all"))
        problems.push(
          warning(path("users", i, "acls", j), `allows every operation on every ${acl.resourceType}: an admin in all but name`),
        );
    });
    const q = user.quotas;
    for (const key of ["producerByteRate", "consumerByteRate"] as const) {
      const v = q[key];
      if (v !== undefined && (!Number.isFinite(v) || v <= 0))
        problems.push(error(path("users", i, "quotas", key), `must be a positive number of bytes per second (found ${v})`));
    }
    if (q.requestPercentage !== undefined && (!Number.isFinite(q.requestPercentage) || q.requestPercentage <= 0))
      problems.push(error(path("users", i, "quotas", "requestPercentage"), `must be a positive percentage (found ${q.requestPercentage})`));
  });
  return problems;
}
