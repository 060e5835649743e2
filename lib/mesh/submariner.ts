// Submariner as data, service discovery only (Lighthouse): the names the charts and the operator use, the chart values
// for the broker and each member, and each member's ServiceDiscovery CR. Every chart key set here was checked against
// the chart's values.yaml, and every CR field against the operator's API types (docs/mesh.md, "Sources").

/** Namespace of the operator release. The chart's Submariner CR is hard-wired to it (templates/submariner.yaml). */
export const SUBMARINER_OPERATOR_NAMESPACE = "submariner-operator";
/** Namespace of the broker release in the broker cluster (subctl's default, which Submariner's docs use). */
export const SUBMARINER_BROKER_NAMESPACE = "submariner-k8s-broker";
/** Release names; the broker chart derives its client ServiceAccount name from its release name. */
export const SUBMARINER_BROKER_RELEASE = "submariner-k8s-broker";
export const SUBMARINER_OPERATOR_RELEASE = "submariner-operator";
/**
 * ServiceAccount the broker chart creates for joining clusters: `<fullname>-client`, and the fullname is the release
 * name when it contains the chart name (templates/_helpers.tpl). Its Role lets members sync endpoints and services.
 */
export const SUBMARINER_BROKER_CLIENT_SERVICE_ACCOUNT = `${SUBMARINER_BROKER_RELEASE}-client`;

/** Lighthouse's CoreDNS pods and port (operator: `newLighthouseCoreDNSDeployment`, `newLighthouseCoreDNSService`). */
export const LIGHTHOUSE_DNS = {
  /** Name of the Service the operator itself creates in its namespace. */
  operatorServiceName: "submariner-lighthouse-coredns",
  /** Pod selector of that Service; the Service this project adds uses the same one. */
  podSelector: { app: "submariner-lighthouse-coredns" },
  port: 53,
} as const;

/** The domain Lighthouse answers; kube-dns / CoreDNS must forward it to Lighthouse. */
export const CLUSTERSET_DOMAIN = "clusterset.local";

export interface SubmarinerMember {
  clusterId: string;
}

/**
 * Values of the operator chart. Only the operator itself is wanted from it (its Deployment, RBAC and the CRDs of
 * Submariner, ServiceDiscovery and Broker); the chart's `Submariner` CR, which would start a gateway and a route agent,
 * is removed by the post-renderer (components/mesh/submariner.ts). The ServiceAccounts of those components are not
 * created either; their Role bindings, which the chart renders unconditionally, then bind nothing.
 */
export function operatorValues() {
  return {
    serviceAccounts: {
      gateway: { create: false },
      routeAgent: { create: false },
      globalnet: { create: false },
    },
  };
}

/**
 * Opaque Secret in each member, in the operator's namespace, holding a copy of the broker client's token Secret data
 * (`token`, `ca.crt`, `namespace`), as `subctl join` does (`populateBrokerSecret`, name `submariner-broker-secret`).
 * The ServiceDiscovery CR names it in `brokerK8sSecret`, and the operator mounts it into the Lighthouse agent.
 */
export const SUBMARINER_BROKER_SECRET_NAME = "submariner-broker-secret";

/** The operator's ServiceDiscovery CR: Lighthouse agent and Lighthouse CoreDNS, nothing else. */
export const SERVICE_DISCOVERY_CR = {
  apiVersion: "submariner.io/v1alpha1",
  kind: "ServiceDiscovery",
  /** `subctl join`'s name for it (submariner-operator `pkg/names`: ServiceDiscoveryCrName). */
  name: "service-discovery",
} as const;

/**
 * Spec of a member's ServiceDiscovery CR, the fields `subctl join` sets for a service-discovery-only deployment
 * (subctl `pkg/deploy/servicediscovery.go`), with the credentials by Secret reference so that the spec holds no
 * secret. `server` is the broker's API server as `host[:port]` (the operator prefixes `https://`).
 */
export function serviceDiscoverySpec<Server>(member: SubmarinerMember, server: Server, version: string) {
  return {
    clusterID: member.clusterId,
    namespace: SUBMARINER_OPERATOR_NAMESPACE,
    version,
    brokerK8sApiServer: server,
    brokerK8sRemoteNamespace: SUBMARINER_BROKER_NAMESPACE,
    brokerK8sSecret: SUBMARINER_BROKER_SECRET_NAME,
    // Verify the broker's API server against the CA in that Secret.
    brokerK8sInsecure: false,
    // No Globalnet: the CIDR plan keeps every pod and service range disjoint across clusters.
    globalnetEnabled: false,
    debug: false,
  };
}

/**
 * The broker chart's values: none. Its defaults install the CRDs, the client ServiceAccount and that account's Role,
 * which is all the broker needs; the client token is created next to the release (components/mesh/submariner.ts).
 */
export function brokerValues(): Record<string, never> {
  return {};
}
