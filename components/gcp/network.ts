// One region's network: a custom-mode VPC, the subnet whose primary and secondary ranges hold the cluster's nodes, pods
// and services (VPC-native), and a Cloud Router with Cloud NAT so private nodes can still pull public images.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { RegionSpec } from "../../lib/config/spec";

/** Names of the subnet's secondary ranges; the cluster refers to them by name. */
export const POD_RANGE_NAME = "pods";
export const SERVICE_RANGE_NAME = "services";

export interface RegionalNetworkArgs {
  /** The region and its planned node, pod and service ranges (already validated not to overlap). */
  region: RegionSpec;
  /** GCP provider of this region; every child uses it. */
  provider: gcp.Provider;
  /**
   * Cloud NAT log filter: `ERRORS_ONLY`, `TRANSLATIONS_ONLY` or `ALL`. Default `ERRORS_ONLY` (dropped connections,
   * e.g. port exhaustion during a mass image pull, without paying for a log line per connection).
   */
  natLogFilter?: "ERRORS_ONLY" | "TRANSLATIONS_ONLY" | "ALL";
  /**
   * Self link of a reserved external address for Cloud NAT. With it, the region's egress address is known before
   * the clusters exist, so the other regions' control planes can admit it. Default: addresses allocated by GCP.
   */
  natAddressSelfLink?: pulumi.Input<string>;
}

export class RegionalNetwork extends pulumi.ComponentResource {
  readonly network: gcp.compute.Network;
  readonly subnetwork: gcp.compute.Subnetwork;
  readonly router: gcp.compute.Router;
  readonly nat: gcp.compute.RouterNat;
  /** selfLink of the VPC, what peerings and the cluster refer to. */
  readonly networkSelfLink: pulumi.Output<string>;
  readonly subnetworkSelfLink: pulumi.Output<string>;

  constructor(name: string, args: RegionalNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:gcp:RegionalNetwork", name, {}, opts);
    const { region, provider } = args;
    const childOpts = { parent: this, provider };

    this.network = new gcp.compute.Network(
      `${name}-vpc`,
      {
        description: `geo-kafka ${region.clusterId}: nodes, pods and services of the ${region.name} cluster`,
        // Custom mode: auto-mode subnets all sit in 10.128.0.0/9 and auto-mode networks cannot be peered with each other.
        autoCreateSubnetworks: false,
        routingMode: "REGIONAL",
        // The default route to the internet gateway stays: Cloud NAT sends through it.
        deleteDefaultRoutesOnCreate: false,
      },
      childOpts,
    );

    this.subnetwork = new gcp.compute.Subnetwork(
      `${name}-nodes`,
      {
        description: `geo-kafka ${region.clusterId}: node range, with pod and service secondary ranges`,
        network: this.network.selfLink,
        region: region.name,
        ipCidrRange: region.nodeCidr,
        secondaryIpRanges: [
          { rangeName: POD_RANGE_NAME, ipCidrRange: region.podCidr },
          { rangeName: SERVICE_RANGE_NAME, ipCidrRange: region.serviceCidr },
        ],
        // Private nodes reach Google APIs (Artifact Registry, logging, the GKE API) without external addresses.
        privateIpGoogleAccess: true,
        stackType: "IPV4_ONLY",
      },
      childOpts,
    );

    this.router = new gcp.compute.Router(
      `${name}-router`,
      {
        description: `geo-kafka ${region.clusterId}: Cloud NAT for private nodes`,
        network: this.network.selfLink,
        region: region.name,
      },
      childOpts,
    );

    this.nat = new gcp.compute.RouterNat(
      `${name}-nat`,
      {
        router: this.router.name,
        region: region.name,
        ...(args.natAddressSelfLink !== undefined
          ? { natIpAllocateOption: "MANUAL_ONLY", natIps: [args.natAddressSelfLink] }
          : { natIpAllocateOption: "AUTO_ONLY" }),
        // Only this subnet, primary and secondary ranges: nodes pull images, pods may call out (e.g. to chart repositories).
        sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
        subnetworks: [{ name: this.subnetwork.selfLink, sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
        logConfig: { enable: true, filter: args.natLogFilter ?? "ERRORS_ONLY" },
      },
      childOpts,
    );

    this.networkSelfLink = this.network.selfLink;
    this.subnetworkSelfLink = this.subnetwork.selfLink;
    this.registerOutputs({
      networkSelfLink: this.networkSelfLink,
      subnetworkSelfLink: this.subnetworkSelfLink,
      routerName: this.router.name,
    });
  }
}
