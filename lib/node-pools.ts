// What every target's Kafka and system nodes share, whoever creates them: the label and taint that reserve the Kafka
// nodes, and the kernel settings those nodes need (the socket-buffer plan plus memory maps for log segments).
import type { NodeSysctls } from "./socket-buffers";

/** Label and taint that reserve the Kafka node pool for brokers and controllers. */
export const KAFKA_NODE_LABEL = { key: "geo-kafka/pool", value: "kafka" } as const;
export const KAFKA_NODE_TAINT = { key: "geo-kafka/dedicated", value: "kafka", effect: "NoSchedule" } as const;
/** Label of the system pool, where mesh gateways and operators run. */
export const SYSTEM_NODE_LABEL = { key: "geo-kafka/pool", value: "system" } as const;

/**
 * vm.max_map_count for Kafka nodes. Every log segment maps its offset and time index, so a broker with many
 * partitions needs far more than Linux's 65530; 262144 leaves room for about 131,000 segments per node.
 */
export const KAFKA_VM_MAX_MAP_COUNT = 262_144;

/** The socket-buffer sysctls in the order every target applies them. */
export const SOCKET_BUFFER_SYSCTL_KEYS = ["net.core.rmem_max", "net.core.wmem_max", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"] as const;

/** A Kafka node's sysctls: the socket-buffer plan (rmem/wmem maxima, tcp_rmem/tcp_wmem) plus vm.max_map_count, in that order. */
export function kafkaNodeSysctls(socketBufferSysctls: NodeSysctls): Record<string, string> {
  const sysctls: Record<string, string> = {};
  for (const key of SOCKET_BUFFER_SYSCTL_KEYS) sysctls[key] = socketBufferSysctls[key];
  sysctls["vm.max_map_count"] = String(KAFKA_VM_MAX_MAP_COUNT);
  return sysctls;
}
