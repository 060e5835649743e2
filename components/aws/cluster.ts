// One EKS control plane: its IAM role, KMS key, audit logs, the add-ons nodes need to join, and the
// Kubernetes provider every in-cluster object of the region is deployed with.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  CLUSTER_ROLE_POLICIES,
  EKS_LOG_RETENTION_DAYS,
  EKS_LOG_TYPES,
  EKS_SUPPORT_TYPE,
  endpointAccess,
  renderKubeconfig,
  serviceTrustPolicy,
  vpcCniConfiguration,
} from "../../lib/cloud/eks/eks";
import { PeerRange, apiServerIngressRules } from "../../lib/cloud/eks/network";
import { dataHolderOptions } from "../../lib/durability/protection";
import { serviceRole } from "./iam";
import { ingressRuleResources } from "./security";

export interface EksClusterArgs {
  /** EKS cluster name; also the name `aws eks get-token` is called with. Required. */
  clusterName: string;
  /** AWS region of the cluster (and of `provider`). Required. */
  region: string;
  /** Private subnets for the control plane's network interfaces, in at least two zones. Required. */
  subnetIds: pulumi.Input<string>[];
  /** Kubernetes service range (RFC 1918, /12 to /24); fixed at creation. Required. */
  serviceCidr: string;
  /**
   * Who may reach the public API endpoint. Default: `[]`, private endpoint only, and then `pulumi up` must run
   * from inside the VPC or a network peered with it, since the same program deploys into the cluster.
   */
  controlPlaneCidrs?: readonly string[];
  /**
   * Public egress addresses (NAT gateways) of the regions whose mesh control planes watch this API (Istio
   * multi-primary: every other region), admitted to the public endpoint beside `controlPlaneCidrs`. Ignored when the
   * endpoint is private. Default `[]`.
   */
  apiClientEgressIps?: pulumi.Input<string>[];
  /**
   * VPC ranges of the same regions, admitted on TCP 443 to the control-plane security group so they reach the
   * private endpoint over the peering (lib/cloud/eks/network.ts `apiServerIngressRules`). Default `[]`.
   */
  apiClientRanges?: readonly PeerRange[];
  /** Kubernetes minor version, checked against lib/cloud/versions.ts by the config checks. Required. */
  kubernetesVersion: string;
  /**
   * Protect the cluster (lib/durability/protection.ts): Pulumi refuses to delete or replace it, and EKS refuses to
   * delete it (`deletionProtection`). Default true; false for a deliberate tear-down.
   */
  protectData?: boolean;
  /** The region's AWS provider; every AWS child uses it. Required. */
  provider: aws.Provider;
}

/**
 * Authentication is API mode (access entries, no aws-auth ConfigMap). The identity that runs the first
 * `pulumi up` becomes cluster admin through `bootstrapClusterCreatorAdminPermissions`: the program must deploy
 * into the cluster it has just created, and an explicit access entry for the same principal would conflict with
 * the bootstrap one. Node roles of managed node groups get their access entries from EKS.
 *
 * EKS does not install its self-managed add-ons here: vpc-cni, kube-proxy and the Pod Identity agent are EKS
 * add-ons created before any node (DaemonSets become ready with zero nodes), so nodes join with networking and
 * credentials in place; CoreDNS and the EBS CSI driver need nodes and are created after the node groups.
 */
export class EksCluster extends pulumi.ComponentResource {
  readonly cluster: aws.eks.Cluster;
  readonly clusterName: pulumi.Output<string>;
  readonly secretsKey: aws.kms.Key;
  readonly clusterRole: aws.iam.Role;
  /** Created by EKS; managed nodes must carry it (launch templates that set security groups drop it otherwise). */
  readonly clusterSecurityGroupId: pulumi.Output<string>;
  /** TCP 443 from the VPCs whose mesh control planes watch this API, on the cluster security group. */
  readonly apiIngressRules: aws.vpc.SecurityGroupIngressRule[];
  /** Add-ons that must exist before nodes join. */
  readonly bootstrapAddons: aws.eks.Addon[];
  readonly podIdentityAgent: aws.eks.Addon;
  /** Deploys into this cluster; its kubeconfig is a secret. */
  readonly k8sProvider: k8s.Provider;

  constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:aws:EksCluster", name, {}, opts);
    const { clusterName, region, provider } = args;
    const child = { parent: this, provider };
    const protectData = args.protectData ?? true;

    this.secretsKey = new aws.kms.Key(
      `${name}-secrets-key`,
      {
        description: `Envelope encryption of Kubernetes secrets in EKS cluster ${clusterName}`,
        enableKeyRotation: true,
        // Deleting this key makes the cluster unrecoverable; the longest window leaves time to cancel.
        deletionWindowInDays: 30,
      },
      child,
    );
    new aws.kms.Alias(
      `${name}-secrets-key-alias`,
      { name: `alias/geo-kafka/${clusterName}-secrets`, targetKeyId: this.secretsKey.keyId },
      child,
    );

    // Created before the cluster so EKS writes into a group with a retention, not into one kept forever.
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: `/aws/eks/${clusterName}/cluster`, retentionInDays: EKS_LOG_RETENTION_DAYS },
      child,
    );

    const role = serviceRole(
      `${name}-cluster-role`,
      {
        assumeRolePolicy: serviceTrustPolicy("eks.amazonaws.com"),
        policies: CLUSTER_ROLE_POLICIES,
        region,
        description: `EKS control plane of ${clusterName}`,
      },
      child,
    );
    this.clusterRole = role.role;

    const controlPlaneCidrs = args.controlPlaneCidrs ?? [];
    const access = pulumi.all(args.apiClientEgressIps ?? []).apply((ips) => endpointAccess(controlPlaneCidrs, ips));
    this.cluster = new aws.eks.Cluster(
      `${name}-cluster`,
      {
        name: clusterName,
        version: args.kubernetesVersion,
        roleArn: role.role.arn,
        vpcConfig: {
          subnetIds: args.subnetIds,
          endpointPrivateAccess: true,
          endpointPublicAccess: controlPlaneCidrs.length > 0,
          publicAccessCidrs: access.apply((a) => a.publicAccessCidrs),
        },
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
        encryptionConfig: { provider: { keyArn: this.secretsKey.arn }, resources: ["secrets"] },
        kubernetesNetworkConfig: { ipFamily: "ipv4", serviceIpv4Cidr: args.serviceCidr },
        enabledClusterLogTypes: [...EKS_LOG_TYPES],
        bootstrapSelfManagedAddons: false,
        upgradePolicy: { supportType: EKS_SUPPORT_TYPE },
        deletionProtection: protectData,
      },
      // The role's policies must outlive the cluster, or EKS cannot clean up its network interfaces on delete.
      { ...child, ...dataHolderOptions("cluster", protectData), dependsOn: [...role.attachments, logGroup] },
    );
    this.clusterName = this.cluster.name;
    this.clusterSecurityGroupId = this.cluster.vpcConfig.clusterSecurityGroupId;
    // EKS's cluster security group admits only its own members; the peers' istiod dial the private endpoint over
    // the peering and would be refused.
    this.apiIngressRules = ingressRuleResources(
      name,
      this.clusterSecurityGroupId,
      apiServerIngressRules(args.apiClientRanges ?? []),
      child,
    );

    const addon = (addonName: string, extra: Partial<aws.eks.AddonArgs> = {}) =>
      new aws.eks.Addon(`${name}-${addonName}`, { clusterName: this.cluster.name, addonName, ...extra }, child);
    const vpcCni = addon("vpc-cni", { configurationValues: vpcCniConfiguration() });
    const kubeProxy = addon("kube-proxy");
    this.podIdentityAgent = addon("eks-pod-identity-agent");
    this.bootstrapAddons = [vpcCni, kubeProxy, this.podIdentityAgent];

    const kubeconfig = pulumi
      .all([this.cluster.name, this.cluster.endpoint, this.cluster.certificateAuthority])
      .apply(([n, endpoint, ca]) => renderKubeconfig({ clusterName: n, region, endpoint, certificateAuthorityData: ca.data }));
    this.k8sProvider = new k8s.Provider(
      `${name}-k8s`,
      {
        kubeconfig: pulumi.secret(kubeconfig),
        // The cluster's ARN names it for its whole life: a new endpoint, CA or token updates the provider in place
        // instead of replacing it and, with it, every object deployed through it (pulumi-kubernetes DiffConfig).
        clusterIdentifier: this.cluster.arn,
      },
      { parent: this, ...dataHolderOptions("kubernetes-provider", protectData) },
    );

    this.registerOutputs({ clusterName: this.clusterName, endpoint: this.cluster.endpoint });
  }
}
