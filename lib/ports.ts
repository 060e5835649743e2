// The ports that cross regions, per concern. Firewalls and security groups admit exactly these, from peer ranges only.

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
 * Submariner between gateway nodes of different clusters: the cable (IPsec NAT-T, or VXLAN with the vxlan
 * cable driver) on UDP 4500, NAT discovery on UDP 4490. UDP 4800 (VXLAN from nodes to their own gateway)
 * and TCP 8080 (metrics) stay inside a cluster. Source: submariner.io getting-started prerequisites.
 */
export const SUBMARINER_CROSS_REGION_PORTS: readonly PortRule[] = [
  { protocol: "udp", port: 4500, purpose: "Submariner cable (IPsec NAT-T / VXLAN cable driver)" },
  { protocol: "udp", port: 4490, purpose: "Submariner NAT discovery" },
];
export const SUBMARINER_IN_CLUSTER_PORTS: readonly PortRule[] = [
  { protocol: "udp", port: 4800, purpose: "Submariner VXLAN from nodes to the gateway" },
  { protocol: "tcp", port: 8080, purpose: "Submariner gateway metrics" },
];

/** Istio multi-cluster: east-west gateway mTLS passthrough, istiod xDS, istiod webhook. Source: istio.io multicluster install docs. */
export const ISTIO_CROSS_REGION_PORTS: readonly PortRule[] = [
  { protocol: "tcp", port: 15443, purpose: "Istio east-west gateway (mTLS passthrough)" },
  { protocol: "tcp", port: 15012, purpose: "istiod xDS and CA" },
  { protocol: "tcp", port: 15017, purpose: "istiod webhook" },
];

/** Everything that must be admitted from the peer regions' ranges for a given mesh. */
export function crossRegionPorts(mesh: "submariner" | "istio"): PortRule[] {
  return [...KAFKA_CROSS_REGION_PORTS, ...(mesh === "submariner" ? SUBMARINER_CROSS_REGION_PORTS : ISTIO_CROSS_REGION_PORTS)];
}
