// One regional GKE Standard cluster and its two node pools: a Kafka pool (tainted, labelled, kernel tuned for the
// socket-buffer plan) and a small system pool for mesh control planes and operators. Nodes are private and shielded, run as
// a dedicated least-privilege service account, and only reach Google's metadata server through Workload Identity.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { RegionSpec } from "../../lib/config/spec";
import { KAFKA_NODE_LABEL, SYSTEM_NODE_LABEL } from "../../lib/node-pools";
import { dataHolderOptions } from "../../lib/durability/protection";
import { nodePoolRollSeconds, pulumiDuration } from "../../lib/rolls/timing";
import {
  DEFAULT_RELEASE_CHANNEL,
  KAFKA_NODE_TAG,
  ReleaseChannel,
  SYSTEM_NODE_TAG,
  ZoneSpread,
  DATAPATH_PROVIDER,
  gkeClusterName,
  maintenanceWindow,
  nodeUpgradeExclusion,
  kafkaPoolTaint,
  nodeServiceAccountId,
  spreadOverZones,
  workloadPool,
} from "../../lib/cloud/gke/node-plan";

const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
/** The minimal role GKE documents for a node service account (logging, monitoring, image pulls from Artifact Registry). */
export const NODE_SERVICE_ACCOUNT_ROLE = "roles/container.defaultNodeServiceAccount";

export interface NodePoolSize {
  /** Compute Engine machine type of every node in the pool. */
  machineType: string;
  /** Nodes in the region, spread over its zones (see spreadOverZones). */
  countPerRegion: number;
}

export interface GkeClusterArgs {
  /** GCP project of the cluster; names the Workload Identity pool. */
  project: string;
  /** The region: location, zones, cluster id. */
  region: RegionSpec;
  /** selfLink of the region's VPC. */
  network: pulumi.Input<string>;
  /** selfLink of the subnet holding the node range and the two secondary ranges below. */
  subnetwork: pulumi.Input<string>;
  /** Name of the subnet's secondary range for pods. */
  podRangeName: string;
  /** Name of the subnet's secondary range for Service ClusterIPs. */
  serviceRangeName: string;
  /**
   * CIDRs allowed to reach the control plane's public endpoint. Empty: no public endpoint at all, the control plane
   * answers on its private endpoint only (reachable from the VPC and, with global access, from any region of it).
   */
  controlPlaneCidrs: string[];
  /**
   * NAT egress addresses of the clusters whose mesh components dial this API server (lib/mesh/access.ts
   * `apiServerClients`: on the Submariner broker cluster every cluster's, its own included; with Istio the other
   * regions'), authorized on the public endpoint beside `controlPlaneCidrs`. Ignored when the endpoint is private.
   * Default `[]`.
   */
  apiClientEgressIps?: Array<{ region: string; ip: pulumi.Input<string> }>;
  /** The Kafka pool: tainted and labelled for brokers and controllers only, kernel tuned with `kafkaNodeSysctls`. */
  kafkaPool: NodePoolSize;
  /** The system pool: mesh control planes, operators, DNS. */
  systemPool: NodePoolSize;
  /**
   * The Kafka pool's kernel settings (`linuxNodeConfig.sysctls`): the gke profile's `kafkaNodeSysctls` of the
   * socket-buffer plan (lib/node-pools.ts: the buffers plus vm.max_map_count). Required.
   */
  kafkaNodeSysctls: Record<string, string>;
  /** GKE release channel. Default `REGULAR`. */
  releaseChannel?: ReleaseChannel;
  /**
   * Kubernetes minor version (the stack's `kubernetesVersion`): the control plane's `minMasterVersion`. GKE upgrades
   * within the channel on its own, in this region's maintenance window; the provider never downgrades. Required.
   */
  kubernetesVersion: string;
  /**
   * Kafka pools of other regions this one updates after (the region chain): Kafka nodes of two regions never update
   * at once. Default none (the first region).
   */
  kafkaPoolAfter?: pulumi.Resource[];
  /** System pools of other regions this one updates after, as the Kafka pools do. Default none (the first region). */
  systemPoolAfter?: pulumi.Resource[];
  /**
   * GKE Managed Service for Prometheus, managed collection (GKE API MonitoringConfig.managedPrometheusConfig.enabled):
   * GKE then runs the collectors in gmp-system and installs the monitoring.googleapis.com CRDs (PodMonitoring, Rules,
   * ...) that the observability layer's custom resources need. Set either way rather than left to GKE's
   * version-dependent default, so the plan and its policy rules can rely on it. Default false.
   */
  managedPrometheus?: boolean;
  /**
   * Protect the cluster and the Kafka pool (lib/durability/protection.ts): Pulumi refuses to delete or replace them,
   * and GKE refuses to delete the cluster (`deletionProtection`). Default true; false for a deliberate tear-down.
   */
  protectData?: boolean;
  /** GCP provider of this region; every child uses it. */
  provider: gcp.Provider;
}

export class GkeCluster extends pulumi.ComponentResource {
  readonly serviceAccount: gcp.serviceaccount.Account;
  readonly cluster: gcp.container.Cluster;
  readonly kafkaPool: gcp.container.NodePool;
  readonly systemPool: gcp.container.NodePool;
  readonly kafkaSpread: ZoneSpread;
  readonly systemSpread: ZoneSpread;
  /** The GKE cluster's name (also its mesh cluster id when that fits GKE's 40 characters). */
  readonly clusterName: string;
  /** Control plane address: the public endpoint, or the private one when there is no public endpoint. */
  readonly endpoint: pulumi.Output<string>;
  /** Base64 PEM of the cluster CA. */
  readonly clusterCaCertificate: pulumi.Output<string>;
  /** True when the control plane has no public endpoint. */
  readonly privateEndpointOnly: boolean;

  constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:gcp:GkeCluster", name, {}, opts);
    validateArgs(args);
    const { region, provider } = args;
    const childOpts = { parent: this, provider };
    const protectData = args.protectData ?? true;
    this.privateEndpointOnly = args.controlPlaneCidrs.length === 0;
    this.clusterName = gkeClusterName(region.clusterId);
    this.kafkaSpread = spreadOverZones(args.kafkaPool.countPerRegion, region.zones);
    this.systemSpread = spreadOverZones(args.systemPool.countPerRegion, region.zones);
    for (const [pool, spread, asked] of [
      ["kafka", this.kafkaSpread, args.kafkaPool.countPerRegion],
      ["system", this.systemSpread, args.systemPool.countPerRegion],
    ] as const) {
      if (spread.roundedUp) {
        void pulumi.log.warn(
          `geo-kafka:nodePools.${pool}.countPerRegion: ${asked} nodes do not divide over ${region.zones.length} zones of ${region.name}; GKE sizes pools per zone, so the pool gets ${spread.totalNodes}`,
          this,
        );
      }
    }

    // The Compute Engine default account holds Editor on the project; nodes get an account with the documented minimum.
    this.serviceAccount = new gcp.serviceaccount.Account(
      `${name}-nodes-sa`,
      {
        accountId: nodeServiceAccountId(region.clusterId),
        displayName: `GKE nodes of ${region.clusterId}`,
        description: "geo-kafka node pools: logging, monitoring, image pulls; workloads use Workload Identity instead",
        project: args.project,
      },
      childOpts,
    );
    const nodeRole = new gcp.projects.IAMMember(
      `${name}-nodes-sa-role`,
      {
        project: args.project,
        role: NODE_SERVICE_ACCOUNT_ROLE,
        member: pulumi.interpolate`serviceAccount:${this.serviceAccount.email}`,
      },
      childOpts,
    );

    // Settings every node of the cluster shares, the short-lived default pool included.
    const nodeSecurity = {
      serviceAccount: this.serviceAccount.email,
      oauthScopes: [CLOUD_PLATFORM_SCOPE],
      shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
      // Pods see the GKE metadata server, which hands out Workload Identity tokens and hides the node's credentials.
      workloadMetadataConfig: { mode: "GKE_METADATA" },
    };

    // The cluster without its node pools, i.e. the control plane and cluster-wide settings.
    this.cluster = new gcp.container.Cluster(
      `${name}-control-plane`,
      {
        name: this.clusterName,
        description: `geo-kafka ${region.clusterId}: Kafka rack ${region.name}`,
        project: args.project,
        location: region.name,
        nodeLocations: region.zones,
        network: args.network,
        subnetwork: args.subnetwork,
        networkingMode: "VPC_NATIVE",
        ipAllocationPolicy: {
          clusterSecondaryRangeName: args.podRangeName,
          servicesSecondaryRangeName: args.serviceRangeName,
          stackType: "IPV4",
        },
        datapathProvider: DATAPATH_PROVIDER,
        // kube-dns, explicitly: the Submariner DNS hook (./dns.ts) adds its stub domain to kube-dns's ConfigMap.
        dnsConfig: { clusterDns: "KUBE_DNS" },
        releaseChannel: { channel: args.releaseChannel ?? DEFAULT_RELEASE_CHANNEL },
        minMasterVersion: args.kubernetesVersion,
        // One weekday per region: GKE's own upgrades never run in two regions on the same day. The exclusion keeps GKE
        // from upgrading nodes (and the control plane's minor) until the version's end of support: node upgrades are
        // `pulumi up`- or gcloud-driven, region after region (docs/operations.md).
        maintenancePolicy: { recurringWindow: maintenanceWindow(region.index), maintenanceExclusions: [nodeUpgradeExclusion()] },
        workloadIdentityConfig: { workloadPool: workloadPool(args.project) },
        enableShieldedNodes: true,
        // No masterIpv4CidrBlock: the control plane is reached through Private Service Connect, so no /28 has to be
        // carved out of (and kept off the peering mesh of) the address plan.
        privateClusterConfig: {
          enablePrivateNodes: true,
          enablePrivateEndpoint: this.privateEndpointOnly,
          // The private endpoint answers clients in every region of the VPC, not only the cluster's own.
          masterGlobalAccessConfig: { enabled: true },
        },
        masterAuthorizedNetworksConfig: {
          cidrBlocks: [
            ...args.controlPlaneCidrs.map((cidrBlock, i) => ({
              cidrBlock,
              displayName: `geo-kafka:access.controlPlaneCidrs[${i}]`,
            })),
            ...(this.privateEndpointOnly ? [] : (args.apiClientEgressIps ?? [])).map((peer) => ({
              cidrBlock: pulumi.interpolate`${peer.ip}/32`,
              displayName: `geo-kafka NAT of ${peer.region}`,
            })),
          ],
          // Without this, any Compute Engine VM's public address (anyone's project) would count as authorized.
          gcpPublicCidrsAccessEnabled: false,
        },
        masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
        addonsConfig: { gcePersistentDiskCsiDriverConfig: { enabled: true } },
        ...(args.managedPrometheus ? { monitoringConfig: { managedPrometheus: { enabled: true } } } : {}),
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        nodeConfig: nodeSecurity,
        deletionProtection: protectData,
        resourceLabels: { "geo-kafka-cluster-id": region.clusterId },
      },
      // GKE reports the first remaining pool's settings as the cluster's nodeConfig once the default pool is gone;
      // without this every preview would propose replacing the cluster.
      { ...childOpts, ...dataHolderOptions("cluster", protectData), ignoreChanges: ["nodeConfig"], dependsOn: [nodeRole] },
    );

    this.kafkaPool = new gcp.container.NodePool(
      `${name}-kafka-pool`,
      {
        // A prefix, not a name: a changed node config replaces the pool, and the new one must be created beside the old.
        namePrefix: "kafka-",
        project: args.project,
        cluster: this.cluster.id,
        location: region.name,
        nodeLocations: this.kafkaSpread.nodeLocations,
        nodeCount: this.kafkaSpread.nodeCountPerZone,
        // autoUpgrade cannot be off on a release channel (the API refuses it); the cluster's exclusion keeps GKE from
        // upgrading these nodes until their version's end of support instead (docs/operations.md).
        management: { autoRepair: true, autoUpgrade: true },
        // One node at a time: each node carries brokers, and a second one down could cost a partition its quorum.
        upgradeSettings: { strategy: "SURGE", maxSurge: 1, maxUnavailable: 0 },
        nodeConfig: {
          ...nodeSecurity,
          machineType: args.kafkaPool.machineType,
          imageType: "COS_CONTAINERD",
          labels: { [KAFKA_NODE_LABEL.key]: KAFKA_NODE_LABEL.value },
          taints: [kafkaPoolTaint()],
          tags: [KAFKA_NODE_TAG],
          resourceLabels: { "geo-kafka-pool": "kafka" },
          linuxNodeConfig: { sysctls: { ...args.kafkaNodeSysctls } },
          kubeletConfig: { insecureKubeletReadonlyPortEnabled: "FALSE" },
        },
      },
      // Protected: a replacement (new machine type, say) would take the whole region's Kafka down at once.
      {
        ...childOpts,
        ...dataHolderOptions("kafka-node-pool", protectData),
        dependsOn: args.kafkaPoolAfter ?? [],
        // Node after node, each with its Kafka pods back and caught up (lib/rolls/timing.ts), longer than the provider's default.
        customTimeouts: { update: pulumiDuration(nodePoolRollSeconds(this.kafkaSpread.totalNodes)) },
      },
    );

    this.systemPool = new gcp.container.NodePool(
      `${name}-system-pool`,
      {
        namePrefix: "system-",
        project: args.project,
        cluster: this.cluster.id,
        location: region.name,
        nodeLocations: this.systemSpread.nodeLocations,
        nodeCount: this.systemSpread.nodeCountPerZone,
        management: { autoRepair: true, autoUpgrade: true },
        upgradeSettings: { strategy: "SURGE", maxSurge: 1, maxUnavailable: 0 },
        nodeConfig: {
          ...nodeSecurity,
          machineType: args.systemPool.machineType,
          imageType: "COS_CONTAINERD",
          labels: { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value },
          tags: [SYSTEM_NODE_TAG],
          resourceLabels: { "geo-kafka-pool": "system" },
          kubeletConfig: { insecureKubeletReadonlyPortEnabled: "FALSE" },
        },
      },
      { ...childOpts, dependsOn: args.systemPoolAfter ?? [] },
    );

    this.endpoint = this.cluster.endpoint;
    this.clusterCaCertificate = this.cluster.masterAuth.clusterCaCertificate.apply((ca) => ca ?? "");
    this.registerOutputs({
      clusterName: this.clusterName,
      endpoint: this.endpoint,
      privateEndpointOnly: this.privateEndpointOnly,
      kafkaNodes: this.kafkaSpread.totalNodes,
      systemNodes: this.systemSpread.totalNodes,
    });
  }
}

/** Refuses arguments GKE would reject only after minutes of provisioning; every problem at once. */
function validateArgs(args: GkeClusterArgs): void {
  const errors: Array<{ propertyPath: string; reason: string }> = [];
  if (args.region.zones.length === 0) errors.push({ propertyPath: "region.zones", reason: "a regional cluster needs at least one zone" });
  for (const pool of ["kafkaPool", "systemPool"] as const) {
    const count = args[pool].countPerRegion;
    if (!Number.isInteger(count) || count < 1)
      errors.push({ propertyPath: `${pool}.countPerRegion`, reason: `must be a positive integer (got ${count})` });
  }
  args.region.zones.forEach((zone, i) => {
    if (!zone.startsWith(`${args.region.name}-`))
      errors.push({ propertyPath: `region.zones[${i}]`, reason: `${zone} is not in ${args.region.name}` });
  });
  if (errors.length > 0) {
    throw new pulumi.InputPropertiesError({ message: `invalid GKE cluster arguments for ${args.region.name}`, errors });
  }
}
