// Istio mode: the AuthorizationPolicies of one region's Kafka pods, created on that cluster's provider beside the rest of
// KafkaRegion. The rules themselves are built in lib/mesh/kafka-authorization.ts.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KAFKA_NAMESPACE } from "../../lib/kafka/addresses";
import type { KafkaRole } from "../../lib/kafka/topology";
import { AUTHORIZATION_POLICY_API_VERSION, kafkaAuthorizationPolicies } from "../../lib/mesh/kafka-authorization";
import { rolePodSelector } from "./workload";

/** metadata.name of each role's policy in the Kafka namespace. */
export const AUTHORIZATION_POLICY_NAMES: Record<KafkaRole, string> = {
  broker: "kafka-broker-access",
  controller: "kafka-controller-access",
};

export interface KafkaAuthorizationArgs {
  /** Namespaces whose pods may reach the client listener. Required (may be empty). */
  clientNamespaces: readonly string[];
  /** Plaintext scrapes of the metrics port are accepted (KafkaMetricsArgs.plaintextScrapes). Required. */
  metricsFromAnySource: boolean;
}

/**
 * One ALLOW policy per role, children of the calling component (`opts.parent`), named `${name}-<role>-access`. Its
 * options carry the provider and the ordering: the mesh's CRDs first, and every pod already running under its own
 * ServiceAccount (see KafkaRegionArgs.authorizationAfter).
 */
export function createKafkaAuthorizationPolicies(
  name: string,
  args: KafkaAuthorizationArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource[] {
  const specs = kafkaAuthorizationPolicies({
    podSelectors: { broker: rolePodSelector("broker"), controller: rolePodSelector("controller") },
    clientNamespaces: args.clientNamespaces,
    metricsFromAnySource: args.metricsFromAnySource,
  });
  return (["controller", "broker"] as const).map(
    (role) =>
      new k8s.apiextensions.CustomResource(
        `${name}-${role}-access`,
        {
          apiVersion: AUTHORIZATION_POLICY_API_VERSION,
          kind: "AuthorizationPolicy",
          metadata: {
            name: AUTHORIZATION_POLICY_NAMES[role],
            namespace: KAFKA_NAMESPACE,
            labels: { "app.kubernetes.io/part-of": "geo-kafka", "app.kubernetes.io/component": role },
          },
          spec: specs[role],
        },
        opts,
      ),
  );
}
