// The KRaft controller quorum as a dynamic quorum (KIP-853): every node finds the controllers through
// `controller.quorum.bootstrap.servers`, and the voters are fixed once, when the controllers' log directories are first
// formatted with `--initial-controllers`. A static quorum (`controller.quorum.voters`) would let a controller whose
// volume was lost and auto-formatted vote again with an empty log and lose committed metadata (KAFKA-14077, KIP-856).
// So an empty controller formats as an initial voter only while the cluster is new; otherwise it formats with
// `--no-initial-controllers`, gets a new directory id, follows as an observer, and its promotion script replaces its old
// voter entry once it has caught up (lib/kafka/promote-controller.ts, docs/kafka.md). "New" is decided without a clock.
import { KAFKA_PORTS } from "../ports";
import type { Mesh } from "../types";
import { nodeAddress } from "./addresses";
import { KafkaNode, controllersOf } from "./topology";

/**
 * ConfigMap, one in every region's Kafka namespace, created once every controller of the cluster has formatted and
 * started (it depends on every controller StatefulSet). Its presence tells an empty controller that the quorum exists,
 * so it must not format as an initial voter. Absent (the first `pulumi up`, or a namespace re-created since), the start
 * script asks the other controllers instead (docs/kafka.md, "Controller quorum").
 */
export const QUORUM_BOOTSTRAP_CONFIG_MAP = "kafka-quorum-bootstrap";

/** The marker's key holding the cluster id: a marker naming another cluster stops the controller. */
export const QUORUM_FORMED_KEY = "formedClusterId";

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
