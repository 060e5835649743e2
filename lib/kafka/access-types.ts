// The declared access of a stack's Kafka cluster: topics, users, their ACLs and quotas, as read from `kafka.topics`
// and `kafka.users` of the stack file (lib/config/schema.ts parses them; lib/config/checks/access.ts checks them).

/** Kafka's ACL resource types this program manages (kafka-acls.sh resource options). */
export const ACL_RESOURCE_TYPES = ["topic", "group", "cluster", "transactionalId"] as const;
export type AclResourceType = (typeof ACL_RESOURCE_TYPES)[number];

export const ACL_PATTERN_TYPES = ["literal", "prefixed"] as const;
export type AclPatternType = (typeof ACL_PATTERN_TYPES)[number];

export const ACL_OPERATIONS = [
  "all",
  "read",
  "write",
  "create",
  "delete",
  "alter",
  "describe",
  "clusterAction",
  "describeConfigs",
  "alterConfigs",
  "idempotentWrite",
] as const;
export type AclOperation = (typeof ACL_OPERATIONS)[number];

/**
 * Operations Kafka defines for each resource type (org.apache.kafka.common.acl.AclOperation and the authorizer's
 * checks, docs "Operations and Resources on Protocols"): an ACL for another operation would never match a request.
 */
export const OPERATIONS_BY_RESOURCE: Record<AclResourceType, readonly AclOperation[]> = {
  topic: ["all", "read", "write", "create", "delete", "alter", "describe", "describeConfigs", "alterConfigs"],
  group: ["all", "read", "delete", "describe"],
  cluster: ["all", "create", "alter", "describe", "clusterAction", "describeConfigs", "alterConfigs", "idempotentWrite"],
  transactionalId: ["all", "write", "describe"],
};

/** The one name Kafka gives the cluster resource. */
export const CLUSTER_RESOURCE_NAME = "kafka-cluster";

export interface AclSpec {
  resourceType: AclResourceType;
  /** Resource name, or `*` for every resource of the type (literal only). The cluster resource is `kafka-cluster`. */
  name: string;
  /** Default `literal`. */
  patternType: AclPatternType;
  operations: AclOperation[];
  /** Default `allow`. */
  permission: "allow" | "deny";
  /** Client address the ACL applies to; default `*`. */
  host: string;
}

export interface QuotaSpec {
  /** producer_byte_rate, bytes per second per broker. */
  producerByteRate?: number;
  /** consumer_byte_rate, bytes per second per broker. */
  consumerByteRate?: number;
  /** request_percentage: share of one request-handler and network thread, percent. */
  requestPercentage?: number;
}

export interface KafkaUserSpec {
  /** SCRAM user name; the principal is `User:<name>`. */
  name: string;
  /** Client namespaces (in every cluster) that receive the user's Secret. */
  namespaces: string[];
  /** Authentication mechanism; SCRAM-SHA-512 on the client listener. */
  mechanism: "scram-sha-512";
  acls: AclSpec[];
  quotas: QuotaSpec;
}

export type TopicDeletionPolicy = "retain" | "delete";

export interface KafkaTopicSpec {
  name: string;
  partitions: number;
  /** Default `kafka.replicationFactor`. */
  replicationFactor?: number;
  /** Topic-level configs (`retention.ms`, `cleanup.policy`, ...), as Kafka's strings. */
  config: Record<string, string>;
  /** What happens in Kafka when the topic leaves the stack file. Default `retain`: its data stays. */
  deletionPolicy: TopicDeletionPolicy;
}
