// The Istio AuthorizationPolicy specs of the Kafka pods (lib/mesh/kafka-authorization.ts): exact rules per port, the
// principals' form, and that every port a pod serves has a rule while nothing else does.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { listenerPorts } from "../lib/kafka/cluster";
import { KAFKA_SERVICE_ACCOUNTS } from "../lib/kafka/service-accounts";
import {
  AUTHORIZATION_POLICY_API_VERSION,
  ISTIO_TRUST_DOMAIN,
  KafkaAuthorizationInput,
  kafkaAuthorizationPolicies,
  meshPrincipal,
} from "../lib/mesh/kafka-authorization";
import { METRICS_PORT } from "../lib/observability/jmx-exporter";

const selectors = {
  broker: { "app.kubernetes.io/name": "kafka", "app.kubernetes.io/component": "broker" },
  controller: { "app.kubernetes.io/name": "kafka", "app.kubernetes.io/component": "controller" },
};
const input = (over: Partial<KafkaAuthorizationInput> = {}): KafkaAuthorizationInput => ({
  podSelectors: selectors,
  clientNamespaces: ["kafka-clients"],
  metricsFromAnySource: false,
  ...over,
});

const CONTROLLER = "cluster.local/ns/kafka/sa/kafka-controller";
const BROKER = "cluster.local/ns/kafka/sa/kafka-broker";
const ACCESS_APPLY = "cluster.local/ns/kafka/sa/kafka-access-apply";

describe("Kafka authorization policies", () => {
  it("name mesh identities as <trust domain>/ns/<namespace>/sa/<account>, in Istio's default trust domain", () => {
    expect(ISTIO_TRUST_DOMAIN).toBe("cluster.local");
    expect(AUTHORIZATION_POLICY_API_VERSION).toBe("security.istio.io/v1");
    expect(meshPrincipal(KAFKA_SERVICE_ACCOUNTS.broker)).toBe(BROKER);
    expect(meshPrincipal("x", "ns", "example.org")).toBe("example.org/ns/ns/sa/x");
  });

  it("admit replication only from Kafka nodes, the client port from client namespaces and the access Job, the quorum only from Kafka nodes", () => {
    expect(kafkaAuthorizationPolicies(input())).toEqual({
      broker: {
        selector: { matchLabels: selectors.broker },
        action: "ALLOW",
        rules: [
          { from: [{ source: { principals: [CONTROLLER, BROKER] } }], to: [{ operation: { ports: ["9091"] } }] },
          {
            from: [{ source: { namespaces: ["kafka-clients"] } }, { source: { principals: [ACCESS_APPLY] } }],
            to: [{ operation: { ports: ["9092"] } }],
          },
        ],
      },
      controller: {
        selector: { matchLabels: selectors.controller },
        action: "ALLOW",
        rules: [{ from: [{ source: { principals: [CONTROLLER, BROKER] } }], to: [{ operation: { ports: ["9093"] } }] }],
      },
    });
  });

  it("open the metrics port to any source only for plaintext scrapes", () => {
    const open = kafkaAuthorizationPolicies(input({ metricsFromAnySource: true }));
    for (const role of ["broker", "controller"] as const) {
      expect(open[role].rules.at(-1)).toEqual({ to: [{ operation: { ports: [String(METRICS_PORT)] } }] });
    }
    const closed = kafkaAuthorizationPolicies(input());
    const ports = (["broker", "controller"] as const).flatMap((r) => closed[r].rules.flatMap((x) => x.to[0].operation.ports));
    expect(ports).not.toContain(String(METRICS_PORT));
  });

  it("leave the namespaces source out when there is no client namespace (an empty list would match any namespace)", () => {
    const { broker } = kafkaAuthorizationPolicies(input({ clientNamespaces: [] }));
    expect(broker.rules[1]).toEqual({ from: [{ source: { principals: [ACCESS_APPLY] } }], to: [{ operation: { ports: ["9092"] } }] });
  });

  it("follow a trust domain and namespace other than the defaults", () => {
    const { controller } = kafkaAuthorizationPolicies(input({ trustDomain: "geo.example", namespace: "streams" }));
    expect(controller.rules[0].from).toEqual([
      { source: { principals: ["geo.example/ns/streams/sa/kafka-controller", "geo.example/ns/streams/sa/kafka-broker"] } },
    ]);
  });

  it("give every served port exactly one rule, every source an identity, and no other port a rule (property)", () => {
    const namespace = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
    fc.assert(
      fc.property(fc.uniqueArray(namespace, { maxLength: 5 }), fc.boolean(), (clientNamespaces, metrics) => {
        const policies = kafkaAuthorizationPolicies(input({ clientNamespaces, metricsFromAnySource: metrics }));
        for (const role of ["broker", "controller"] as const) {
          const rules = policies[role].rules;
          const ports = rules.flatMap((r) => r.to.flatMap((t) => t.operation.ports));
          const served = [...listenerPorts(role).map((p) => p.port), ...(metrics ? [METRICS_PORT] : [])].map(String);
          expect([...ports].sort()).toEqual([...served].sort());
          for (const rule of rules) {
            const isMetrics = rule.to[0].operation.ports[0] === String(METRICS_PORT);
            if (isMetrics) expect(rule.from).toBeUndefined();
            else {
              expect(rule.from!.length).toBeGreaterThan(0);
              for (const { source } of rule.from!) {
                expect((source.principals ?? []).length + (source.namespaces ?? []).length).toBeGreaterThan(0);
                if (source.namespaces) expect(source.namespaces).toEqual(clientNamespaces);
              }
            }
          }
        }
      }),
    );
  });
});
