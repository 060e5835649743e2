// Istio AuthorizationPolicy specs for the Kafka pods (Istio mode): which mesh identities may open which port of a
// broker or a controller. Pure data; components/kafka/authorization.ts creates the objects. Sources in docs/mesh.md.
import { KAFKA_NAMESPACE } from "../kafka/addresses";
import { KAFKA_SERVICE_ACCOUNTS } from "../kafka/service-accounts";
import type { KafkaRole } from "../kafka/topology";
import { METRICS_PORT } from "../observability/jmx-exporter";
import { KAFKA_PORTS } from "../ports";

/**
 * The mesh's trust domain: Istio's default (MeshConfig.trustDomain), because the istiod values of every cluster leave
 * it unset (lib/mesh/istio.ts istiodValues) and the clusters share one root CA. Changing it there means changing it here.
 */
export const ISTIO_TRUST_DOMAIN = "cluster.local";

/**
 * AuthorizationPolicy API version: `security.istio.io/v1` is the storage version of Istio 1.30's CRD (v1beta1 is
 * still served) and `@kubernetes-models/istio` 2.3.0 validates it. PeerAuthentication stays on v1beta1 only because
 * that package has no v1 model for it (components/mesh/istio.ts).
 */
export const AUTHORIZATION_POLICY_API_VERSION = "security.istio.io/v1";

/** A workload's mesh identity as AuthorizationPolicy `principals` match it: `<trust domain>/ns/<namespace>/sa/<name>`. */
export function meshPrincipal(
  serviceAccount: string,
  namespace: string = KAFKA_NAMESPACE,
  trustDomain: string = ISTIO_TRUST_DOMAIN,
): string {
  return `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

/** One source of a rule: fields within it are ANDed, sources of a rule ORed. */
export interface AuthorizationSource {
  principals?: string[];
  namespaces?: string[];
}

/** One ALLOW rule: connections to `ports` from any of `from` (every source when `from` is absent). */
export interface AuthorizationRule {
  from?: Array<{ source: AuthorizationSource }>;
  to: Array<{ operation: { ports: string[] } }>;
}

export interface AuthorizationPolicySpec {
  selector: { matchLabels: Record<string, string> };
  action: "ALLOW";
  rules: AuthorizationRule[];
}

export interface KafkaAuthorizationInput {
  /** Labels selecting the pods of each role in the Kafka namespace. */
  podSelectors: Record<KafkaRole, Record<string, string>>;
  /** Namespaces whose pods may open the client listener (may be empty). */
  clientNamespaces: readonly string[];
  /**
   * The metrics port accepts scrapes from anything the NetworkPolicy admits: scrapers outside the mesh send plaintext,
   * which carries no identity to match (the port is PERMISSIVE for them). False: no rule, so the port is closed.
   */
  metricsFromAnySource: boolean;
  /** Default ISTIO_TRUST_DOMAIN. */
  trustDomain?: string;
  /** Namespace of the Kafka workloads and of the access Job. Default KAFKA_NAMESPACE. */
  namespace?: string;
}

const portsOf = (...ports: number[]) => [{ operation: { ports: ports.map(String) } }];

/**
 * One ALLOW policy per role. Once an ALLOW policy selects a pod, a connection matching none of its rules is refused,
 * so every port a pod serves has a rule:
 * - broker, replication (9091): the brokers' and controllers' identities only;
 * - broker, client (9092): pods of the client namespaces, and the access Job's identity;
 * - controller, quorum (9093): the controllers' and brokers' identities only;
 * - both, metrics (9404): any source when `metricsFromAnySource`, else no rule.
 * For TCP, Istio matches only source principals, namespaces and IP blocks and destination ports; principals and
 * namespaces come from the peer's mTLS certificate, which STRICT PeerAuthentication requires on the Kafka ports.
 */
export function kafkaAuthorizationPolicies(input: KafkaAuthorizationInput): Record<KafkaRole, AuthorizationPolicySpec> {
  const principal = (serviceAccount: string) => meshPrincipal(serviceAccount, input.namespace, input.trustDomain);
  const kafkaNodes = [principal(KAFKA_SERVICE_ACCOUNTS.controller), principal(KAFKA_SERVICE_ACCOUNTS.broker)];
  // An empty `namespaces` list would mean "any namespace": leave the source out instead.
  const clientSources: Array<{ source: AuthorizationSource }> = [
    ...(input.clientNamespaces.length > 0 ? [{ source: { namespaces: [...input.clientNamespaces] } }] : []),
    { source: { principals: [principal(KAFKA_SERVICE_ACCOUNTS.accessApply)] } },
  ];
  const metrics: AuthorizationRule[] = input.metricsFromAnySource ? [{ to: portsOf(METRICS_PORT) }] : [];
  return {
    broker: {
      selector: { matchLabels: { ...input.podSelectors.broker } },
      action: "ALLOW",
      rules: [
        { from: [{ source: { principals: kafkaNodes } }], to: portsOf(KAFKA_PORTS.replication) },
        { from: clientSources, to: portsOf(KAFKA_PORTS.client) },
        ...metrics,
      ],
    },
    controller: {
      selector: { matchLabels: { ...input.podSelectors.controller } },
      action: "ALLOW",
      rules: [{ from: [{ source: { principals: kafkaNodes } }], to: portsOf(KAFKA_PORTS.controller) }, ...metrics],
    },
  };
}
