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
