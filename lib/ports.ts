// The ports that cross regions, per concern. Firewalls and security groups admit exactly these, from peer ranges only.
import type { Mesh } from "./types";

export interface PortRule {
  protocol: "tcp" | "udp";
  port: number;
  /** What uses it. */
  purpose: string;
}

/** Kafka listeners: every one is TLS (or mesh mTLS); none is plaintext outside its pod. */
export const KAFKA_PORTS = {
  /** Client listener (TLS + SASL/SCRAM or mTLS). Producers write to remote leaders through it. */
  client: 9092,
  /** Inter-broker replication listener. */
  replication: 9091,
  /** KRaft controller quorum listener. */
  controller: 9093,
} as const;

export const KAFKA_CROSS_REGION_PORTS: readonly PortRule[] = [
  { protocol: "tcp", port: KAFKA_PORTS.client, purpose: "Kafka client listener" },
  { protocol: "tcp", port: KAFKA_PORTS.replication, purpose: "Kafka replication listener" },
  { protocol: "tcp", port: KAFKA_PORTS.controller, purpose: "KRaft controller listener" },
];

/**
 * What each mesh needs open between regions besides Kafka's own ports: nothing, in both modes.
 * - Submariner runs on gke as service discovery only (docs/mesh.md): no gateway, no cable, no route agent, so no
 *   NAT-T (UDP 4500), NAT discovery (UDP 4490) or VXLAN (UDP 4800). Its Lighthouse agents talk only to the broker
 *   cluster's API server (TCP 443), which the control plane's own access rules govern, not the node firewall.
 * - Istio is multi-primary on one network: sidecars connect to remote pod IPs on the application ports (Kafka's),
 *   and each istiod reads the other clusters' API servers (TCP 443, control-plane access). istiod's 15012/15017
 *   cross clusters only in primary-remote, and 15443 only with east-west gateways (multi-network); istio.io,
 *   "Install Multi-Primary" and "Install Primary-Remote on different networks", read 2026-11-30.
 */
export const MESH_CROSS_REGION_PORTS: Readonly<Record<Mesh, readonly PortRule[]>> = {
  submariner: [],
  istio: [],
};

/** Everything that must be admitted from the peer regions' ranges for a given mesh. */
export function crossRegionPorts(mesh: Mesh): PortRule[] {
  return [...KAFKA_CROSS_REGION_PORTS, ...MESH_CROSS_REGION_PORTS[mesh]];
}
