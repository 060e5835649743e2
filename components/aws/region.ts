// Everything one AWS region contributes: network, cross-region security group, EKS cluster, node groups,
// storage. The mesh and Kafka layers see it through the RegionalCluster it hands out.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nodePoolRollSeconds } from "../../lib/rolls/timing";
import { crossRegionIngressRules, PeerRange } from "../../lib/cloud/eks/network";
import { KAFKA_NOFILE_LIMIT, PATH_MTU_SYSCTLS, renderNodeUserData, socketBufferSysctls, sysctlList } from "../../lib/cloud/eks/user-data";
import { RegionSpec } from "../../lib/config/spec";
import { NodeSysctls } from "../../lib/socket-buffers";
import { Mesh } from "../../lib/types";
import { KAFKA_NODE_LABEL, KAFKA_NODE_TAINT, SYSTEM_NODE_LABEL } from "../../lib/node-pools";
import { RegionalCluster } from "../platform";
import { EksCluster } from "./cluster";
import { AwsNetwork } from "./network";
import { EksNodeGroup, EksNodeRole } from "./node-group";
import { CrossRegionSecurityGroup } from "./security";
import { EbsCsiStorage } from "./storage";

export interface NodePoolSpec {
  /** EC2 instance type. */
  machineType: string;
  /** Nodes of this pool in the region. */
  countPerRegion: number;
}

export interface EksRegionArgs {
  /** The region: name, zones, cluster id (the EKS cluster name), node (VPC) and service ranges. Required. */
  region: RegionSpec;
  /** The other regions' VPC ranges, admitted on the cross-region ports. Required. */
  peers: readonly PeerRange[];
  /** Decides which ports cross regions (lib/ports.ts). Required. */
  mesh: Mesh;
  /** Kafka pool: reserved by label and taint, tuned at boot. Required. */
  kafkaPool: NodePoolSpec;
  /** System pool: mesh control plane, CoreDNS, CSI controller. Required. */
  systemPool: NodePoolSpec;
  /** Node sysctls computed from the worst path (lib/socket-buffers.ts): the system nodes' socket buffers. Required. */
  socketSysctls: NodeSysctls;
  /** The Kafka nodes' kernel settings for their user data: the eks profile's `kafkaNodeSysctls`. Required. */
  kafkaNodeSysctls: Record<string, string>;
  /** io1 IOPS per GiB for Kafka volumes. Required. */
  iopsPerGiB: number;
  /** CIDRs allowed to the public API endpoint. Default: `[]` (private endpoint only). */
  controlPlaneCidrs?: readonly string[];
  /** This region's network, created by the stack before any cluster. Required. */
  network: AwsNetwork;
  /**
   * NAT addresses of the regions whose mesh control planes watch this API (lib/mesh/access.ts `apiServerClients`),
   * admitted to the public endpoint when it has one. Default `[]`.
   */
  apiClientEgressIps?: pulumi.Input<string>[];
  /** VPC ranges of the same regions, admitted on TCP 443 by the control-plane security group. Default `[]`. */
  apiClientRanges?: readonly PeerRange[];
  /** Kubernetes minor version of the control plane and node groups (the stack's `kubernetesVersion`). Required. */
  kubernetesVersion: string;
  /**
   * The previous region's Kafka node group: this region's waits for it, so Kafka nodes of two regions never update at
   * once. Default none (the first region).
   */
  kafkaNodesAfter?: pulumi.Resource[];
  /** The previous region's system node group, likewise: the mesh control plane never updates in two regions at once. */
  systemNodesAfter?: pulumi.Resource[];
  /** Protect the cluster, the Kafka node group and the StorageClass (lib/durability/protection.ts). Default true. */
  protectData?: boolean;
  /** The region's AWS provider; every AWS resource below uses it. Required. */
  provider: aws.Provider;
}

/**
 * Composition only: each part is its own component. Node groups wait for the add-ons that give nodes networking
 * and credentials and for the default routes they pull images through; CoreDNS and the EBS CSI add-on wait for
 * the node groups.
 */
export class EksRegion extends pulumi.ComponentResource {
  readonly region: RegionSpec;
  readonly network: AwsNetwork;
  readonly crossRegion: CrossRegionSecurityGroup;
  readonly cluster: EksCluster;
  readonly kafkaNodes: EksNodeGroup;
  readonly systemNodes: EksNodeGroup;
  readonly coreDns: aws.eks.Addon;
  readonly storage: EbsCsiStorage;

  constructor(name: string, args: EksRegionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:aws:EksRegion", name, {}, opts);
    const { region, provider } = args;
    const protectData = args.protectData ?? true;
    this.region = region;

    // The stack creates every region's network first, so each cluster can admit the other regions' NAT addresses.
    this.network = args.network;
    const privateSubnetIds = this.network.privateSubnets.map((s) => s.id);

    this.crossRegion = new CrossRegionSecurityGroup(
      `${name}-cross-region`,
      { vpcId: this.network.vpc.id, rules: crossRegionIngressRules(args.peers, args.mesh), provider },
      { parent: this },
    );

    this.cluster = new EksCluster(
      `${name}-control-plane`,
      {
        clusterName: region.clusterId,
        region: region.name,
        subnetIds: privateSubnetIds,
        serviceCidr: region.serviceCidr,
        controlPlaneCidrs: args.controlPlaneCidrs ?? [],
        apiClientEgressIps: args.apiClientEgressIps ?? [],
        apiClientRanges: args.apiClientRanges ?? [],
        kubernetesVersion: args.kubernetesVersion,
        protectData,
        provider,
      },
      { parent: this },
    );

    const nodeRole = new EksNodeRole(`${name}-node-role`, { region: region.name, provider }, { parent: this });
    const common = {
      clusterName: this.cluster.clusterName,
      kubernetesVersion: this.cluster.cluster.version,
      nodeRoleArn: nodeRole.role.arn,
      subnetIds: privateSubnetIds,
      securityGroupIds: [this.cluster.clusterSecurityGroupId, this.crossRegion.securityGroup.id],
      dependsOn: [...nodeRole.attachments, ...this.cluster.bootstrapAddons, ...this.network.egressRoutes],
      provider,
    };
    this.kafkaNodes = new EksNodeGroup(
      `${name}-kafka`,
      {
        ...common,
        machineType: args.kafkaPool.machineType,
        count: args.kafkaPool.countPerRegion,
        labels: { [KAFKA_NODE_LABEL.key]: KAFKA_NODE_LABEL.value },
        taints: [KAFKA_NODE_TAINT],
        protectData,
        after: args.kafkaNodesAfter ?? [],
        updateTimeoutSeconds: nodePoolRollSeconds(args.kafkaPool.countPerRegion),
        userData: renderNodeUserData({
          sysctls: sysctlList(args.kafkaNodeSysctls),
          nofileLimit: KAFKA_NOFILE_LIMIT,
        }),
      },
      { parent: this },
    );
    // System nodes get the socket-buffer limits too: mesh proxies and gateways there carry cross-region streams.
    this.systemNodes = new EksNodeGroup(
      `${name}-system`,
      {
        ...common,
        machineType: args.systemPool.machineType,
        count: args.systemPool.countPerRegion,
        labels: { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value },
        after: args.systemNodesAfter ?? [],
        userData: renderNodeUserData({ sysctls: [...socketBufferSysctls(args.socketSysctls), ...PATH_MTU_SYSCTLS] }),
      },
      { parent: this },
    );
    const nodeGroups = [this.kafkaNodes.nodeGroup, this.systemNodes.nodeGroup];

    this.coreDns = new aws.eks.Addon(
      `${name}-coredns`,
      { clusterName: this.cluster.clusterName, addonName: "coredns" },
      { parent: this, provider, dependsOn: nodeGroups },
    );

    this.storage = new EbsCsiStorage(
      `${name}-storage`,
      {
        clusterName: this.cluster.clusterName,
        region: region.name,
        iopsPerGiB: args.iopsPerGiB,
        podIdentityAgent: this.cluster.podIdentityAgent,
        nodeGroups,
        k8sProvider: this.cluster.k8sProvider,
        protectData,
        provider,
      },
      { parent: this },
    );

    this.registerOutputs({
      clusterName: this.cluster.clusterName,
      endpoint: this.cluster.cluster.endpoint,
      vpcId: this.network.vpc.id,
      storageClassName: this.storage.storageClassName,
    });
  }

  /**
   * What the mesh and Kafka layers need from this region. `extraDependsOn` adds what only the stack knows
   * (the peering routes), so nothing cross-region is scheduled before traffic can flow.
   */
  regionalCluster(extraDependsOn: pulumi.Resource[] = []): RegionalCluster {
    return {
      region: this.region,
      provider: this.cluster.k8sProvider,
      storageClassName: this.storage.storageClassName,
      kafkaNodeSelector: { [KAFKA_NODE_LABEL.key]: KAFKA_NODE_LABEL.value },
      kafkaTolerations: [{ key: KAFKA_NODE_TAINT.key, operator: "Equal", value: KAFKA_NODE_TAINT.value, effect: KAFKA_NODE_TAINT.effect }],
      dependsOn: [this.kafkaNodes.nodeGroup, this.systemNodes.nodeGroup, this.coreDns, this.storage.addon, ...extraDependsOn],
      kafkaNodes: this.kafkaNodes.nodeGroup,
    };
  }
}
