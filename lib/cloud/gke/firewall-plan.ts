// Pure plan of one region's VPC firewall: which sources reach which node pools on which ports, and the guard that
// keeps Kafka ports closed to everything else. The RegionalFirewall component turns each entry into one rule.
import { RegionSpec } from "../../config/spec";
import { KAFKA_CROSS_REGION_PORTS, MESH_CROSS_REGION_PORTS, PortRule } from "../../ports";
import { Mesh } from "../../types";
import { KAFKA_NODE_TAG } from "./node-plan";

export const ANYWHERE = "0.0.0.0/0";

/**
 * Rule priorities (lower wins). Allows sit above the Kafka guard, and the guard sits above the rules GKE creates for
 * its own Services (priority 1000), so even a LoadBalancer Service put in front of a broker by mistake stays closed.
 */
export const ALLOW_PRIORITY = 800;
export const GUARD_PRIORITY = 900;

export interface PortGroup {
  protocol: "tcp" | "udp";
  ports: string[];
}

export interface FirewallRulePlan {
  /** Appended to the component's name to name the rule. */
  suffix: string;
  description: string;
  action: "allow" | "deny";
  priority: number;
  /** What the rule admits or denies, per protocol. */
  ports: PortGroup[];
  sourceRanges: string[];
  /** Node pools the rule applies to; undefined means every instance in the network. */
  targetTags?: string[];
  /** Log matches (denies only: blocked attempts are worth seeing, allowed flows are not worth paying for). */
  log: boolean;
}

/** Collects port rules per protocol, ports in ascending order. */
export function groupPorts(rules: readonly PortRule[]): PortGroup[] {
  const groups: PortGroup[] = [];
  for (const protocol of ["tcp", "udp"] as const) {
    const ports = [...new Set(rules.filter((r) => r.protocol === protocol).map((r) => r.port))].sort((a, b) => a - b);
    if (ports.length > 0) groups.push({ protocol, ports: ports.map(String) });
  }
  return groups;
}

/** Addresses a cluster's packets come from: node primary range and pod range (service IPs are never sources). */
export function sourceRangesOf(region: RegionSpec): string[] {
  return [region.nodeCidr, region.podCidr];
}

function purposes(rules: readonly PortRule[]): string {
  return rules.map((r) => `${r.protocol}/${r.port} ${r.purpose}`).join("; ");
}

/**
 * The firewall of the network of `regions[localIndex]`. Everything is admitted from the cluster ranges of the stack
 * only: the other regions for what crosses regions (lib/ports.ts), the region itself where the Kafka guard would
 * otherwise cut in-cluster clients off. GKE adds its own rules for in-cluster traffic and the control plane.
 */
export function planRegionFirewall(regions: readonly RegionSpec[], localIndex: number, mesh: Mesh): FirewallRulePlan[] {
  const local = regions[localIndex];
  if (local === undefined) throw new Error(`no region at index ${localIndex}`);
  const peers = regions.filter((_, i) => i !== localIndex);
  const peerSources = peers.flatMap(sourceRangesOf);
  const localSources = sourceRangesOf(local);
  const meshPorts = MESH_CROSS_REGION_PORTS[mesh];

  const rules: FirewallRulePlan[] = [
    {
      suffix: "peer-kafka",
      description: `Kafka from the other regions' nodes and pods: ${purposes(KAFKA_CROSS_REGION_PORTS)}`,
      action: "allow",
      priority: ALLOW_PRIORITY,
      ports: groupPorts(KAFKA_CROSS_REGION_PORTS),
      sourceRanges: peerSources,
      targetTags: [KAFKA_NODE_TAG],
      log: false,
    },
    {
      suffix: "local-kafka",
      description: `Kafka from this cluster's own nodes and pods (the guard below would block them otherwise)`,
      action: "allow",
      priority: ALLOW_PRIORITY,
      ports: groupPorts(KAFKA_CROSS_REGION_PORTS),
      sourceRanges: localSources,
      targetTags: [KAFKA_NODE_TAG],
      log: false,
    },
  ];
  // A GCP rule without ports admits every port: a mesh that needs none gets no rule at all (lib/ports.ts says why
  // neither mode needs one today).
  if (meshPorts.length > 0) {
    rules.push({
      suffix: "peer-mesh",
      description: `${mesh} between regions: ${purposes(meshPorts)}`,
      action: "allow",
      priority: ALLOW_PRIORITY,
      ports: groupPorts(meshPorts),
      sourceRanges: peerSources,
      targetTags: [KAFKA_NODE_TAG],
      log: false,
    });
  }
  rules.push({
    suffix: "guard-kafka",
    description: "Kafka ports closed to every other source, above GKE's own Service rules",
    action: "deny",
    priority: GUARD_PRIORITY,
    ports: groupPorts(KAFKA_CROSS_REGION_PORTS),
    sourceRanges: [ANYWHERE],
    log: true,
  });
  return rules;
}
