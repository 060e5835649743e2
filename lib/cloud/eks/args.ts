// Argument checks of the AWS components, pure so they are tested directly: each problem names the argument it
// concerns, as pulumi.InputPropertiesError reports them.
import { cidr, overlaps, parseCidr } from "../../cidr";
import { IO1_MAX_IOPS_PER_GIB } from "./checks";
import { AWS_SMALLEST_SUBNET_PREFIX } from "./network";

export interface ArgProblem {
  propertyPath: string;
  reason: string;
}

/** EbsCsiStorage: iopsPerGiB is what the StorageClass's iopsPerGB takes, a whole number from 1 to 50. */
export function ebsStorageArgsProblems(args: { iopsPerGiB: number }): ArgProblem[] {
  const { iopsPerGiB } = args;
  if (!Number.isInteger(iopsPerGiB) || iopsPerGiB < 1 || iopsPerGiB > IO1_MAX_IOPS_PER_GIB)
    return [{ propertyPath: "iopsPerGiB", reason: `must be a whole number from 1 to ${IO1_MAX_IOPS_PER_GIB} (got ${iopsPerGiB})` }];
  return [];
}

/** EksNodeGroup: a positive node count over at least one subnet, and a root volume EC2 accepts (gp3: 1 GiB and up). */
export function nodeGroupArgsProblems(args: { count: number; subnetCount: number; rootVolumeGiB?: number }): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (!Number.isInteger(args.count) || args.count < 1)
    problems.push({ propertyPath: "count", reason: `must be a whole number of at least 1 (got ${args.count})` });
  if (args.subnetCount < 1) problems.push({ propertyPath: "subnetIds", reason: "needs at least one subnet" });
  if (args.rootVolumeGiB !== undefined && (!Number.isInteger(args.rootVolumeGiB) || args.rootVolumeGiB < 1))
    problems.push({ propertyPath: "rootVolumeGiB", reason: `must be a whole number of GiB (got ${args.rootVolumeGiB})` });
  return problems;
}

/** AwsNetwork: subnets inside the VPC range, at most /28, one private and one public per zone. */
export function networkArgsProblems(plan: {
  vpcCidr: string;
  privateSubnets: ReadonlyArray<{ zone: string; cidr: string }>;
  publicSubnets: ReadonlyArray<{ zone: string; cidr: string }>;
}): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const vpc = parseCidr(plan.vpcCidr);
  if (!vpc.ok) return [{ propertyPath: "plan.vpcCidr", reason: vpc.message }];
  if (plan.privateSubnets.length === 0) problems.push({ propertyPath: "plan.privateSubnets", reason: "needs one subnet per zone" });
  if (plan.publicSubnets.length === 0) problems.push({ propertyPath: "plan.publicSubnets", reason: "needs a subnet for the NAT gateway" });
  for (const kind of ["privateSubnets", "publicSubnets"] as const) {
    plan[kind].forEach((subnet, i) => {
      const range = parseCidr(subnet.cidr);
      if (!range.ok) problems.push({ propertyPath: `plan.${kind}[${i}].cidr`, reason: range.message });
      else if (range.cidr.first < vpc.cidr.first || range.cidr.last > vpc.cidr.last)
        problems.push({ propertyPath: `plan.${kind}[${i}].cidr`, reason: `${subnet.cidr} is outside the VPC ${plan.vpcCidr}` });
      else if (range.cidr.prefixLength > AWS_SMALLEST_SUBNET_PREFIX)
        problems.push({ propertyPath: `plan.${kind}[${i}].cidr`, reason: `AWS subnets are at most /${AWS_SMALLEST_SUBNET_PREFIX}` });
    });
  }
  return problems;
}

/** VpcPeering: two different regions whose VPC ranges do not overlap (peering refuses overlapping ranges). */
export function peeringArgsProblems(requester: { region: string; cidr: string }, accepter: { region: string; cidr: string }): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (requester.region === accepter.region)
    problems.push({
      propertyPath: "accepter.region",
      reason: `is the requester's region (${requester.region}); this peering is inter-region`,
    });
  const a = parseCidr(requester.cidr);
  const b = parseCidr(accepter.cidr);
  if (!a.ok) problems.push({ propertyPath: "requester.cidr", reason: a.message });
  if (!b.ok) problems.push({ propertyPath: "accepter.cidr", reason: b.message });
  if (a.ok && b.ok && overlaps(cidr(requester.cidr), cidr(accepter.cidr)))
    problems.push({ propertyPath: "accepter.cidr", reason: `${accepter.cidr} overlaps the requester's ${requester.cidr}` });
  return problems;
}
