// The placement check for a stack: its brokers (rack = region), its controllers per region, and the topics it
// will carry: the configured `kafka.topics`, a topic with the default partition count and replication factor,
// and Kafka's internal topics, which this cluster creates with the same replication factor.
import type { StackSpec } from "../config/spec";
import { PlacementCheck, PlacementCheckInput, TopicSpec, checkPlacement } from "./placement";
import { brokersOf, controllersOf, kafkaNodes } from "./topology";

/** Kafka's defaults for offsets.topic.num.partitions and transaction.state.log.num.partitions. */
export const INTERNAL_TOPIC_PARTITIONS = 50;

/** The topics checked when the stack names none: a default topic and the internal topics. */
export function defaultTopics(kafka: Pick<StackSpec["kafka"], "defaultPartitions" | "replicationFactor">): TopicSpec[] {
  return [
    { name: "(default topic)", partitions: kafka.defaultPartitions, replicationFactor: kafka.replicationFactor },
    { name: "__consumer_offsets", partitions: INTERNAL_TOPIC_PARTITIONS, replicationFactor: kafka.replicationFactor },
    { name: "__transaction_state", partitions: INTERNAL_TOPIC_PARTITIONS, replicationFactor: kafka.replicationFactor },
  ];
}

export function placementInputFromSpec(spec: Pick<StackSpec, "regions" | "kafka">, topics?: readonly TopicSpec[]): PlacementCheckInput {
  const nodes = kafkaNodes({
    regions: spec.regions.map((r) => ({ name: r.name, clusterId: r.clusterId })),
    brokersPerRegion: spec.kafka.brokersPerRegion,
    controllersPerRegion: spec.kafka.controllersPerRegion,
  });
  const controllersByRack: Record<string, number> = {};
  for (const c of controllersOf(nodes)) controllersByRack[c.region] = (controllersByRack[c.region] ?? 0) + 1;
  return {
    brokers: brokersOf(nodes).map((b) => ({ nodeId: b.nodeId, rack: b.region })),
    controllersByRack,
    topics: topics ?? [
      ...defaultTopics(spec.kafka),
      ...(spec.kafka.topics ?? []).map((t) => ({
        name: t.name,
        partitions: t.partitions,
        replicationFactor: t.replicationFactor ?? spec.kafka.replicationFactor,
      })),
    ],
    minInsyncReplicas: spec.kafka.minInsyncReplicas,
  };
}

/** Runs the placement and region-loss check for a stack; `ok: false` must stop the plan. */
export function checkStackPlacement(spec: Pick<StackSpec, "regions" | "kafka">, topics?: readonly TopicSpec[]): PlacementCheck {
  return checkPlacement(placementInputFromSpec(spec, topics));
}
