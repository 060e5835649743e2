// The AWS network plan of stack eks: subnets inside each VPC, the peer ranges each region admits, and the ingress rules
// between them (the checks that must pass before any AWS resource is created are in ./checks.ts).
import { Address4 } from "ip-address";
import { cidr } from "../../cidr";
import type { RegionSpec } from "../../config/spec";
import { crossRegionPorts } from "../../ports";
import { Mesh } from "../../types";

/** AWS allows subnets from /16 to /28. */
export const AWS_SMALLEST_SUBNET_PREFIX = 28;
/** An EKS control plane needs subnets in at least two availability zones. */
export const EKS_MIN_ZONES = 2;
/** Public subnets hold only the NAT gateway; a /24 is plenty, so they never take more. */
export const PUBLIC_SUBNET_PREFIX = 24;

export interface ZoneSubnet {
  zone: string;
  cidr: string;
}

/**
 * How one VPC is cut. Nodes and pods share the private subnets (the VPC CNI gives pods VPC addresses), so those
 * get almost all of the VPC; public subnets only carry the NAT gateway's address.
 */
export interface VpcSubnetPlan {
  vpcCidr: string;
  privateSubnets: ZoneSubnet[];
  publicSubnets: ZoneSubnet[];
}

export type SubnetPlanResult = { ok: true; plan: VpcSubnetPlan } | { ok: false; message: string };

function block(first: bigint, prefixLength: number): string {
  return `${Address4.fromBigInt(first).correctForm()}/${prefixLength}`;
}

/**
 * Splits a VPC into one private subnet per zone and, in the block left over, one small public subnet per zone.
 * With n zones the VPC is cut into 2^ceil(log2(n + 1)) equal blocks: the first n are the private subnets, and
 * the last is cut again into public subnets of at most /24. A /16 over three zones gives three /18s (16,384
 * addresses each, for nodes and pods) and three /24s.
 */
export function tryPlanVpcSubnets(vpcCidr: string, zones: readonly string[]): SubnetPlanResult {
  if (zones.length === 0) return { ok: false, message: "needs at least one zone" };
  const vpc = cidr(vpcCidr);
  const privatePrefix = vpc.prefixLength + Math.ceil(Math.log2(zones.length + 1));
  const publicPrefix = Math.max(privatePrefix + Math.ceil(Math.log2(zones.length)), PUBLIC_SUBNET_PREFIX);
  if (privatePrefix > AWS_SMALLEST_SUBNET_PREFIX || publicPrefix > AWS_SMALLEST_SUBNET_PREFIX) {
    return {
      ok: false,
      message: `${vpcCidr} is too small for ${zones.length} private and ${zones.length} public subnets (AWS subnets are at most /${AWS_SMALLEST_SUBNET_PREFIX})`,
    };
  }
  const privateSize = 1n << BigInt(32 - privatePrefix);
  const publicSize = 1n << BigInt(32 - publicPrefix);
  const leftover = vpc.last + 1n - privateSize;
  return {
    ok: true,
    plan: {
      vpcCidr: vpc.text,
      privateSubnets: zones.map((zone, i) => ({ zone, cidr: block(vpc.first + BigInt(i) * privateSize, privatePrefix) })),
      publicSubnets: zones.map((zone, i) => ({ zone, cidr: block(leftover + BigInt(i) * publicSize, publicPrefix) })),
    },
  };
}

/** The subnet plan of a VPC that has passed eksSpecProblems (./checks.ts). */
export function planVpcSubnets(vpcCidr: string, zones: readonly string[]): VpcSubnetPlan {
  const result = tryPlanVpcSubnets(vpcCidr, zones);
  if (!result.ok) throw new Error(`${vpcCidr}: ${result.message}`);
  return result.plan;
}

/** One peer region's range, as admitted by security groups and routed over peering. */
export interface PeerRange {
  region: string;
  cidr: string;
}

/**
 * The ranges of the other regions. With the AWS VPC CNI a pod's address comes from its VPC, so the peer's VPC
 * range already holds its nodes and its pods; the planned podCidr is not an address range on EKS (see docs/eks.md).
 */
export function peerRanges(regions: readonly RegionSpec[], self: RegionSpec): PeerRange[] {
  return regions.filter((r) => r.name !== self.name).map((r) => ({ region: r.name, cidr: r.nodeCidr }));
}

/**
 * ICMP "destination unreachable, fragmentation needed", for path MTU discovery between peers. Inter-region VPC peering
 * carries at most 8500-byte packets (EC2 user guide, "Network MTU", read 2026-11-30); pods are held to that MTU
 * (lib/cloud/eks/eks.ts `PEERED_PATH_MTU_BYTES`), and nodes probe the path MTU (lib/cloud/eks/user-data.ts) in case a hop
 * between drops without telling.
 */
export const ICMP_FRAGMENTATION_NEEDED = { type: 3, code: 4 } as const;

/** One ingress rule of the cross-region security group. */
export interface CrossRegionIngressRule {
  /**
   * Stable suffix for the rule's resource name, named after the range it admits, e.g. `tcp-9092-from-10-5-0-0-16`
   * (not after the peer region, so the offline plan groups the rule with the region that owns it).
   */
  key: string;
  peerRegion: string;
  cidr: string;
  protocol: "tcp" | "udp" | "icmp";
  /** Port range; for ICMP the type (fromPort) and code (toPort), as the EC2 API takes them. */
  fromPort: number;
  toPort: number;
  description: string;
}

/**
 * Every ingress rule a region's nodes need from its peers: exactly the cross-region ports of the mesh, from
 * each peer's VPC range and nothing wider, plus ICMP "fragmentation needed" from the same ranges so path MTU
 * discovery works across 8500-byte inter-region peering while nodes send 9001-byte frames inside their VPC.
 */
export function crossRegionIngressRules(peers: readonly PeerRange[], mesh: Mesh): CrossRegionIngressRule[] {
  const rules: CrossRegionIngressRule[] = [];
  for (const peer of peers) {
    const from = `from-${peer.cidr.replace(/[./]/g, "-")}`;
    for (const port of crossRegionPorts(mesh)) {
      rules.push({
        key: `${port.protocol}-${port.port}-${from}`,
        peerRegion: peer.region,
        cidr: peer.cidr,
        protocol: port.protocol,
        fromPort: port.port,
        toPort: port.port,
        description: `${port.purpose} from ${peer.region}`,
      });
    }
    rules.push({
      key: `icmp-frag-needed-${from}`,
      peerRegion: peer.region,
      cidr: peer.cidr,
      protocol: "icmp",
      fromPort: ICMP_FRAGMENTATION_NEEDED.type,
      toPort: ICMP_FRAGMENTATION_NEEDED.code,
      description: `Path MTU discovery (ICMP fragmentation needed) from ${peer.region}`,
    });
  }
  return rules;
}

/** The Kubernetes API port of an EKS control plane (its private endpoint's network interfaces). */
export const KUBERNETES_API_PORT = 443;

/**
 * Ingress rules for a cluster's control-plane security group: TCP 443 from the VPC range of every cluster whose mesh
 * dials this API server (lib/mesh/access.ts `apiServerClients`). EKS's cluster security group admits only itself,
 * so without them a peer's istiod, reaching the private endpoint over the peering, is refused.
 */
export function apiServerIngressRules(clients: readonly PeerRange[]): CrossRegionIngressRule[] {
  return clients.map((client) => ({
    key: `api-tcp-${KUBERNETES_API_PORT}-from-${client.cidr.replace(/[./]/g, "-")}`,
    peerRegion: client.region,
    cidr: client.cidr,
    protocol: "tcp",
    fromPort: KUBERNETES_API_PORT,
    toPort: KUBERNETES_API_PORT,
    description: `Kubernetes API from the mesh control plane of ${client.region}`,
  }));
}
