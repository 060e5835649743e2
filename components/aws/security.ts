// The security group that admits the other regions: only their VPC ranges, only the Kafka and mesh ports.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CrossRegionIngressRule } from "../../lib/cloud/eks/network";

export interface CrossRegionSecurityGroupArgs {
  /** VPC the group belongs to. Required. */
  vpcId: pulumi.Input<string>;
  /** Rules from lib/cloud/eks/network.ts crossRegionIngressRules: peer ranges x cross-region ports. Required. */
  rules: readonly CrossRegionIngressRule[];
  /** The region's AWS provider. Required. */
  provider: aws.Provider;
}

/**
 * Attached to every node (launch templates) next to the EKS cluster security group, which already covers
 * traffic inside the cluster and all egress. With the VPC CNI, pods use their node's security groups, so these
 * rules are what lets a broker in one region reach a broker in another. The group itself has no egress rules:
 * replies are allowed by connection tracking, and new outbound connections by the cluster security group.
 */
export class CrossRegionSecurityGroup extends pulumi.ComponentResource {
  readonly securityGroup: aws.ec2.SecurityGroup;
  readonly ingressRules: aws.vpc.SecurityGroupIngressRule[];

  constructor(name: string, args: CrossRegionSecurityGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:aws:CrossRegionSecurityGroup", name, {}, opts);
    const child = { parent: this, provider: args.provider };

    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: "Kafka and mesh traffic from the peered regions' VPC ranges only",
        tags: { Name: `${name}-sg` },
      },
      child,
    );
    this.ingressRules = ingressRuleResources(name, this.securityGroup.id, args.rules, child);

    this.registerOutputs({ securityGroupId: this.securityGroup.id });
  }
}

/** One SecurityGroupIngressRule per rule (lib/cloud/eks/network rule shape), named `<name>-<rule.key>`. */
export function ingressRuleResources(
  name: string,
  securityGroupId: pulumi.Input<string>,
  rules: readonly CrossRegionIngressRule[],
  opts: pulumi.CustomResourceOptions,
): aws.vpc.SecurityGroupIngressRule[] {
  return rules.map(
    (rule) =>
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-${rule.key}`,
        {
          securityGroupId,
          cidrIpv4: rule.cidr,
          ipProtocol: rule.protocol,
          fromPort: rule.fromPort,
          toPort: rule.toPort,
          description: rule.description,
        },
        opts,
      ),
  );
}
