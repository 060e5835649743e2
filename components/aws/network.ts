// One region's VPC: private subnets for nodes and pods in every zone, and the egress they need to pull images.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { VpcSubnetPlan } from "../../lib/cloud/eks/network";
import { networkArgsProblems } from "../../lib/cloud/eks/args";

export interface AwsNetworkArgs {
  /** The VPC range and its subnets per zone (lib/cloud/eks/network.ts planVpcSubnets). Required. */
  plan: VpcSubnetPlan;
  /** The AWS provider of the region; every child uses it. Required. */
  provider: aws.Provider;
}

/**
 * A VPC whose nodes have no public addresses. Private nodes still pull public images (apache/kafka, Istio), so
 * the region gets public subnets, an internet gateway and one NAT gateway. One, not one per zone: losing its
 * zone stops image pulls and internet egress, not Kafka traffic (which crosses regions over peering), and each
 * extra gateway costs as much as a small node. Only private subnets carry the load-balancer discovery tag, and
 * only the internal one: no Service can get an internet-facing load balancer by accident.
 */
export class AwsNetwork extends pulumi.ComponentResource {
  readonly vpc: aws.ec2.Vpc;
  readonly privateSubnets: aws.ec2.Subnet[];
  readonly publicSubnets: aws.ec2.Subnet[];
  /** Route tables of the private subnets: peering routes go into every one. */
  readonly privateRouteTables: aws.ec2.RouteTable[];
  readonly natGateway: aws.ec2.NatGateway;
  /** The NAT gateway's public address: what other networks see as this region's egress. */
  readonly natPublicIp: pulumi.Output<string>;
  /** Routes that must exist before nodes boot (default routes to the NAT and internet gateways). */
  readonly egressRoutes: aws.ec2.Route[];

  constructor(name: string, args: AwsNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:aws:Network", name, {}, opts);
    const problems = networkArgsProblems(args.plan);
    if (problems.length > 0) throw new pulumi.InputPropertiesError({ message: `invalid arguments for network ${name}`, errors: problems });
    const { plan, provider } = args;
    const child = { parent: this, provider };

    this.vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      // Both DNS settings are required for the EKS private endpoint to resolve inside the VPC.
      { cidrBlock: plan.vpcCidr, enableDnsSupport: true, enableDnsHostnames: true, tags: { Name: `${name}-vpc` } },
      child,
    );

    // Adopt the VPC's default security group and leave it without rules, so nothing attached to it by
    // mistake can talk to anything.
    new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: this.vpc.id, tags: { Name: `${name}-default-closed` } }, child);

    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: this.vpc.id, tags: { Name: `${name}-igw` } }, child);

    this.publicSubnets = plan.publicSubnets.map(
      (s) =>
        new aws.ec2.Subnet(
          `${name}-public-${s.zone}`,
          {
            vpcId: this.vpc.id,
            cidrBlock: s.cidr,
            availabilityZone: s.zone,
            mapPublicIpOnLaunch: false,
            tags: { Name: `${name}-public-${s.zone}` },
          },
          child,
        ),
    );
    this.privateSubnets = plan.privateSubnets.map(
      (s) =>
        new aws.ec2.Subnet(
          `${name}-private-${s.zone}`,
          {
            vpcId: this.vpc.id,
            cidrBlock: s.cidr,
            availabilityZone: s.zone,
            mapPublicIpOnLaunch: false,
            tags: { Name: `${name}-private-${s.zone}`, "kubernetes.io/role/internal-elb": "1" },
          },
          child,
        ),
    );

    // Routes are separate resources, never inline: peering adds its own routes to the same tables.
    const publicRouteTable = new aws.ec2.RouteTable(`${name}-public-rt`, { vpcId: this.vpc.id, tags: { Name: `${name}-public` } }, child);
    const internetRoute = new aws.ec2.Route(
      `${name}-public-default`,
      { routeTableId: publicRouteTable.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id },
      child,
    );
    this.publicSubnets.forEach(
      (subnet, i) =>
        new aws.ec2.RouteTableAssociation(
          `${name}-public-${plan.publicSubnets[i].zone}-assoc`,
          { subnetId: subnet.id, routeTableId: publicRouteTable.id },
          child,
        ),
    );

    const eip = new aws.ec2.Eip(`${name}-nat`, { domain: "vpc", tags: { Name: `${name}-nat` } }, child);
    this.natPublicIp = eip.publicIp;
    this.natGateway = new aws.ec2.NatGateway(
      `${name}-nat`,
      { allocationId: eip.id, subnetId: this.publicSubnets[0].id, connectivityType: "public", tags: { Name: `${name}-nat` } },
      { ...child, dependsOn: [igw] },
    );

    const privateRouteTable = new aws.ec2.RouteTable(
      `${name}-private-rt`,
      { vpcId: this.vpc.id, tags: { Name: `${name}-private` } },
      child,
    );
    const natRoute = new aws.ec2.Route(
      `${name}-private-default`,
      { routeTableId: privateRouteTable.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: this.natGateway.id },
      child,
    );
    this.privateSubnets.forEach(
      (subnet, i) =>
        new aws.ec2.RouteTableAssociation(
          `${name}-private-${plan.privateSubnets[i].zone}-assoc`,
          { subnetId: subnet.id, routeTableId: privateRouteTable.id },
          child,
        ),
    );
    this.privateRouteTables = [privateRouteTable];
    this.egressRoutes = [internetRoute, natRoute];

    this.registerOutputs({
      vpcId: this.vpc.id,
      privateSubnetIds: this.privateSubnets.map((s) => s.id),
      natPublicIp: this.natPublicIp,
    });
  }
}
