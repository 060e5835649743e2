// An IAM role for an AWS service with AWS managed policies only: no inline policy to review or to drift.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { managedPolicyArn } from "../../lib/cloud/eks/eks";

export interface ServiceRoleArgs {
  /** Trust policy (JSON): who may assume the role. Required. */
  assumeRolePolicy: pulumi.Input<string>;
  /** AWS managed policy names, e.g. `AmazonEKSClusterPolicy`; each becomes one attachment. Required. */
  policies: readonly string[];
  /** Region of the provider, for the partition of the policy ARNs. Required. */
  region: string;
  /** Shown in the IAM console. Required. */
  description: string;
}

export interface ServiceRole {
  role: aws.iam.Role;
  /** Resources that use the role should depend on these, so deletion removes the role's use first. */
  attachments: aws.iam.RolePolicyAttachment[];
}

/**
 * Creates the role `name` and one attachment per managed policy (`${name}-${policy}`), all as children of
 * `opts.parent` with `opts.provider`. IAM is global, but the explicit provider keeps every resource on the
 * region's credentials and default tags.
 */
export function serviceRole(name: string, args: ServiceRoleArgs, opts: { parent: pulumi.Resource; provider: aws.Provider }): ServiceRole {
  const role = new aws.iam.Role(name, { assumeRolePolicy: args.assumeRolePolicy, description: args.description }, opts);
  const attachments = args.policies.map(
    (policy) =>
      new aws.iam.RolePolicyAttachment(
        `${name}-${policy.slice(policy.lastIndexOf("/") + 1)}`,
        { role: role.name, policyArn: managedPolicyArn(args.region, policy) },
        opts,
      ),
  );
  return { role, attachments };
}
