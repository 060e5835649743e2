// The KRaft controller quorum as a dynamic quorum (KIP-853): every node finds the controllers through
// `controller.quorum.bootstrap.servers`, and the voters are fixed once, when the controllers' log directories are first
// formatted with `--initial-controllers`. A static quorum (`controller.quorum.voters`) would let a controller whose
// volume was lost and auto-formatted vote again with an empty log and lose committed metadata (KAFKA-14077, KIP-856).
// So an empty controller may format as an initial voter only inside a bootstrap window that opens when the cluster is
// first created; after it, it formats with `--no-initial-controllers`, gets a new directory id, and can never vote
// until an operator replaces its old voter entry (docs/kafka.md).
import { KAFKA_PORTS } from "../ports";
import type { Mesh } from "../types";
import { nodeAddress } from "./addresses";
import { KafkaNode, controllersOf } from "./topology";

/**
 * How long after the bootstrap ConfigMap's creation an empty controller still formats as an initial voter. Long
 * enough for the first `pulumi up` to reach the last region's controller, or for a same-day retry of a failed one
 * (cluster creation, mesh installation and the chained rollouts take well under an hour); short enough that a
 * controller losing its volume in production almost never finds the window open.
 */
export const QUORUM_BOOTSTRAP_WINDOW_SECONDS = 6 * 60 * 60;

/** ConfigMap, created once in the first region's Kafka namespace, whose creation time opens the bootstrap window. */
export const QUORUM_BOOTSTRAP_CONFIG_MAP = "kafka-quorum-bootstrap";

/** A controller's CONTROLLER listener, `host:port`, by its cross-cluster name. */
function controllerEndpoint(mesh: Mesh, controller: KafkaNode): string {
  return `${nodeAddress(mesh, controller)}:${KAFKA_PORTS.controller}`;
}

/** `host:port` of every controller, by its cross-cluster name: `controller.quorum.bootstrap.servers` of every node. */
export function quorumBootstrapServers(mesh: Mesh, nodes: readonly KafkaNode[]): string {
  return controllersOf(nodes)
    .map((c) => controllerEndpoint(mesh, c))
    .join(",");
}

/**
 * `id@host:port` of every controller: a broker's `controller.quorum.voters`. A broker never votes, so this does not make
 * the quorum static; it is where a broker finds a controller's address when its copy of the voter set is empty.
 *
 * Kafka 4.1.2 (and 4.2.0, 4.3.0: the same code) leaves a broker's voter set empty after the broker truncates its metadata
 * log below the voter-set record, which it does when the first leader election churns and the new leader's log
 * diverges from offset 0: `KRaftControlRecordStateMachine.truncateNewEntries` drops the voter-set entries but keeps
 * `nextOffset`, so the re-fetched records below it are never read again. A broker's channels to the controller then
 * find no controller (`RaftControllerNodeProvider` looks the leader's id up in that voter set) until the process
 * restarts: registration times out and the broker exits, or an ISR change waits forever. With this setting the lookup
 * falls back to these addresses (`VoterSetHistory.lastValue`). While the log holds a voter set it wins, and Kafka
 * reports the fallback as `ignored-static-voters` = 1. docs/kafka.md, "Brokers' controller address book".
 */
export function brokerControllerAddressBook(mesh: Mesh, nodes: readonly KafkaNode[]): string {
  return controllersOf(nodes)
    .map((c) => `${c.nodeId}@${controllerEndpoint(mesh, c)}`)
    .join(",");
}

/**
 * The initial voter set, `id@host:port:directoryId,...`, the same for every controller: the argument of
 * `kafka-storage.sh format --initial-controllers`. `directoryIds` maps each controller's pod name to its initial
 * directory id (a Kafka Uuid, lib/kafka/cluster-id).
 */
export function initialControllers(mesh: Mesh, nodes: readonly KafkaNode[], directoryIds: Readonly<Record<string, string>>): string {
  return controllersOf(nodes)
    .map((c) => {
      const dir = directoryIds[c.podName];
      if (!dir) throw new Error(`no initial directory id for controller ${c.podName}`);
      return `${c.nodeId}@${controllerEndpoint(mesh, c)}:${dir}`;
    })
    .join(",");
}

/**
 * End of the bootstrap window in epoch seconds: an object's `metadata.creationTimestamp` (RFC 3339, which the API
 * server sets once and never changes) plus the window.
 */
export function quorumBootstrapUntil(creationTimestamp: string, windowSeconds: number = QUORUM_BOOTSTRAP_WINDOW_SECONDS): number {
  const ms = Date.parse(creationTimestamp);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(creationTimestamp) || Number.isNaN(ms))
    throw new Error(`not an RFC 3339 time: ${JSON.stringify(creationTimestamp)}`);
  return Math.floor(ms / 1000) + windowSeconds;
}
