// EKS managed node groups on Amazon Linux 2023, each with its own launch template, and the role nodes run as.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { dataHolderOptions } from "../../lib/durability/protection";
import { NODE_ROLE_POLICIES, amiTypeFor, eksTaintEffect, fixedScaling, serviceTrustPolicy } from "../../lib/cloud/eks/eks";
import { encodeUserData } from "../../lib/cloud/eks/user-data";
import { ServiceRole, serviceRole } from "./iam";
import { nodeGroupArgsProblems } from "../../lib/cloud/eks/args";
import { pulumiDuration } from "../../lib/rolls/timing";

export interface EksNodeRoleArgs {
  /** Region of the provider (policy ARN partition). Required. */
  region: string;
  /** The region's AWS provider. Required. */
  provider: aws.Provider;
}

/** The IAM role of every node in one cluster: the node policy, image pulls, and the VPC CNI. */
export class EksNodeRole extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly attachments: aws.iam.RolePolicyAttachment[];

  constructor(name: string, args: EksNodeRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:aws:NodeRole", name, {}, opts);
    const created: ServiceRole = serviceRole(
      `${name}-role`,
      {
        assumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com"),
        policies: NODE_ROLE_POLICIES,
        region: args.region,
        description: "EKS managed nodes of geo-kafka",
      },
      { parent: this, provider: args.provider },
    );
    this.role = created.role;
    this.attachments = created.attachments;
    this.registerOutputs({ roleArn: this.role.arn });
  }
}

export interface NodeTaint {
  key: string;
  value: string;
  effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

export interface EksNodeGroupArgs {
  /** Cluster the nodes join. Required. */
  clusterName: pulumi.Input<string>;
  /** Kubernetes version of the nodes; pass the cluster's so both move together. Required. */
  kubernetesVersion: pulumi.Input<string>;
  /** Node role ARN (EksNodeRole). Required. */
  nodeRoleArn: pulumi.Input<string>;
  /** Private subnets, one per zone: the group spreads its nodes over them. Required. */
  subnetIds: pulumi.Input<string>[];
  /** EC2 instance type; Graviton types get the ARM AMI. Required. */
  machineType: string;
  /** Nodes in the group (fixed: desired = min = max). Required. */
  count: number;
  /** Kubernetes node labels. Default: none. */
  labels?: Record<string, string>;
  /**
   * Protect the node group from deletion and replacement: the Kafka group, whose replacement would stop a whole
   * region's Kafka at once (lib/durability/protection.ts). Default false.
   */
  protectData?: boolean;
  /** Other regions' node groups this one updates after (the Kafka groups' region chain). Default none. */
  after?: pulumi.Resource[];
  /**
   * How long an update may take (lib/rolls/timing.ts `nodePoolRollSeconds` for the Kafka group). Default: the provider's
   * 60 minutes.
   */
  updateTimeoutSeconds?: number;
  /** Kubernetes taints, in Kubernetes spelling (`NoSchedule`). Default: none. */
  taints?: readonly NodeTaint[];
  /**
   * Security groups of every node. Setting any in a launch template stops EKS from adding the cluster
   * security group, so include it here. Required.
   */
  securityGroupIds: pulumi.Input<string>[];
  /** User data as text (lib/cloud/eks/user-data.ts renderNodeUserData); encoded here. Default: none. */
  userData?: string;
  /** Root volume (gp3, encrypted). Kafka logs live on their own io1 volumes. Default: 50. */
  rootVolumeGiB?: number;
  /**
   * What must exist before nodes launch: the node role's policies, the add-ons that give nodes networking and
   * credentials, and the default routes they pull images through. Default: none.
   */
  dependsOn?: pulumi.Resource[];
  /** The region's AWS provider. Required. */
  provider: aws.Provider;
}

/**
 * The launch template enforces what the node-group API cannot: IMDSv2 only, with a hop limit of 1 so pods
 * (other than host-network DaemonSets) cannot borrow the node role — add-ons get credentials from EKS Pod
 * Identity instead; an encrypted root volume; the security groups; and the boot-time kernel settings.
 * Updates replace one node at a time, which is what a Kafka rack can lose.
 */
export class EksNodeGroup extends pulumi.ComponentResource {
  readonly launchTemplate: aws.ec2.LaunchTemplate;
  readonly nodeGroup: aws.eks.NodeGroup;

  constructor(name: string, args: EksNodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:aws:NodeGroup", name, {}, opts);
    const problems = nodeGroupArgsProblems({ count: args.count, subnetCount: args.subnetIds.length, rootVolumeGiB: args.rootVolumeGiB });
    if (problems.length > 0)
      throw new pulumi.InputPropertiesError({ message: `invalid arguments for node group ${name}`, errors: problems });
    const child = { parent: this, provider: args.provider };
    const tags = { Name: name };

    this.launchTemplate = new aws.ec2.LaunchTemplate(
      `${name}-lt`,
      {
        description: `EKS managed nodes ${name}`,
        updateDefaultVersion: true,
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: { volumeSize: args.rootVolumeGiB ?? 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
          },
        ],
        vpcSecurityGroupIds: args.securityGroupIds,
        ...(args.userData !== undefined ? { userData: encodeUserData(args.userData) } : {}),
        tagSpecifications: [
          { resourceType: "instance", tags },
          { resourceType: "volume", tags },
        ],
      },
      child,
    );

    this.nodeGroup = new aws.eks.NodeGroup(
      `${name}-nodes`,
      {
        clusterName: args.clusterName,
        version: args.kubernetesVersion,
        nodeRoleArn: args.nodeRoleArn,
        subnetIds: args.subnetIds,
        amiType: amiTypeFor(args.machineType),
        capacityType: "ON_DEMAND",
        instanceTypes: [args.machineType],
        scalingConfig: fixedScaling(args.count),
        updateConfig: { maxUnavailable: 1 },
        labels: args.labels ?? {},
        taints: (args.taints ?? []).map((t) => ({ key: t.key, value: t.value, effect: eksTaintEffect(t.effect) })),
        launchTemplate: { id: this.launchTemplate.id, version: this.launchTemplate.latestVersion.apply(String) },
        tags,
      },
      {
        ...child,
        ...dataHolderOptions("kafka-node-pool", args.protectData ?? false),
        dependsOn: [...(args.dependsOn ?? []), ...(args.after ?? [])],
        ...(args.updateTimeoutSeconds !== undefined ? { customTimeouts: { update: pulumiDuration(args.updateTimeoutSeconds) } } : {}),
      },
    );

    this.registerOutputs({ nodeGroupName: this.nodeGroup.nodeGroupName });
  }
}
