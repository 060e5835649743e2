// The container entry point of every broker and controller, rendered as text so it is reviewable in the plan and
// testable here: pick this pod's server.properties by StatefulSet ordinal, format the log directory once (cluster
// id and the client admin's salted SCRAM credential, read from a file), then exec the Kafka server so SIGTERM reaches
// the JVM and starts a controlled shutdown.
import { PATHS } from "./properties";
import { SCRAM_MECHANISM } from "./scram";

export { SCRAM_MECHANISM };
/** Where the official apache/kafka image unpacks Kafka. */
export const KAFKA_HOME = "/opt/kafka";

/** Environment variables the script reads; the StatefulSet sets them. No credential is among them. */
export const START_ENV = {
  clusterId: "KAFKA_CLUSTER_ID",
  podName: "POD_NAME",
} as const;

/** File names the scripts read: in the configuration volume (PATHS.config) unless said otherwise. */
export const CONFIG_FILES = {
  startScript: "start.sh",
  log4j: "log4j2.yaml",
  serverProperties: (ordinal: number) => `server-${ordinal}.properties`,
  /** In PATHS.secrets: `SCRAM-SHA-512=[name=...,iterations=...,salt="...",saltedpassword="..."]` (lib/kafka/scram). */
  adminScram: "admin-scram",
} as const;

export interface StartScriptOptions {
  /** Kafka installation. Default `/opt/kafka` (apache/kafka image). */
  kafkaHome?: string;
  /** Directory holding the rendered `server-<ordinal>.properties`. Default PATHS.config. */
  configDir?: string;
  /** Directory holding the `admin-scram` credential file. Default PATHS.secrets. */
  secretsDir?: string;
  /** Heap of the one-off format tool: it needs little, and the server's 6 GiB would only slow its start. */
  formatHeapMiB?: number;
}

/**
 * The start script (POSIX sh; the image is Alpine-based, so busybox ash runs it). `--ignore-formatted` makes the
 * format step a no-op after the first start, so the SCRAM credential given by `--add-scram` is written to the
 * bootstrap metadata once: later password changes must go through `kafka-configs.sh --alter --add-config
 * 'SCRAM-SHA-512=[...]'`. The credential is the salted form, read from a file into a shell variable that is not
 * exported: neither the password nor the salted password is in any process's environment. With
 * `controller.quorum.voters` set (a static quorum) controllers are formatted without `--standalone` /
 * `--initial-controllers`.
 */
export function renderStartScript(options: StartScriptOptions = {}): string {
  const home = options.kafkaHome ?? KAFKA_HOME;
  const configDir = options.configDir ?? PATHS.config;
  const secretsDir = options.secretsDir ?? PATHS.secrets;
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
scram_file="${secretsDir}/${CONFIG_FILES.adminScram}"
if [ ! -s "$scram_file" ]; then
  echo "geo-kafka: no SCRAM credential in $scram_file" >&2
  exit 1
fi
scram="$(cat "$scram_file")"
# Formats only an empty log directory (meta.properties absent); a restart keeps its data and node id.
# KAFKA_OPTS is cleared for this short-lived JVM so the metrics agent binds its port only in the server.
KAFKA_OPTS="" KAFKA_HEAP_OPTS="-Xms${formatHeap}m -Xmx${formatHeap}m" "${home}/bin/kafka-storage.sh" format \\
  --cluster-id "$${START_ENV.clusterId}" \\
  --config "$config" \\
  --ignore-formatted \\
  --add-scram "$scram"
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
