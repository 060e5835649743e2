// Replica placement as Kafka's rack-aware assignment does it, and the checks that the stretch survives losing a region:
// one replica per region, min.insync.replicas left in every partition, and a controller majority.

export interface PlacementBroker {
  nodeId: number;
  rack: string;
}

/**
 * Brokers ordered so that racks alternate (rack A's first, rack B's first, rack C's first, rack A's second, ...),
 * as Kafka's AdminUtils.getRackAlternatedBrokerList does; racks and brokers in ascending order.
 */
export function rackAlternatedBrokers(brokers: readonly PlacementBroker[]): PlacementBroker[] {
  const byRack = new Map<string, PlacementBroker[]>();
  for (const b of [...brokers].sort((x, y) => x.nodeId - y.nodeId)) {
    if (!byRack.has(b.rack)) byRack.set(b.rack, []);
    byRack.get(b.rack)!.push(b);
  }
  const racks = [...byRack.keys()].sort();
  const out: PlacementBroker[] = [];
  for (let i = 0; out.length < brokers.length; i++) {
    for (const rack of racks) {
      const b = byRack.get(rack)![i];
      if (b) out.push(b);
    }
  }
  return out;
}

/**
 * Kafka's rack-aware replica assignment (AdminUtils.assignReplicasToBrokersRackAware) with start index and
 * replica shift 0, which Kafka picks at random: the placement pattern, not the exact brokers, is what is checked.
 * Returns, per partition, the replica node ids, leader first.
 */
export function assignReplicas(brokers: readonly PlacementBroker[], partitions: number, replicationFactor: number): number[][] {
  if (replicationFactor > brokers.length) throw new Error(`replication factor ${replicationFactor} exceeds ${brokers.length} brokers`);
  const arranged = rackAlternatedBrokers(brokers);
  const n = arranged.length;
  const numRacks = new Set(brokers.map((b) => b.rack)).size;
  const replicaIndex = (first: number, secondShift: number, k: number) => (first + 1 + ((secondShift + k) % (n - 1))) % n;
  const result: number[][] = [];
  let nextReplicaShift = 0;
  for (let p = 0; p < partitions; p++) {
    if (p > 0 && p % n === 0) nextReplicaShift++;
    const first = p % n;
    const leader = arranged[first];
    const replicas = [leader];
    const racks = new Set([leader.rack]);
    const chosen = new Set([leader.nodeId]);
    let k = 0;
    for (let r = 0; r < replicationFactor - 1; r++) {
      for (;;) {
        const b = arranged[replicaIndex(first, nextReplicaShift * numRacks, k)];
        k++;
        if ((!racks.has(b.rack) || racks.size === numRacks) && (!chosen.has(b.nodeId) || chosen.size === n)) {
          replicas.push(b);
          racks.add(b.rack);
          chosen.add(b.nodeId);
          break;
        }
      }
    }
    result.push(replicas.map((b) => b.nodeId));
  }
  return result;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
}

export interface PlacementCheckInput {
  brokers: readonly PlacementBroker[];
  /** Controllers per rack (region). */
  controllersByRack: Readonly<Record<string, number>>;
  topics: readonly TopicSpec[];
  minInsyncReplicas: number;
}

export interface RegionLossResult {
  lostRack: string;
  /** Partitions left with fewer than min.insync.replicas replicas (writes with acks=all stop there). */
  partitionsBelowMinIsr: Array<{ topic: string; partition: number; replicasLeft: number }>;
  /** Partitions with no replica left at all (data unavailable). */
  partitionsOffline: Array<{ topic: string; partition: number }>;
  controllersLeft: number;
  controllerQuorumHolds: boolean;
}

export interface PlacementCheck {
  ok: boolean;
  /** Partitions whose replicas do not cover distinct racks, one per rack. */
  partitionsSharingARack: Array<{ topic: string; partition: number; racks: string[] }>;
  regionLoss: RegionLossResult[];
  problems: string[];
}

/** Places every topic's replicas, then removes each rack in turn and checks what survives. */
export function checkPlacement(input: PlacementCheckInput): PlacementCheck {
  const rackOf = new Map(input.brokers.map((b) => [b.nodeId, b.rack]));
  const racks = [...new Set(input.brokers.map((b) => b.rack))].sort();
  const controllersTotal = Object.values(input.controllersByRack).reduce((a, b) => a + b, 0);
  const placements = input.topics.map((t) => ({ topic: t, replicas: assignReplicas(input.brokers, t.partitions, t.replicationFactor) }));
  const problems: string[] = [];

  const partitionsSharingARack: PlacementCheck["partitionsSharingARack"] = [];
  for (const { topic, replicas } of placements) {
    replicas.forEach((set, partition) => {
      const used = set.map((id) => rackOf.get(id)!);
      const wanted = Math.min(topic.replicationFactor, racks.length);
      if (new Set(used).size < wanted) partitionsSharingARack.push({ topic: topic.name, partition, racks: used });
    });
  }
  if (partitionsSharingARack.length > 0) problems.push(`${partitionsSharingARack.length} partitions have two replicas in one region`);

  const regionLoss = racks.map((lostRack): RegionLossResult => {
    const below: RegionLossResult["partitionsBelowMinIsr"] = [];
    const offline: RegionLossResult["partitionsOffline"] = [];
    for (const { topic, replicas } of placements) {
      replicas.forEach((set, partition) => {
        const left = set.filter((id) => rackOf.get(id) !== lostRack).length;
        if (left === 0) offline.push({ topic: topic.name, partition });
        if (left < input.minInsyncReplicas) below.push({ topic: topic.name, partition, replicasLeft: left });
      });
    }
    const controllersLeft = controllersTotal - (input.controllersByRack[lostRack] ?? 0);
    const controllerQuorumHolds = controllersLeft > controllersTotal / 2;
    if (below.length > 0)
      problems.push(`losing ${lostRack} leaves ${below.length} partitions below min.insync.replicas=${input.minInsyncReplicas}`);
    if (!controllerQuorumHolds) problems.push(`losing ${lostRack} leaves ${controllersLeft} of ${controllersTotal} controllers: no quorum`);
    return { lostRack, partitionsBelowMinIsr: below, partitionsOffline: offline, controllersLeft, controllerQuorumHolds };
  });
  return { ok: problems.length === 0, partitionsSharingARack, regionLoss, problems };
}
