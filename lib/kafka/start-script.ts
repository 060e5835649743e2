// The container entry point of every broker and controller, rendered as text so it is reviewable in the plan and
// testable here: pick this pod's server.properties by StatefulSet ordinal, format an empty log directory (cluster id,
// the client admin's salted SCRAM credential read from a file, and for a controller its place in the dynamic quorum),
// then exec the Kafka server so SIGTERM reaches the JVM and starts a controlled shutdown.
import { PATHS } from "./properties";
import { SCRAM_MECHANISM } from "./scram";

export { SCRAM_MECHANISM };
/** Where the official apache/kafka image unpacks Kafka. */
export const KAFKA_HOME = "/opt/kafka";

/** Environment variables the script reads; the StatefulSet sets them. No credential is among them. */
export const START_ENV = {
  clusterId: "KAFKA_CLUSTER_ID",
  podName: "POD_NAME",
  /** Controllers only: the initial voter set, `id@host:port:directoryId,...` (lib/kafka/quorum initialControllers). */
  initialControllers: "KAFKA_INITIAL_CONTROLLERS",
  /** Controllers only: epoch seconds until which an empty controller formats as an initial voter (lib/kafka/quorum). */
  quorumBootstrapUntil: "KAFKA_QUORUM_BOOTSTRAP_UNTIL",
} as const;

/** File names the scripts read: in the configuration volume (PATHS.config) unless said otherwise. */
export const CONFIG_FILES = {
  startScript: "start.sh",
  /** Brokers: the readiness check (lib/kafka/readiness). */
  readinessScript: "ready.sh",
  log4j: "log4j2.yaml",
  /** Logging of the tools run in a pod: to stderr, so their stdout is their answer alone. */
  toolsLog4j: "tools-log4j2.yaml",
  serverProperties: (ordinal: number) => `server-${ordinal}.properties`,
  /** Admin client settings for Kafka's tools run in the pod (lib/kafka/properties podClientProperties). */
  clientProperties: "client.properties",
  /** In PATHS.secrets: `SCRAM-SHA-512=[name=...,iterations=...,salt="...",saltedpassword="..."]` (lib/kafka/scram). */
  adminScram: "admin-scram",
  /**
   * Written beside the log directory by a controller formatted after the bootstrap window: its server.properties
   * with the client settings appended, the `--command-config` of `kafka-metadata-quorum.sh add-controller`.
   */
  addController: "add-controller.properties",
} as const;

export interface StartScriptOptions {
  /** Kafka installation. Default `/opt/kafka` (apache/kafka image). */
  kafkaHome?: string;
  /** Directory holding the rendered `server-<ordinal>.properties` and `client.properties`. Default PATHS.config. */
  configDir?: string;
  /** Directory holding the `admin-scram` credential file. Default PATHS.secrets. */
  secretsDir?: string;
  /** Heap of the one-off format tool: it needs little, and the server's 6 GiB would only slow its start. */
  formatHeapMiB?: number;
}

/**
 * The start script (POSIX sh; the image is Alpine-based, so busybox ash runs it). It reads the node's role and log
 * directory from its rendered server.properties, then:
 * - `meta.properties` in the log directory: formatted before; start, never format again.
 * - broker, empty directory: format (cluster id, SCRAM credential); brokers take no quorum flag.
 * - controller, empty directory, `date +%s` before KAFKA_QUORUM_BOOTSTRAP_UNTIL: format with `--initial-controllers
 *   "$KAFKA_INITIAL_CONTROLLERS"`, so the directory gets its initial directory id and the node is one of the voters.
 * - controller, empty directory after the window: format with `--no-initial-controllers`. Kafka gives the directory a
 *   new random id, so the node joins as an observer and can never vote with an empty log (KAFKA-14077); the script
 *   prints the two commands that replace its old voter entry with the new directory.
 * The SCRAM credential is the salted form, read from a file into a shell variable that is not exported: no password
 * or salted password is in any process's environment. It is written to the bootstrap metadata by the first active
 * controller, once: later password changes go through `kafka-configs.sh --alter --add-config 'SCRAM-SHA-512=[...]'`.
 */
export function renderStartScript(options: StartScriptOptions = {}): string {
  const home = options.kafkaHome ?? KAFKA_HOME;
  const configDir = options.configDir ?? PATHS.config;
  const secretsDir = options.secretsDir ?? PATHS.secrets;
  const formatHeap = options.formatHeapMiB ?? 256;
  const E = START_ENV;
  return `#!/bin/sh
# geo-kafka start script (lib/kafka/start-script.ts). Rendered, not edited by hand.
set -eu
# The pod name comes from the downward API; HOSTNAME is the same in a StatefulSet pod and serves as a fallback.
pod="\${${E.podName}:-\${HOSTNAME}}"
ordinal="\${pod##*-}"
config="${configDir}/server-\${ordinal}.properties"
if [ ! -f "$config" ]; then
  echo "geo-kafka: no $config for pod $pod: the StatefulSet has more replicas than rendered configurations" >&2
  exit 1
fi
echo "geo-kafka: pod $pod uses $config"
# A key's value in the rendered file, which sets every key once.
prop() { sed -n "s/^$1=//p" "$config"; }
roles="$(prop process.roles)"
logdir="$(prop metadata.log.dir)"
[ -n "$logdir" ] || logdir="$(prop log.dirs | cut -d, -f1)"

if [ -f "$logdir/meta.properties" ]; then
  echo "geo-kafka: $logdir is formatted; starting without formatting"
else
  scram_file="${secretsDir}/${CONFIG_FILES.adminScram}"
  if [ ! -s "$scram_file" ]; then
    echo "geo-kafka: no SCRAM credential in $scram_file" >&2
    exit 1
  fi
  scram="$(cat "$scram_file")"
  observer=""
  case ",$roles," in
    *,controller,*)
      : "\${${E.initialControllers}:?the initial voter set is not set}"
      window_end="\${${E.quorumBootstrapUntil}:-0}"
      # Anything but digits closes the window: the safe side is never to vote with an empty log.
      case "$window_end" in "" | *[!0-9]*) window_end=0 ;; esac
      now="$(date +%s)"
      if [ "$now" -lt "$window_end" ]; then
        echo "geo-kafka: $logdir is empty and the quorum bootstrap window is open until $window_end: formatting as an initial voter"
        set -- --initial-controllers "$${E.initialControllers}"
      else
        echo "geo-kafka: $logdir is empty and the quorum bootstrap window closed at $window_end: formatting as an observer" >&2
        set -- --no-initial-controllers
        observer=yes
      fi
      ;;
    *) set -- ;;
  esac
  # KAFKA_OPTS is cleared for this short-lived JVM so the metrics agent binds its port only in the server, and
  # KAFKA_GC_LOG_OPTS so it does not write into the server's GC log.
  KAFKA_OPTS="" KAFKA_GC_LOG_OPTS="" KAFKA_HEAP_OPTS="-Xms${formatHeap}m -Xmx${formatHeap}m" "${home}/bin/kafka-storage.sh" format \\
    --cluster-id "$${E.clusterId}" \\
    --config "$config" \\
    --add-scram "$scram" \\
    "$@"
  if [ -n "$observer" ]; then
    node_id="$(prop node.id)"
    new_dir="$(sed -n 's/^directory.id=//p' "$logdir/meta.properties")"
    old_dir="$(echo "$${E.initialControllers}" | tr ',' '\\n' | sed -n "s/^$node_id@.*:\\([^:]*\\)$/\\1/p")"
    controllers="$(prop controller.quorum.bootstrap.servers)"
    add_config="$(dirname "$logdir")/${CONFIG_FILES.addController}"
    cat "$config" "${configDir}/${CONFIG_FILES.clientProperties}" > "$add_config"
    {
      echo "geo-kafka: controller $node_id now has directory $new_dir, which is no voter: it follows the quorum as an observer."
      echo "geo-kafka: its old voter entry (directory \${old_dir:-see describe --status}) counts against the majority until it is replaced."
      echo "geo-kafka: once this node has caught up (describe --replication), run in this container:"
      echo "  ${home}/bin/kafka-metadata-quorum.sh --bootstrap-controller $controllers --command-config ${configDir}/${CONFIG_FILES.clientProperties} remove-controller --controller-id $node_id --controller-directory-id \${old_dir:-<its directory id in describe --status>}"
      echo "  ${home}/bin/kafka-metadata-quorum.sh --bootstrap-controller $controllers --command-config $add_config add-controller"
    } >&2
  fi
fi
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
