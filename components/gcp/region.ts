// Everything one GKE region contributes to the stretched Kafka cluster: network, firewall, cluster and node pools,
// the cluster's Kubernetes provider and Kafka's StorageClass, handed upward as a RegionalCluster.
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dataHolderOptions } from "../../lib/durability/protection";
import { NodePoolsConfig } from "../../lib/config/schema";
import { RegionSpec } from "../../lib/config/spec";
import { Mesh } from "../../lib/types";
import { KAFKA_NODE_LABEL, KAFKA_NODE_TAINT } from "../../lib/node-pools";
import { RegionalCluster } from "../platform";
import { GkeCluster } from "./cluster";
import { KubeDnsStubDomains } from "./dns";
import { RegionalFirewall } from "./firewall";
import { gkeKubernetesProvider } from "./k8s-provider";
import { POD_RANGE_NAME, RegionalNetwork, SERVICE_RANGE_NAME } from "./network";
import { ReleaseChannel } from "../../lib/cloud/gke/node-plan";
import { PdSsdStorageClass } from "./storage";

export interface GkeRegionArgs {
  /** GCP project holding all three regions. */
  project: string;
  /** Every region of the stack, in configuration order; the firewall admits the others' ranges. */
  regions: RegionSpec[];
  /** Position of this region in `regions`. */
  index: number;
  /** Mesh of the stack: decides which mesh ports cross regions. */
  mesh: Mesh;
  /** Who may reach the control plane's public endpoint; empty for a private endpoint only. */
  controlPlaneCidrs: string[];
  /** Reserved external address (self link) for this region's Cloud NAT. Default: allocated by GCP. */
  natAddressSelfLink?: pulumi.Input<string>;
  /** NAT addresses of the clusters whose mesh dials this API server (see GkeClusterArgs). Default `[]`. */
  apiClientEgressIps?: Array<{ region: string; ip: pulumi.Input<string> }>;
  /** Machine types and per-region counts of the Kafka and system pools. */
  nodePools: NodePoolsConfig;
  /** The Kafka pool's kernel settings: the gke profile's `kafkaNodeSysctls` of the socket-buffer plan. Required. */
  kafkaNodeSysctls: Record<string, string>;
  /** GKE release channel. Default `REGULAR`. */
  releaseChannel?: ReleaseChannel;
  /** Kubernetes minor version of the control plane (see GkeClusterArgs). Required. */
  kubernetesVersion: string;
  /** The previous region's Kafka pool, which this region's updates after (see GkeClusterArgs). Default none. */
  kafkaPoolAfter?: pulumi.Resource[];
  /** The previous region's system pool, likewise. Default none. */
  systemPoolAfter?: pulumi.Resource[];
  /** GKE managed Prometheus collection and its CRDs in this cluster (see GkeClusterArgs). Default false. */
  managedPrometheus?: boolean;
  /** Protect the cluster, its Kafka pool and its StorageClass (lib/durability/protection.ts). Default true. */
  protectData?: boolean;
  /** GCP provider of this region, passed to every GCP child. */
  provider: gcp.Provider;
}

export class GkeRegion extends pulumi.ComponentResource {
  readonly region: RegionSpec;
  readonly network: RegionalNetwork;
  readonly firewall: RegionalFirewall;
  readonly gke: GkeCluster;
  readonly k8sProvider: k8s.Provider;
  readonly storage: PdSsdStorageClass;
  /** What the mesh and Kafka layers need from this region. */
  readonly regionalCluster: RegionalCluster;
  private readonly componentName: string;

  constructor(name: string, args: GkeRegionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:gcp:GkeRegion", name, {}, opts);
    this.componentName = name;
    const region = args.regions[args.index];
    if (region === undefined) {
      throw new pulumi.InputPropertiesError({
        message: "no such region",
        errors: [{ propertyPath: "index", reason: `${args.index} is outside regions (${args.regions.length})` }],
      });
    }
    this.region = region;
    const { provider } = args;
    const protectData = args.protectData ?? true;

    this.network = new RegionalNetwork(
      `${name}-network`,
      { region, provider, ...(args.natAddressSelfLink !== undefined ? { natAddressSelfLink: args.natAddressSelfLink } : {}) },
      { parent: this },
    );
    this.firewall = new RegionalFirewall(
      `${name}-firewall`,
      { network: this.network.networkSelfLink, regions: args.regions, localIndex: args.index, mesh: args.mesh, provider },
      { parent: this },
    );
    this.gke = new GkeCluster(
      `${name}-cluster`,
      {
        project: args.project,
        region,
        network: this.network.networkSelfLink,
        subnetwork: this.network.subnetworkSelfLink,
        podRangeName: POD_RANGE_NAME,
        serviceRangeName: SERVICE_RANGE_NAME,
        controlPlaneCidrs: args.controlPlaneCidrs,
        apiClientEgressIps: args.apiClientEgressIps ?? [],
        kafkaPool: args.nodePools.kafka,
        systemPool: args.nodePools.system,
        kafkaNodeSysctls: args.kafkaNodeSysctls,
        kubernetesVersion: args.kubernetesVersion,
        ...(args.kafkaPoolAfter ? { kafkaPoolAfter: args.kafkaPoolAfter } : {}),
        ...(args.systemPoolAfter ? { systemPoolAfter: args.systemPoolAfter } : {}),
        ...(args.releaseChannel ? { releaseChannel: args.releaseChannel } : {}),
        ...(args.managedPrometheus ? { managedPrometheus: true } : {}),
        protectData,
        provider,
      },
      // Nodes come up with the firewall in place, so the mesh never starts against a closed network.
      { parent: this, dependsOn: [this.firewall] },
    );
    this.k8sProvider = gkeKubernetesProvider(
      `${name}-k8s`,
      {
        contextName: this.gke.clusterName,
        endpoint: this.gke.endpoint,
        clusterCaCertificate: this.gke.clusterCaCertificate,
        clusterIdentifier: this.gke.cluster.id,
      },
      { parent: this, ...dataHolderOptions("kubernetes-provider", protectData) },
    );
    this.storage = new PdSsdStorageClass(`${name}-storage`, { provider: this.k8sProvider, protectData }, { parent: this });

    this.regionalCluster = {
      region,
      provider: this.k8sProvider,
      storageClassName: this.storage.storageClassName,
      kafkaNodeSelector: { [KAFKA_NODE_LABEL.key]: KAFKA_NODE_LABEL.value },
      kafkaTolerations: [{ key: KAFKA_NODE_TAINT.key, operator: "Equal", value: KAFKA_NODE_TAINT.value, effect: KAFKA_NODE_TAINT.effect }],
      dependsOn: [this.gke.kafkaPool, this.gke.systemPool, this.storage],
      kafkaNodes: this.gke.kafkaPool,
    };

    this.registerOutputs({
      clusterName: this.gke.clusterName,
      endpoint: this.gke.endpoint,
      networkSelfLink: this.network.networkSelfLink,
      storageClassName: this.storage.storageClassName,
    });
  }

  /**
   * The Submariner DNS hook: makes kube-dns forward `clusterset.local` to Lighthouse's DNS Service (ClusterIP), in
   * this region's cluster. Called by the mesh layer once Lighthouse is installed; see ./dns.ts.
   */
  addClusterSetStubDomain(lighthouseDnsIp: pulumi.Input<string>, opts?: pulumi.ComponentResourceOptions): KubeDnsStubDomains {
    return new KubeDnsStubDomains(
      `${this.componentName}-clusterset-dns`,
      { provider: this.k8sProvider, clusterSetDnsIp: lighthouseDnsIp },
      { parent: this, ...opts },
    );
  }
}
