// Submariner mode of the mesh layer, service discovery only: the broker chart in one cluster, the operator chart in
// every cluster without its Submariner CR (so no gateway and no route agent), a ServiceDiscovery CR per cluster
// (Lighthouse agent and CoreDNS), Lighthouse DNS wired into each cluster, and a ServiceExport for every Service the
// Kafka layer asks to export. Kafka's packets take the clusters' own routes (VPC-native pod ranges over the peering).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SERVICE_ACCOUNT_NAME_ANNOTATION, SERVICE_ACCOUNT_TOKEN_TYPE, apiServerHostPort } from "../../lib/mesh/access";
import { CHARTS, SUBMARINER_VERSION, releaseChart } from "../../lib/mesh/charts";
import {
  LIGHTHOUSE_DNS,
  SERVICE_DISCOVERY_CR,
  SUBMARINER_BROKER_CLIENT_SERVICE_ACCOUNT,
  SUBMARINER_BROKER_NAMESPACE,
  SUBMARINER_BROKER_RELEASE,
  SUBMARINER_BROKER_SECRET_NAME,
  SUBMARINER_OPERATOR_NAMESPACE,
  SUBMARINER_OPERATOR_RELEASE,
  brokerValues,
  operatorValues,
  serviceDiscoverySpec,
} from "../../lib/mesh/submariner";
import type { RegionalCluster } from "../platform";
import type { ExportServiceArgs, MeshLayer } from "./types";

/** Name of the token Secret created for the broker's client ServiceAccount. */
export const BROKER_TOKEN_SECRET_NAME = "geo-kafka-broker-client-token";
/** Name of the Service in front of Lighthouse's CoreDNS pods whose ClusterIP the DNS hook receives. */
export const CLUSTERSET_DNS_SERVICE_NAME = "geo-kafka-clusterset-dns";
export const SERVICE_EXPORT_API_VERSION = "multicluster.x-k8s.io/v1alpha1";
/**
 * Helm post-renderer of the operator release (an executable Helm runs on the rendered manifests): drops the chart's
 * `Submariner` CR, which the chart renders unconditionally and which would start a gateway and a route agent. A
 * relative path, resolved by Helm against the working directory of `pulumi up`, the project root.
 */
export const OPERATOR_POST_RENDERER = "components/mesh/operator-post-renderer.sh";

/**
 * Wires `clusterset.local` to Lighthouse in one cluster, given the ClusterIP of a Service in front of Lighthouse's
 * CoreDNS; returns what it created (workloads of that cluster wait for it). On GKE this is the kube-dns stub domain
 * (`GkeRegion.addClusterSetStubDomain`).
 */
export type ClustersetDnsHook = (regionIndex: number, lighthouseDnsIp: pulumi.Input<string>) => pulumi.Resource[];

export interface SubmarinerMeshArgs {
  /** The stack's clusters in region order; every one joins. Required, at least two. */
  clusters: RegionalCluster[];
  /** Position in `clusters` of the cluster that also hosts the broker. Default 0. */
  brokerIndex?: number;
  /**
   * The broker cluster's API server as the other clusters reach it: `host`, `host:port` or `https://host[:port]`.
   * Required. It is an address, not a credential, and is kept readable in the chart values.
   */
  brokerApiServer: pulumi.Input<string>;
  /**
   * Makes `clusterset.local` resolve in a cluster (see `ClustersetDnsHook`). Default none: on clusters whose DNS is
   * CoreDNS (`kube-system/coredns`) the operator adds the forward itself; kube-dns (GKE) needs the hook.
   */
  configureClustersetDns?: ClustersetDnsHook;
}

interface Member {
  cluster: RegionalCluster;
  operator: k8s.helm.v3.Release;
  serviceDiscovery: k8s.apiextensions.CustomResource;
  dnsService: k8s.core.v1.Service;
  dns: pulumi.Resource[];
}

export class SubmarinerMesh extends pulumi.ComponentResource implements MeshLayer {
  readonly mode = "submariner" as const;
  /** Submariner needs nothing from the workload namespace: exports are per Service. */
  readonly namespaceLabels: Record<string, string> = {};
  readonly brokerRelease: k8s.helm.v3.Release;
  readonly operatorReleases: k8s.helm.v3.Release[];
  /** Per region: ClusterIP of the Service in front of Lighthouse's CoreDNS. */
  readonly clustersetDnsIps: pulumi.Output<string>[];
  private readonly members: Member[];

  constructor(name: string, args: SubmarinerMeshArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:mesh:SubmarinerMesh", name, {}, opts);
    const brokerIndex = args.brokerIndex ?? 0;
    validate(args, brokerIndex);
    const brokerCluster = args.clusters[brokerIndex];
    const brokerPrefix = `${name}-${brokerCluster.region.name}`;
    const inBroker = { parent: this, provider: brokerCluster.provider };

    const brokerNamespace = new k8s.core.v1.Namespace(
      `${brokerPrefix}-broker-ns`,
      { metadata: { name: SUBMARINER_BROKER_NAMESPACE } },
      inBroker,
    );
    this.brokerRelease = new k8s.helm.v3.Release(
      `${brokerPrefix}-broker`,
      {
        ...releaseChart(CHARTS.submarinerBroker),
        name: SUBMARINER_BROKER_RELEASE,
        namespace: SUBMARINER_BROKER_NAMESPACE,
        values: brokerValues(),
      },
      { ...inBroker, dependsOn: [brokerNamespace, ...brokerCluster.dependsOn] },
    );
    // A token Secret of our own for the chart's client ServiceAccount: Pulumi waits until the token controller has
    // filled it, so its data is an ordinary output (reading the chart's own token Secret would race that controller).
    const brokerToken = new k8s.core.v1.Secret(
      `${brokerPrefix}-broker-token`,
      {
        metadata: {
          name: BROKER_TOKEN_SECRET_NAME,
          namespace: SUBMARINER_BROKER_NAMESPACE,
          annotations: { [SERVICE_ACCOUNT_NAME_ANNOTATION]: SUBMARINER_BROKER_CLIENT_SERVICE_ACCOUNT },
        },
        type: SERVICE_ACCOUNT_TOKEN_TYPE,
      },
      { ...inBroker, dependsOn: [this.brokerRelease] },
    );
    // Token and CA leave the broker cluster only inside Secrets; every chart value and CR spec stays readable.
    const brokerSecretData = pulumi.secret(brokerToken.data);
    // An address is not a credential: were the endpoint a secret output, it would hide the whole CR spec.
    const brokerServer = pulumi.unsecret(pulumi.output(args.brokerApiServer)).apply(apiServerHostPort);

    this.members = args.clusters.map((cluster) => {
      const prefix = `${name}-${cluster.region.name}`;
      const inCluster = { parent: this, provider: cluster.provider };
      const namespace = new k8s.core.v1.Namespace(`${prefix}-ns`, { metadata: { name: SUBMARINER_OPERATOR_NAMESPACE } }, inCluster);
      const operator = new k8s.helm.v3.Release(
        `${prefix}-operator`,
        {
          ...releaseChart(CHARTS.submarinerOperator),
          name: SUBMARINER_OPERATOR_RELEASE,
          namespace: SUBMARINER_OPERATOR_NAMESPACE,
          values: operatorValues(),
          postrender: OPERATOR_POST_RENDERER,
        },
        { ...inCluster, dependsOn: [namespace, ...cluster.dependsOn] },
      );
      // A copy of the broker client's token Secret, as `subctl join` makes it; the operator mounts it into the agent.
      const brokerSecret = new k8s.core.v1.Secret(
        `${prefix}-broker-secret`,
        {
          metadata: { name: SUBMARINER_BROKER_SECRET_NAME, namespace: SUBMARINER_OPERATOR_NAMESPACE },
          type: "Opaque",
          data: brokerSecretData,
        },
        { ...inCluster, dependsOn: [namespace] },
      );
      // Lighthouse only: the operator's ServiceDiscovery controller deploys the agent and CoreDNS from this CR alone.
      // Its CRD comes with the operator chart (crds/), so the CR waits for the release.
      const serviceDiscovery = new k8s.apiextensions.CustomResource(
        `${prefix}-service-discovery`,
        {
          apiVersion: SERVICE_DISCOVERY_CR.apiVersion,
          kind: SERVICE_DISCOVERY_CR.kind,
          metadata: { name: SERVICE_DISCOVERY_CR.name, namespace: SUBMARINER_OPERATOR_NAMESPACE },
          // No credential here: `brokerK8sSecret` names the Secret above, so the spec stays readable in a preview.
          spec: serviceDiscoverySpec(cluster.region, brokerServer, SUBMARINER_VERSION),
        },
        { ...inCluster, dependsOn: [operator, brokerSecret, this.brokerRelease] },
      );
      // Our own Service in front of Lighthouse's CoreDNS pods: its ClusterIP is an output of a resource this program
      // creates, so the DNS hook needs no read of the operator's Service, which appears only after the operator runs.
      // Pulumi waits for the Service to have ready endpoints, so it also tells when Lighthouse DNS is serving.
      const dnsService = new k8s.core.v1.Service(
        `${prefix}-clusterset-dns`,
        {
          metadata: {
            name: CLUSTERSET_DNS_SERVICE_NAME,
            namespace: SUBMARINER_OPERATOR_NAMESPACE,
            labels: { "app.kubernetes.io/part-of": "geo-kafka" },
          },
          spec: {
            type: "ClusterIP",
            selector: { ...LIGHTHOUSE_DNS.podSelector },
            ports: [
              { name: "dns-udp", protocol: "UDP", port: LIGHTHOUSE_DNS.port, targetPort: LIGHTHOUSE_DNS.port },
              { name: "dns-tcp", protocol: "TCP", port: LIGHTHOUSE_DNS.port, targetPort: LIGHTHOUSE_DNS.port },
            ],
          },
        },
        { ...inCluster, dependsOn: [serviceDiscovery] },
      );
      const dns = args.configureClustersetDns?.(cluster.region.index, dnsService.spec.clusterIP) ?? [];
      return { cluster, operator, serviceDiscovery, dnsService, dns };
    });
    this.operatorReleases = this.members.map((m) => m.operator);
    this.clustersetDnsIps = this.members.map((m) => m.dnsService.spec.clusterIP);

    this.registerOutputs({
      brokerCluster: brokerCluster.region.clusterId,
      brokerNamespace: SUBMARINER_BROKER_NAMESPACE,
      clustersetDnsIps: this.clustersetDnsIps,
    });
  }

  readyIn(regionIndex: number): pulumi.Resource[] {
    const member = this.memberAt(regionIndex);
    return [member.operator, member.serviceDiscovery, member.dnsService, ...member.dns];
  }

  exportService(args: ExportServiceArgs): pulumi.Resource[] {
    const member = this.memberAt(args.cluster.region.index);
    if (member.cluster.provider !== args.cluster.provider) {
      throw new pulumi.InputPropertiesError({
        message: "exportService was given a cluster this mesh did not join",
        errors: [{ propertyPath: "cluster", reason: `region ${args.cluster.region.name} has another provider than the mesh's` }],
      });
    }
    // The ServiceExport CRD is installed by the operator at start (the Lighthouse CRDs, with or without a Submariner
    // CR), so exports wait for this cluster's mesh.
    const options = pulumi.mergeOptions({ parent: this, dependsOn: this.readyIn(args.cluster.region.index) }, args.opts ?? {});
    return [
      new k8s.apiextensions.CustomResource(
        `${args.name}-export`,
        {
          apiVersion: SERVICE_EXPORT_API_VERSION,
          kind: "ServiceExport",
          metadata: { name: args.serviceName, namespace: args.namespace },
        },
        { ...options, provider: args.cluster.provider },
      ),
    ];
  }

  private memberAt(regionIndex: number): Member {
    const member = this.members.find((m) => m.cluster.region.index === regionIndex);
    if (!member) throw new Error(`the Submariner mesh has no cluster for region index ${regionIndex}`);
    return member;
  }
}

function validate(args: SubmarinerMeshArgs, brokerIndex: number): void {
  const errors: Array<{ propertyPath: string; reason: string }> = [];
  if (args.clusters.length < 2)
    errors.push({ propertyPath: "clusters", reason: `a mesh joins at least two clusters (got ${args.clusters.length})` });
  if (!Number.isInteger(brokerIndex) || brokerIndex < 0 || brokerIndex >= args.clusters.length) {
    errors.push({ propertyPath: "brokerIndex", reason: `${brokerIndex} is not a position in clusters` });
  }
  const seen = new Set<string>();
  args.clusters.forEach((cluster, i) => {
    if (seen.has(cluster.region.clusterId)) {
      errors.push({ propertyPath: `clusters[${i}].region.clusterId`, reason: `"${cluster.region.clusterId}" joins twice` });
    }
    seen.add(cluster.region.clusterId);
  });
  if (errors.length > 0) throw new pulumi.InputPropertiesError({ message: "invalid Submariner mesh arguments", errors });
}
