// Names of the Kubernetes ServiceAccounts Kafka's workloads run as: in Istio mode each is a mesh identity that policies name.

/**
 * ServiceAccounts in the Kafka namespace of every cluster. `controller` and `broker` are created by the Kafka layer
 * (components/kafka/region.ts); `accessApply` belongs to the Job that applies users and ACLs, which creates it. Istio
 * derives a pod's identity, `<trust domain>/ns/<namespace>/sa/<name>`, from these names (lib/mesh/kafka-authorization.ts).
 */
export const KAFKA_SERVICE_ACCOUNTS = {
  controller: "kafka-controller",
  broker: "kafka-broker",
  accessApply: "kafka-access-apply",
} as const;

/** Labels of the access Job's pod: the Kafka NetworkPolicy admits it to the client port of its own cluster's brokers. */
export const ACCESS_JOB_LABELS = { "app.kubernetes.io/name": "kafka-access", "app.kubernetes.io/part-of": "geo-kafka" } as const;
