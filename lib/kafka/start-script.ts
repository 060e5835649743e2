// The container entry point of every broker and controller, rendered as text so it is reviewable in the plan and
// testable here: pick this pod's server.properties by StatefulSet ordinal, format an empty log directory (cluster id,
// the client admin's salted SCRAM credential read from a file, and for a controller its place in the dynamic quorum),
// then exec the Kafka server so SIGTERM reaches the JVM and starts a controlled shutdown.
import { podToolEnv } from "./pod-tools";
import { PATHS } from "./properties";
import { QUORUM_BOOTSTRAP_CONFIG_MAP } from "./quorum";
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
  /**
   * Controllers only: the cluster id from the `kafka-quorum-bootstrap` ConfigMap (lib/kafka/quorum), set once every
   * controller has formatted; unset before that. Set: an empty controller formats as an observer, never as a voter.
   */
  quorumFormed: "KAFKA_QUORUM_FORMED",
} as const;

/** File names the scripts read: in the configuration volume (PATHS.config) unless said otherwise. */
export const CONFIG_FILES = {
  startScript: "start.sh",
  /** The readiness check of the role (lib/kafka/readiness). */
  readinessScript: "ready.sh",
  log4j: "log4j2.yaml",
  /** Logging of the tools run in a pod: to stderr, so their stdout is their answer alone. */
  toolsLog4j: "tools-log4j2.yaml",
  serverProperties: (ordinal: number) => `server-${ordinal}.properties`,
  /** Admin client settings for Kafka's tools run in the pod (lib/kafka/properties podClientProperties). */
  clientProperties: "client.properties",
  /** In PATHS.secrets: `SCRAM-SHA-512=[name=...,iterations=...,salt="...",saltedpassword="..."]` (lib/kafka/scram). */
  adminScram: "admin-scram",
  /** Controllers: replaces a stale voter entry by this node once it has caught up (lib/kafka/promote-controller). */
  promoteScript: "promote-controller.sh",
  /**
   * Written beside the log directory by a controller formatted as an observer: its server.properties with the client
   * settings appended, the `--command-config` of `kafka-metadata-quorum.sh add-controller`.
   */
  addController: "add-controller.properties",
  /** Beside the log directory while a controller formatted as an observer is not yet a voter: the promotion runs. */
  promotionPending: "quorum-promotion-pending",
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
  /** Times an empty controller without the marker asks the quorum before taking silence for a new cluster. Default 3. */
  probeAttempts?: number;
  /** Seconds between those attempts. Default 10. */
  probePauseSeconds?: number;
}

/**
 * The start script (POSIX sh; the image is Alpine-based, so busybox ash runs it). It reads the node's role and log
 * directory from its rendered server.properties, then:
 * - `meta.properties` in the log directory: formatted before; start, never format again.
 * - broker, empty directory: format (cluster id, SCRAM credential); brokers take no quorum flag.
 * - controller, empty directory, KAFKA_QUORUM_FORMED set (the quorum ConfigMap exists, so every controller formatted
 *   once): format with `--no-initial-controllers`. Kafka gives the directory a new random id, so the node follows as an
 *   observer and can never vote with an empty log (KAFKA-14077).
 * - controller, empty directory, no marker: ask the controllers (`kafka-cluster.sh list-endpoints`) whether this node
 *   id ever registered. Registered: it ran before and lost its volume, so an observer as above. The quorum answers
 *   without it, or no quorum answers at all: the cluster is being created, so format with `--initial-controllers
 *   "$KAFKA_INITIAL_CONTROLLERS"` and take its initial directory id.
 * - a controller formatted as an observer, and at every start until it votes: the promotion script runs beside the
 *   server and replaces the node's stale voter entry by its new directory once it has caught up (what Kafka 4.2's
 *   `controller.quorum.auto.join.enable` does; 4.1 has no such setting).
 * The SCRAM credential is the salted form, read from a file into a shell variable that is not exported: no password
 * or salted password is in any process's environment. It is written to the bootstrap metadata by the first active
 * controller, once: later password changes go through `kafka-configs.sh --alter --add-config 'SCRAM-SHA-512=[...]'`.
 */
export function renderStartScript(options: StartScriptOptions = {}): string {
  const home = options.kafkaHome ?? KAFKA_HOME;
  const configDir = options.configDir ?? PATHS.config;
  const secretsDir = options.secretsDir ?? PATHS.secrets;
  const formatHeap = options.formatHeapMiB ?? 256;
  const probeAttempts = options.probeAttempts ?? 3;
  const probePauseSeconds = options.probePauseSeconds ?? 10;
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
# The volume's root, beside the log directory: what a controller keeps across restarts besides its log.
state="$(dirname "$logdir")"

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
      formed="\${${E.quorumFormed}:-}"
      node_id="$(prop node.id)"
      if [ -n "$formed" ]; then
        if [ "$formed" != "$${E.clusterId}" ]; then
          echo "geo-kafka: ConfigMap ${QUORUM_BOOTSTRAP_CONFIG_MAP} names cluster $formed, but this node belongs to $${E.clusterId}: not formatting" >&2
          exit 1
        fi
        echo "geo-kafka: $logdir is empty and the quorum was formed (ConfigMap ${QUORUM_BOOTSTRAP_CONFIG_MAP}): formatting as an observer" >&2
        observer=yes
      else
        # A probe fails while no leader is elected (a restarting peer), while names still propagate, or on a network
        # blip: ask a few times before taking "no answer" for a new cluster.
        answered=""
        attempt=1
        while [ -z "$answered" ] && [ "$attempt" -le ${probeAttempts} ]; do
          if registered="$(${podToolEnv(`${configDir}/${CONFIG_FILES.toolsLog4j}`)} \\
            "${home}/bin/kafka-cluster.sh" list-endpoints --bootstrap-controller "$(prop controller.quorum.bootstrap.servers)" \\
            --config "${configDir}/${CONFIG_FILES.clientProperties}")"; then
            answered=yes
          else
            echo "geo-kafka: no controller answers with a quorum (attempt $attempt of ${probeAttempts})" >&2
            attempt=$((attempt + 1))
            if [ "$attempt" -le ${probeAttempts} ]; then sleep ${probePauseSeconds}; fi
          fi
        done
        if [ -z "$answered" ]; then
          echo "geo-kafka: $logdir is empty and no controller answers with a quorum: the cluster is new, formatting as an initial voter"
        elif printf '%s\\n' "$registered" | awk -v id="$node_id" '$1 == id && $NF == "controller" { found = 1 } END { exit !found }'; then
          echo "geo-kafka: $logdir is empty and the quorum knows controller $node_id from before: formatting as an observer" >&2
          observer=yes
        else
          echo "geo-kafka: $logdir is empty and the quorum has never seen controller $node_id: the cluster is new, formatting as an initial voter"
        fi
      fi
      if [ -n "$observer" ]; then
        set -- --no-initial-controllers
      else
        set -- --initial-controllers "$${E.initialControllers}"
      fi
      ;;
    *) set -- ;;
  esac
  if [ -n "$observer" ]; then
    # Before the format: a container that dies right after it restarts formatted, and must still promote itself.
    cat "$config" "${configDir}/${CONFIG_FILES.clientProperties}" > "$state/${CONFIG_FILES.addController}"
    : > "$state/${CONFIG_FILES.promotionPending}"
  fi
  # KAFKA_OPTS is cleared for this short-lived JVM so the metrics agent binds its port only in the server, and
  # KAFKA_GC_LOG_OPTS so it does not write into the server's GC log.
  KAFKA_OPTS="" KAFKA_GC_LOG_OPTS="" KAFKA_HEAP_OPTS="-Xms${formatHeap}m -Xmx${formatHeap}m" "${home}/bin/kafka-storage.sh" format \\
    --cluster-id "$${E.clusterId}" \\
    --config "$config" \\
    --add-scram "$scram" \\
    "$@"
  if [ -n "$observer" ]; then
    echo "geo-kafka: controller $node_id has directory $(sed -n 's/^directory.id=//p' "$logdir/meta.properties"), which is no voter yet: it follows as an observer until ${CONFIG_FILES.promoteScript} replaces its old voter entry" >&2
  fi
fi
if [ -f "$state/${CONFIG_FILES.promotionPending}" ]; then
  # Beside the server, not instead of it: it waits for this node to catch up, then changes the voter set.
  sh "${configDir}/${CONFIG_FILES.promoteScript}" &
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
