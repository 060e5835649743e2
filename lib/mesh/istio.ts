// Istio multi-primary as data: names the charts and istiod agree on, the network model, chart values, the plugged-in
// CA layout and the kubeconfig of a remote secret. Keys and names were checked against Istio 1.30.3 (docs/mesh.md).
import { stringify } from "yaml";
import { profileOf } from "../cloud";
import type { StackSpec } from "../config/spec";
import type { IstioNetworkModel } from "../types";

/** Istio's system (and root) namespace; also where the plugged-in CA and remote secrets live. */
export const ISTIO_NAMESPACE = "istio-system";

/** Release names as in Istio's Helm install guide; the gateway's selector label derives from its release name. */
export const ISTIO_RELEASES = { base: "istio-base", istiod: "istiod", eastWestGateway: "istio-eastwestgateway" } as const;

/** Default mesh id: the same in every cluster of the stack, which is what makes them one mesh. */
export const DEFAULT_MESH_ID = "geo-kafka";

/** Label that turns on sidecar injection for a namespace (istiod's default injector namespace selector). */
export const SIDECAR_INJECTION_LABELS = { "istio-injection": "enabled" } as const;

/** Label naming the network of the istio-system namespace (and of east-west gateways). */
export const NETWORK_LABEL = "topology.istio.io/network";

/** The plugged-in CA: istiod reads this Secret at start instead of generating a self-signed root. */
export const CACERTS = {
  secretName: "cacerts",
  keys: { caCert: "ca-cert.pem", caKey: "ca-key.pem", rootCert: "root-cert.pem", certChain: "cert-chain.pem" },
} as const;

/** ServiceAccount the base chart creates for remote-secret access (templates/reader-serviceaccount.yaml). */
export const ISTIO_READER_SERVICE_ACCOUNT = "istio-reader-service-account";

/** What istiod's secret controller looks for (pkg/kube/multicluster) and what istioctl writes (create-remote-secret). */
export const REMOTE_SECRET = {
  label: { key: "istio/multiCluster", value: "true" },
  clusterAnnotation: "networking.istio.io/cluster",
  namePrefix: "istio-remote-secret-",
} as const;

export function remoteSecretName(clusterId: string): string {
  return `${REMOTE_SECRET.namePrefix}${clusterId}`;
}

/** East-west gateway: selector label (the chart's `labels.istio`) and the mTLS passthrough port. */
export const EAST_WEST_GATEWAY = { selector: { istio: "eastwestgateway" }, port: 15443 } as const;

export type { IstioNetworkModel } from "../types";

/**
 * The model for a stack: its target profile's. gke and eks route pod addresses over the peering (`shared`); existing
 * clusters are `shared` when their pods route to each other and `per-cluster` (east-west gateways) otherwise.
 */
export function istioNetworkModelOf(spec: StackSpec): IstioNetworkModel {
  const model = profileOf(spec.cloud).mesh.istioNetworkModel as IstioNetworkModel | ((s: StackSpec) => IstioNetworkModel);
  return typeof model === "function" ? model(spec) : model;
}

/** Network name of each cluster (same order as `clusterIds`). */
export function istioNetworks(clusterIds: readonly string[], model: IstioNetworkModel, meshId: string): string[] {
  return clusterIds.map((id) => (model === "shared" ? `${meshId}-network` : `${meshId}-${id}`));
}

/** A cluster needs an east-west gateway when some other cluster is on another network. */
export function needsEastWestGateway(networks: readonly string[], index: number): boolean {
  return networks.some((network, i) => i !== index && network !== networks[index]);
}

/** Values of the `base` chart: CRDs, the reader ServiceAccount (on by default) and the default revision's webhook. */
export function baseValues() {
  return { global: { istioNamespace: ISTIO_NAMESPACE } };
}

export interface IstiodValuesInput {
  meshId: string;
  clusterId: string;
  network: string;
  /** Where istiod runs (the system pool). */
  nodeSelector: Record<string, string>;
}

/** Values of the `istiod` chart for one primary cluster. */
export function istiodValues(input: IstiodValuesInput) {
  return {
    global: {
      istioNamespace: ISTIO_NAMESPACE,
      // The same mesh id everywhere: the clusters form one mesh.
      meshID: input.meshId,
      // The name the other primaries know this cluster by (the key of its remote secret).
      multiCluster: { clusterName: input.clusterId },
      network: input.network,
    },
    nodeSelector: input.nodeSelector,
  };
}

/** Values of the `gateway` chart as the east-west gateway of `network` (ports 15021/15443/15012/15017). */
export function eastWestGatewayValues(input: { network: string; nodeSelector: Record<string, string> }) {
  return {
    networkGateway: input.network,
    labels: { istio: EAST_WEST_GATEWAY.selector.istio },
    nodeSelector: input.nodeSelector,
  };
}

/** Root and intermediate CA parameters (Istio's tools/certs defaults, with a shorter-lived intermediate). */
export const MESH_CA = {
  organization: "geo-kafka",
  rsaBits: 4096,
  root: { commonName: "geo-kafka mesh root CA", validityPeriodHours: 10 * 365 * 24 },
  intermediate: {
    commonName: "geo-kafka mesh intermediate CA",
    validityPeriodHours: 5 * 365 * 24,
    /** `pulumi up` replaces the intermediate within this window before it expires. */
    earlyRenewalHours: 30 * 24,
    /** istiod's service name, as Istio's tools/certs intermediate.conf puts it. */
    dnsNames: [`istiod.${ISTIO_NAMESPACE}.svc`],
  },
} as const;

/** `cert-chain.pem`: the intermediate followed by the root (Istio's tools/certs: `cat ca-cert.pem root-cert.pem`). */
export function certChainPem(intermediateCertPem: string, rootCertPem: string): string {
  const withNewline = (pem: string) => (pem.endsWith("\n") ? pem : `${pem}\n`);
  return withNewline(intermediateCertPem) + withNewline(rootCertPem);
}

export interface RemoteKubeconfigInput {
  /** Cluster id of the remote cluster; names the cluster, user and context, as istioctl does. */
  clusterName: string;
  /** `https://host[:port]` of the remote API server. */
  server: string;
  /** Base64 PEM of the remote cluster's CA (a ServiceAccount token Secret's `ca.crt`, as stored). */
  certificateAuthorityData: string;
  /** Bearer token of the remote `istio-reader-service-account` (decoded). */
  token: string;
}

/** The kubeconfig a remote secret carries (istioctl create-remote-secret, bearer-token auth). */
export function remoteSecretKubeconfig(input: RemoteKubeconfigInput): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name: input.clusterName, cluster: { server: input.server, "certificate-authority-data": input.certificateAuthorityData } },
    ],
    users: [{ name: input.clusterName, user: { token: input.token } }],
    contexts: [{ name: input.clusterName, context: { cluster: input.clusterName, user: input.clusterName } }],
    "current-context": input.clusterName,
  });
}
