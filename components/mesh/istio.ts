// Istio multi-primary mode of the mesh layer: one root CA for the whole mesh and an intermediate per cluster
// (`cacerts`), `base` and `istiod` in every cluster with one mesh id, remote secrets so each istiod watches the other
// clusters, STRICT mTLS, and east-west gateways only where clusters sit on different networks.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import {
  SERVICE_ACCOUNT_NAME_ANNOTATION,
  SERVICE_ACCOUNT_TOKEN_TYPE,
  apiServerUrl,
  serviceAccountCredentials,
} from "../../lib/mesh/access";
import { CHARTS, releaseChart } from "../../lib/mesh/charts";
import {
  CACERTS,
  DEFAULT_MESH_ID,
  EAST_WEST_GATEWAY,
  ISTIO_NAMESPACE,
  ISTIO_READER_SERVICE_ACCOUNT,
  ISTIO_RELEASES,
  IstioNetworkModel,
  MESH_CA,
  NETWORK_LABEL,
  REMOTE_SECRET,
  SIDECAR_INJECTION_LABELS,
  baseValues,
  certChainPem,
  eastWestGatewayValues,
  istioNetworks,
  istiodValues,
  needsEastWestGateway,
  remoteSecretKubeconfig,
  remoteSecretName,
} from "../../lib/mesh/istio";
import { SYSTEM_NODE_LABEL } from "../../lib/node-pools";
import { RegionalCluster } from "../platform";
import type { MeshLayer } from "./types";

/**
 * PeerAuthentication API version: v1beta1 is served by Istio 1.30 (v1 is the storage version) and is the newest
 * version `@kubernetes-models/istio` 2.3.0 can validate. Moving to v1 changes nothing on the cluster.
 */
export const PEER_AUTHENTICATION_API_VERSION = "security.istio.io/v1beta1";
/** Gateway API version for the east-west `Gateway`, for the same reason. */
export const ISTIO_GATEWAY_API_VERSION = "networking.istio.io/v1beta1";
/** Name of the token Secret created for `istio-reader-service-account` in every cluster. */
export const READER_TOKEN_SECRET_NAME = "geo-kafka-istio-reader-token";

export interface IstioMeshArgs {
  /** The stack's clusters in region order; every one runs its own istiod (multi-primary). Required, at least two. */
  clusters: RegionalCluster[];
  /**
   * Per cluster (same order), its API server as the other clusters' istiod reach it: `host`, `host:port` or
   * `https://host[:port]`. Required. It goes into the remote secrets the other clusters hold.
   */
  apiServerEndpoints: pulumi.Input<string>[];
  /** Mesh id, the same in every cluster. Default `geo-kafka`. */
  meshId?: string;
  /**
   * How clusters map to Istio networks (lib/mesh/istio.ts). Default `shared`: pod addresses route over the peering,
   * so there is no east-west gateway. `per-cluster` adds one gateway per cluster.
   */
  networkModel?: IstioNetworkModel;
}

interface Member {
  cluster: RegionalCluster;
  network: string;
  istiod: k8s.helm.v3.Release;
  ready: pulumi.Resource[];
}

export class IstioMesh extends pulumi.ComponentResource implements MeshLayer {
  readonly mode = "istio" as const;
  /** Sidecar injection for the workload namespace. */
  readonly namespaceLabels: Record<string, string> = { ...SIDECAR_INJECTION_LABELS };
  readonly meshId: string;
  /** Network name per region. */
  readonly networks: string[];
  /** PEM of the mesh root CA (public). */
  readonly rootCertPem: pulumi.Output<string>;
  private readonly members: Member[];

  constructor(name: string, args: IstioMeshArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:mesh:IstioMesh", name, {}, opts);
    validate(args);
    this.meshId = args.meshId ?? DEFAULT_MESH_ID;
    this.networks = istioNetworks(
      args.clusters.map((c) => c.region.clusterId),
      args.networkModel ?? "shared",
      this.meshId,
    );
    const systemNodes = { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value };

    // One root for the whole mesh, so a workload certificate from any cluster is trusted in every other one.
    const rootKey = new tls.PrivateKey(`${name}-root-key`, { algorithm: "RSA", rsaBits: MESH_CA.rsaBits }, { parent: this });
    const rootKeyPem = pulumi.secret(rootKey.privateKeyPem);
    const root = new tls.SelfSignedCert(
      `${name}-root-ca`,
      {
        privateKeyPem: rootKeyPem,
        subject: { organization: MESH_CA.organization, commonName: MESH_CA.root.commonName },
        isCaCertificate: true,
        allowedUses: ["cert_signing", "crl_signing", "digital_signature", "key_encipherment"],
        validityPeriodHours: MESH_CA.root.validityPeriodHours,
        setSubjectKeyId: true,
      },
      { parent: this },
    );
    this.rootCertPem = root.certPem;

    const perCluster = args.clusters.map((cluster, i) => {
      const prefix = `${name}-${cluster.region.name}`;
      const inCluster = { parent: this, provider: cluster.provider };
      const network = this.networks[i];

      const namespace = new k8s.core.v1.Namespace(
        `${prefix}-ns`,
        // istiod reads the cluster's network from this label of its own namespace.
        { metadata: { name: ISTIO_NAMESPACE, labels: { [NETWORK_LABEL]: network } } },
        inCluster,
      );
      const cacerts = this.intermediateCa(prefix, cluster, rootKeyPem, root.certPem, namespace);
      const base = new k8s.helm.v3.Release(
        `${prefix}-base`,
        { ...releaseChart(CHARTS.istioBase), name: ISTIO_RELEASES.base, namespace: ISTIO_NAMESPACE, values: baseValues() },
        { ...inCluster, dependsOn: [namespace, ...cluster.dependsOn] },
      );
      // istiod must find `cacerts` at its first start, or it generates its own root and the clusters distrust each other.
      const istiod = new k8s.helm.v3.Release(
        `${prefix}-istiod`,
        {
          ...releaseChart(CHARTS.istiod),
          name: ISTIO_RELEASES.istiod,
          namespace: ISTIO_NAMESPACE,
          values: istiodValues({ meshId: this.meshId, clusterId: cluster.region.clusterId, network, nodeSelector: systemNodes }),
        },
        { ...inCluster, dependsOn: [base, cacerts, ...cluster.dependsOn] },
      );
      // Mesh-wide STRICT (root namespace, no selector): it covers the Kafka namespace from the first apply without
      // ordering against a namespace the Kafka layer creates, and only injected workloads are affected.
      const strictMtls = new k8s.apiextensions.CustomResource(
        `${prefix}-strict-mtls`,
        {
          apiVersion: PEER_AUTHENTICATION_API_VERSION,
          kind: "PeerAuthentication",
          metadata: { name: "default", namespace: ISTIO_NAMESPACE },
          spec: { mtls: { mode: "STRICT" } },
        },
        // istiod's validating webhook checks Istio config, so it must be serving first.
        { ...inCluster, dependsOn: [istiod] },
      );
      const readerToken = new k8s.core.v1.Secret(
        `${prefix}-reader-token`,
        {
          metadata: {
            name: READER_TOKEN_SECRET_NAME,
            namespace: ISTIO_NAMESPACE,
            annotations: { [SERVICE_ACCOUNT_NAME_ANNOTATION]: ISTIO_READER_SERVICE_ACCOUNT },
          },
          type: SERVICE_ACCOUNT_TOKEN_TYPE,
        },
        // The base chart creates the reader ServiceAccount; istiod's chart binds its ClusterRole.
        { ...inCluster, dependsOn: [base] },
      );
      const gateway = needsEastWestGateway(this.networks, i) ? this.eastWestGateway(prefix, cluster, network, systemNodes, istiod) : [];
      return { cluster, network, namespace, istiod, strictMtls, readerToken, gateway };
    });

    // Remote secrets: cluster i holds a kubeconfig for every other cluster j, built from j's reader token. The
    // kubeconfig is a secret from end to end; only the labels and the annotation naming j stay readable.
    const remoteSecrets = perCluster.map((holder, i) =>
      perCluster.flatMap((remote, j) => {
        if (i === j) return [];
        const remoteId = remote.cluster.region.clusterId;
        const kubeconfig = pulumi
          .secret(pulumi.all([remote.readerToken.data, pulumi.output(args.apiServerEndpoints[j])]))
          .apply(([data, endpoint]) => {
            const { token, caBase64 } = serviceAccountCredentials(data);
            return remoteSecretKubeconfig({
              clusterName: remoteId,
              server: apiServerUrl(endpoint),
              certificateAuthorityData: caBase64,
              token,
            });
          });
        return [
          new k8s.core.v1.Secret(
            `${name}-${holder.cluster.region.name}-remote-${remote.cluster.region.name}`,
            {
              metadata: {
                name: remoteSecretName(remoteId),
                namespace: ISTIO_NAMESPACE,
                labels: { [REMOTE_SECRET.label.key]: REMOTE_SECRET.label.value },
                annotations: { [REMOTE_SECRET.clusterAnnotation]: remoteId },
              },
              type: "Opaque",
              stringData: { [remoteId]: kubeconfig },
            },
            { parent: this, provider: holder.cluster.provider, dependsOn: [holder.namespace] },
          ),
        ];
      }),
    );

    this.members = perCluster.map((m, i) => ({
      cluster: m.cluster,
      network: m.network,
      istiod: m.istiod,
      ready: [m.istiod, m.strictMtls, ...m.gateway, ...remoteSecrets[i]],
    }));

    this.registerOutputs({ meshId: this.meshId, networks: this.networks, rootCertPem: this.rootCertPem });
  }

  readyIn(regionIndex: number): pulumi.Resource[] {
    const member = this.members.find((m) => m.cluster.region.index === regionIndex);
    if (!member) throw new Error(`the Istio mesh has no cluster for region index ${regionIndex}`);
    return [...member.ready];
  }

  /** With one network per cluster, other clusters' connections arrive from this cluster's east-west gateway pods. */
  crossClusterEntryPeers(regionIndex: number): k8s.types.input.networking.v1.NetworkPolicyPeer[] {
    const i = this.members.findIndex((m) => m.cluster.region.index === regionIndex);
    if (i < 0 || !needsEastWestGateway(this.networks, i)) return [];
    return [
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ISTIO_NAMESPACE } },
        podSelector: { matchLabels: { ...EAST_WEST_GATEWAY.selector } },
      },
    ];
  }

  /** Nothing to create: the per-node ClusterIP Services the Kafka layer creates in every cluster are the export. */
  exportService(): pulumi.Resource[] {
    return [];
  }

  /** This cluster's intermediate CA, signed by the mesh root, in the `cacerts` Secret istiod plugs in. */
  private intermediateCa(
    prefix: string,
    cluster: RegionalCluster,
    rootKeyPem: pulumi.Output<string>,
    rootCertPem: pulumi.Output<string>,
    namespace: k8s.core.v1.Namespace,
  ): k8s.core.v1.Secret {
    const inMesh = { parent: this };
    const key = new tls.PrivateKey(`${prefix}-ca-key`, { algorithm: "RSA", rsaBits: MESH_CA.rsaBits }, inMesh);
    const keyPem = pulumi.secret(key.privateKeyPem);
    const request = new tls.CertRequest(
      `${prefix}-ca-csr`,
      {
        privateKeyPem: keyPem,
        subject: { organization: MESH_CA.organization, commonName: MESH_CA.intermediate.commonName, locality: cluster.region.clusterId },
        dnsNames: [...MESH_CA.intermediate.dnsNames],
      },
      inMesh,
    );
    const cert = new tls.LocallySignedCert(
      `${prefix}-ca-cert`,
      {
        certRequestPem: request.certRequestPem,
        caPrivateKeyPem: rootKeyPem,
        caCertPem: rootCertPem,
        isCaCertificate: true,
        // An intermediate signs workload certificates only, never another CA.
        maxPathLength: 0,
        allowedUses: ["cert_signing", "crl_signing", "digital_signature", "key_encipherment"],
        validityPeriodHours: MESH_CA.intermediate.validityPeriodHours,
        earlyRenewalHours: MESH_CA.intermediate.earlyRenewalHours,
        setSubjectKeyId: true,
      },
      inMesh,
    );
    const { keys } = CACERTS;
    return new k8s.core.v1.Secret(
      `${prefix}-cacerts`,
      {
        metadata: { name: CACERTS.secretName, namespace: ISTIO_NAMESPACE },
        type: "Opaque",
        stringData: {
          [keys.caCert]: pulumi.secret(cert.certPem),
          [keys.caKey]: keyPem,
          [keys.rootCert]: pulumi.secret(rootCertPem),
          [keys.certChain]: pulumi.secret(pulumi.all([cert.certPem, rootCertPem]).apply(([c, r]) => certChainPem(c, r))),
        },
      },
      { parent: this, provider: cluster.provider, dependsOn: [namespace] },
    );
  }

  /** East-west gateway of a cluster whose network differs from another's, and the Gateway exposing `*.local`. */
  private eastWestGateway(
    prefix: string,
    cluster: RegionalCluster,
    network: string,
    nodeSelector: Record<string, string>,
    istiod: k8s.helm.v3.Release,
  ): pulumi.Resource[] {
    const inCluster = { parent: this, provider: cluster.provider };
    const release = new k8s.helm.v3.Release(
      `${prefix}-eastwest`,
      {
        ...releaseChart(CHARTS.istioGateway),
        name: ISTIO_RELEASES.eastWestGateway,
        namespace: ISTIO_NAMESPACE,
        values: eastWestGatewayValues({ network, nodeSelector }),
      },
      // The gateway's pods are injected with the gateway template, which istiod serves.
      { ...inCluster, dependsOn: [istiod] },
    );
    const exposeServices = new k8s.apiextensions.CustomResource(
      `${prefix}-cross-network`,
      {
        apiVersion: ISTIO_GATEWAY_API_VERSION,
        kind: "Gateway",
        metadata: { name: "cross-network-gateway", namespace: ISTIO_NAMESPACE },
        spec: {
          selector: { ...EAST_WEST_GATEWAY.selector },
          servers: [
            {
              port: { number: EAST_WEST_GATEWAY.port, name: "tls", protocol: "TLS" },
              // mTLS passes through untouched: the gateway routes by SNI, the workloads' certificates authenticate.
              tls: { mode: "AUTO_PASSTHROUGH" },
              hosts: ["*.local"],
            },
          ],
        },
      },
      { ...inCluster, dependsOn: [istiod] },
    );
    return [release, exposeServices];
  }
}

function validate(args: IstioMeshArgs): void {
  const errors: Array<{ propertyPath: string; reason: string }> = [];
  if (args.clusters.length < 2)
    errors.push({ propertyPath: "clusters", reason: `a mesh joins at least two clusters (got ${args.clusters.length})` });
  if (args.apiServerEndpoints.length !== args.clusters.length) {
    errors.push({
      propertyPath: "apiServerEndpoints",
      reason: `needs one endpoint per cluster (${args.clusters.length}), got ${args.apiServerEndpoints.length}`,
    });
  }
  const seen = new Set<string>();
  args.clusters.forEach((cluster, i) => {
    if (seen.has(cluster.region.clusterId)) {
      errors.push({ propertyPath: `clusters[${i}].region.clusterId`, reason: `"${cluster.region.clusterId}" joins twice` });
    }
    seen.add(cluster.region.clusterId);
  });
  if (errors.length > 0) throw new pulumi.InputPropertiesError({ message: "invalid Istio mesh arguments", errors });
}
