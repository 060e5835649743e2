// VPC Network Peering as a full mesh: peering is not transitive, so every pair of regional networks peers directly, and
// a peering only carries traffic once both directions exist, so each pair gets two resources.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface PeeredNetwork {
  /** Region of the network; names the peerings made from it. */
  region: string;
  /** selfLink of the VPC. */
  selfLink: pulumi.Input<string>;
  /** GCP provider of the network's region: a peering is created from its local network, with that region's provider. */
  provider: gcp.Provider;
}

export interface NetworkPeeringMeshArgs {
  /** The networks to join, in configuration order; at least two. */
  networks: PeeredNetwork[];
  /**
   * Exchange subnet routes whose ranges are privately used public addresses. Default false: private (RFC 1918 and
   * other special-use) subnet routes, pod and service secondary ranges included, are always exchanged, and that is
   * all VPC-native clusters need. Set it when a cluster range is outside those (the stack derives it from the plan).
   */
  exchangeSubnetRoutesWithPublicIp?: boolean;
}

export interface PeeringLink {
  from: string;
  to: string;
  peering: gcp.compute.NetworkPeering;
}

export class NetworkPeeringMesh extends pulumi.ComponentResource {
  /** One entry per ordered pair of networks. */
  readonly links: PeeringLink[];

  constructor(name: string, args: NetworkPeeringMeshArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:gcp:NetworkPeeringMesh", name, {}, opts);
    const { networks } = args;
    if (networks.length < 2) {
      throw new pulumi.InputPropertiesError({
        message: "a peering mesh needs at least two networks",
        errors: [{ propertyPath: "networks", reason: `found ${networks.length}` }],
      });
    }
    const publicRanges = args.exchangeSubnetRoutesWithPublicIp ?? false;

    this.links = [];
    // GCP refuses a peering change while another is in progress on either network, and the provider's own lock does
    // not span provider instances (one per region here), so the peerings are created one after another.
    let previous: gcp.compute.NetworkPeering | undefined;
    networks.forEach((local, i) => {
      networks.forEach((peer, j) => {
        if (i === j) return;
        // Named by the peer's position, not its region: the plan tree files a resource under the first region its name contains.
        const peering: gcp.compute.NetworkPeering = new gcp.compute.NetworkPeering(
          `${name}-${local.region}-to-region-${j}`,
          {
            network: local.selfLink,
            peerNetwork: peer.selfLink,
            // Pod and service ranges are subnet secondary ranges (VPC-native), exchanged as subnet routes: no custom routes needed.
            exportCustomRoutes: false,
            importCustomRoutes: false,
            exportSubnetRoutesWithPublicIp: publicRanges,
            importSubnetRoutesWithPublicIp: publicRanges,
            stackType: "IPV4_ONLY",
          },
          { parent: this, provider: local.provider, ...(previous ? { dependsOn: [previous] } : {}) },
        );
        this.links.push({ from: local.region, to: peer.region, peering });
        previous = peering;
      });
    });

    this.registerOutputs({ peerings: this.links.map((l) => ({ from: l.from, to: l.to, state: l.peering.state })) });
  }
}
