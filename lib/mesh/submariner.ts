// Submariner as data: the names the charts and the operator use, and the chart values for the broker and for each
// joining cluster. Every key set here was checked against the chart's values.yaml (docs/mesh.md, "Sources").
import { stringify } from "yaml";
import { serviceAccountCredentials } from "./access";

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

/** VXLAN over the VPC peering: no second encryption layer (Kafka TLS already protects the payload). */
export const SUBMARINER_CABLE_DRIVER = "vxlan";

/**
 * Node label the operator uses to place gateways (nodeSelector `submariner.io/gateway: "true"` in the operator's
 * gateway DaemonSet). Nodes are the cloud stacks' business: in Submariner mode the system pool must carry this label.
 * One gateway per cluster is active, the others stand by.
 */
export const SUBMARINER_GATEWAY_NODE_LABEL = { key: "submariner.io/gateway", value: "true" } as const;

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

export interface SubmarinerClusterRanges {
  clusterId: string;
  podCidr: string;
  serviceCidr: string;
}

/**
 * Values of the operator chart for one joining cluster, without the broker's credentials: those travel as a secret
 * values file (`brokerCredentialsValuesYaml`) so that these values stay readable in the plan.
 * `server` is the broker's API server as `host[:port]` (the operator prefixes `https://`).
 */
export function operatorValues<Server>(cluster: SubmarinerClusterRanges, server: Server) {
  return {
    submariner: {
      clusterId: cluster.clusterId,
      clusterCidr: cluster.podCidr,
      serviceCidr: cluster.serviceCidr,
      // No Globalnet: the CIDR plan keeps every pod and service range disjoint across clusters.
      globalCidr: "",
      // The clusters reach each other over VPC peering on private addresses; nothing to traverse.
      natEnabled: false,
      cableDriver: SUBMARINER_CABLE_DRIVER,
      // Lighthouse: the clusterset.local names the Kafka brokers advertise.
      serviceDiscovery: true,
    },
    broker: {
      server,
      namespace: SUBMARINER_BROKER_NAMESPACE,
      // Verify the broker's API server against the CA that comes with the token.
      insecure: false,
      globalnet: false,
    },
  };
}

/**
 * The broker chart's values: none. Its defaults install the CRDs, the client ServiceAccount and that account's Role,
 * which is all the broker needs; the client token is created next to the release (components/mesh/submariner.ts).
 */
export function brokerValues(): Record<string, never> {
  return {};
}

/**
 * The secret half of the operator values, as a values file: the broker client token and the broker cluster's CA
 * (base64, as the operator's `brokerK8sCA` expects), taken from the broker's ServiceAccount token Secret.
 */
export function brokerCredentialsValuesYaml(tokenSecretData: Readonly<Record<string, string>> | undefined): string {
  const { token, caBase64 } = serviceAccountCredentials(tokenSecretData);
  return stringify({ broker: { token, ca: caBase64 } });
}
