// Inter-region VPC peering between two regions, and the routes that send each region's traffic to the other.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { peeringArgsProblems } from "../../lib/cloud/eks/args";

/** One side of a peering connection. */
export interface PeeringSide {
  /** Region name, e.g. `us-east-1`. */
  region: string;
  /** The region's AWS provider: each side's resources are created with its own. */
  provider: aws.Provider;
  /** The side's VPC. */
  vpcId: pulumi.Input<string>;
  /** The VPC's range: the other side routes it over the peering. */
  cidr: string;
  /** Every route table that needs the other side's range (the private ones: nodes and pods live there). */
  routeTableIds: pulumi.Input<string>[];
}

export interface VpcPeeringArgs {
  /** The side that requests the connection (the earlier region in `regions`). Required. */
  requester: PeeringSide;
  /** The side that accepts it. Required. */
  accepter: PeeringSide;
}

/**
 * Inter-region peering needs two resources: the connection, created in the requester's region with
 * `peerRegion`, and an accepter in the peer's region (`autoAccept` on the connection only works within one
 * region and account). Connection options such as remote DNS resolution can only be set once the connection is
 * active, and nothing here needs them: brokers find each other through Kubernetes and mesh DNS, not EC2 host
 * names. Routes wait for the accepter, since a route to a connection that is still pending acceptance fails.
 */
export class VpcPeering extends pulumi.ComponentResource {
  readonly connection: aws.ec2.VpcPeeringConnection;
  readonly accepter: aws.ec2.VpcPeeringConnectionAccepter;
  readonly routes: aws.ec2.Route[];
  /** The two regions joined, requester first. */
  readonly regions: readonly [string, string];

  constructor(name: string, args: VpcPeeringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:aws:VpcPeering", name, {}, opts);
    const { requester, accepter } = args;
    const problems = peeringArgsProblems(requester, accepter);
    if (problems.length > 0)
      throw new pulumi.InputPropertiesError({ message: `invalid arguments for VPC peering ${name}`, errors: problems });
    this.regions = [requester.region, accepter.region];
    const label = `${requester.region} <-> ${accepter.region}`;

    this.connection = new aws.ec2.VpcPeeringConnection(
      `${name}-connection`,
      { vpcId: requester.vpcId, peerVpcId: accepter.vpcId, peerRegion: accepter.region, tags: { Name: label } },
      { parent: this, provider: requester.provider },
    );
    this.accepter = new aws.ec2.VpcPeeringConnectionAccepter(
      `${name}-accepter`,
      { vpcPeeringConnectionId: this.connection.id, autoAccept: true, tags: { Name: label } },
      { parent: this, provider: accepter.provider },
    );

    const routesFrom = (from: PeeringSide, to: PeeringSide) =>
      from.routeTableIds.map(
        (routeTableId, i) =>
          new aws.ec2.Route(
            `${name}-${from.region}-rt${i}-to-${to.region}`,
            { routeTableId, destinationCidrBlock: to.cidr, vpcPeeringConnectionId: this.connection.id },
            { parent: this, provider: from.provider, dependsOn: [this.accepter] },
          ),
      );
    this.routes = [...routesFrom(requester, accepter), ...routesFrom(accepter, requester)];

    this.registerOutputs({ peeringConnectionId: this.connection.id });
  }
}
