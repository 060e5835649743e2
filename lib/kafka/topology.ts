// The Kafka cluster's shape across regions: every controller and broker, its node id, region, StatefulSet and pod.
// Node ids are unique across the whole cluster; names are unique across clusters so one name means one pod everywhere.

export type KafkaRole = "broker" | "controller";

export interface KafkaNode {
  role: KafkaRole;
  /** Unique across the cluster (KRaft node.id). */
  nodeId: number;
  region: string;
  regionIndex: number;
  /** Cluster id of the region's Kubernetes cluster (a DNS label). */
  clusterId: string;
  /** StatefulSet that runs this node in its region's cluster. */
  statefulSet: string;
  ordinal: number;
  /** `<statefulSet>-<ordinal>`. */
  podName: string;
}

export interface KafkaTopologyInput {
  regions: ReadonlyArray<{ name: string; clusterId: string }>;
  brokersPerRegion: number;
  controllersPerRegion: number;
}

/** Node ids: controllers 1000 + 100 x region + ordinal; brokers 100 x region + ordinal. Room for 100 of each per region. */
export const CONTROLLER_ID_BASE = 1000;
export const IDS_PER_REGION = 100;

export function statefulSetName(role: KafkaRole, clusterId: string): string {
  return `kafka-${role}-${clusterId}`;
}

export function kafkaNodes(input: KafkaTopologyInput): KafkaNode[] {
  const nodes: KafkaNode[] = [];
  input.regions.forEach((region, regionIndex) => {
    for (const role of ["controller", "broker"] as const) {
      const count = role === "controller" ? input.controllersPerRegion : input.brokersPerRegion;
      const base = (role === "controller" ? CONTROLLER_ID_BASE : 0) + IDS_PER_REGION * regionIndex;
      const statefulSet = statefulSetName(role, region.clusterId);
      for (let ordinal = 0; ordinal < count; ordinal++) {
        nodes.push({
          role,
          nodeId: base + ordinal,
          region: region.name,
          regionIndex,
          clusterId: region.clusterId,
          statefulSet,
          ordinal,
          podName: `${statefulSet}-${ordinal}`,
        });
      }
    }
  });
  return nodes;
}

export const brokersOf = (nodes: readonly KafkaNode[]) => nodes.filter((n) => n.role === "broker");
export const controllersOf = (nodes: readonly KafkaNode[]) => nodes.filter((n) => n.role === "controller");

/**
 * Copies of every produced byte that replication sends to other regions: with rack = region and one replica per
 * region, each follower outside the leader's region is one, so min(RF, regions) - 1.
 */
export function crossRegionReplicaCopies(replicationFactor: number, regions: number): number {
  return Math.max(0, Math.min(replicationFactor, regions) - 1);
}
