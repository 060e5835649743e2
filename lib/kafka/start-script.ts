// The container entry point of every broker and controller, rendered as text so it is reviewable in the plan and
// testable here: pick this pod's server.properties by StatefulSet ordinal, format the log directory once (cluster
// id and the client admin's SCRAM credential), then exec the Kafka server so SIGTERM reaches the JVM and starts a
// controlled shutdown.
import { PATHS } from "./properties";

/** SCRAM mechanism of the client listener (properties.ts enables only this one). */
export const SCRAM_MECHANISM = "SCRAM-SHA-512";
/** Where the official apache/kafka image unpacks Kafka. */
export const KAFKA_HOME = "/opt/kafka";

/** Environment variables the script reads; the StatefulSet sets them. */
export const START_ENV = {
  clusterId: "KAFKA_CLUSTER_ID",
  adminUser: "KAFKA_ADMIN_USER",
  adminPassword: "KAFKA_ADMIN_PASSWORD",
  podName: "POD_NAME",
} as const;

/** File names inside the configuration volume. */
export const CONFIG_FILES = {
  startScript: "start.sh",
  log4j: "log4j2.yaml",
  serverProperties: (ordinal: number) => `server-${ordinal}.properties`,
} as const;

export interface StartScriptOptions {
  /** Kafka installation. Default `/opt/kafka` (apache/kafka image). */
  kafkaHome?: string;
  /** Directory holding the rendered `server-<ordinal>.properties`. Default PATHS.config. */
  configDir?: string;
  /** Heap of the one-off format tool: it needs little, and the server's 6 GiB would only slow its start. */
  formatHeapMiB?: number;
}

/**
 * The start script (POSIX sh). `--ignore-formatted` makes the format step a no-op after the first start, so the
 * SCRAM credential given by `--add-scram` is written to the bootstrap metadata once: later password changes must
 * go through `kafka-configs.sh --alter --add-config 'SCRAM-SHA-512=[...]'`. With `controller.quorum.voters` set
 * (a static quorum) controllers are formatted without `--standalone` / `--initial-controllers`.
 */
export function renderStartScript(options: StartScriptOptions = {}): string {
  const home = options.kafkaHome ?? KAFKA_HOME;
  const configDir = options.configDir ?? PATHS.config;
  const formatHeap = options.formatHeapMiB ?? 256;
  return `#!/bin/sh
# geo-kafka start script (lib/kafka/start-script.ts). Rendered, not edited by hand.
set -eu
# The pod name comes from the downward API; HOSTNAME is the same in a StatefulSet pod and serves as a fallback.
pod="\${${START_ENV.podName}:-\${HOSTNAME}}"
ordinal="\${pod##*-}"
config="${configDir}/server-\${ordinal}.properties"
if [ ! -f "$config" ]; then
  echo "geo-kafka: no $config for pod $pod: the StatefulSet has more replicas than rendered configurations" >&2
  exit 1
fi
echo "geo-kafka: pod $pod uses $config"
# Formats only an empty log directory (meta.properties absent); a restart keeps its data and node id.
# KAFKA_OPTS is cleared for this short-lived JVM so the metrics agent binds its port only in the server.
KAFKA_OPTS="" KAFKA_HEAP_OPTS="-Xms${formatHeap}m -Xmx${formatHeap}m" "${home}/bin/kafka-storage.sh" format \\
  --cluster-id "$${START_ENV.clusterId}" \\
  --config "$config" \\
  --ignore-formatted \\
  --add-scram "${SCRAM_MECHANISM}=[name=$${START_ENV.adminUser},password=$${START_ENV.adminPassword}]"
exec "${home}/bin/kafka-server-start.sh" "$config"
`;
}

/**
 * Log4j 2 configuration (Kafka 4 uses Log4j 2, KIP-653): everything to stdout, where the kubelet rotates it.
 * Kafka's bundled configuration also writes time-rolled files without a size cap, which would fill the pod's
 * size-limited log volume and get the pod evicted.
 */
export const LOG4J2_CONFIG = `Configuration:
  name: geo-kafka
  Appenders:
    Console:
      name: STDOUT
      target: SYSTEM_OUT
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: INFO
      AppenderRef:
        - ref: STDOUT
    Logger:
      - name: kafka.request.logger
        level: WARN
      - name: org.apache.kafka.controller
        level: INFO
      - name: state.change.logger
        level: INFO
`;
