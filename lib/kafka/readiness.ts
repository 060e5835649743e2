// Readiness checks, rendered as text into the StatefulSets' ConfigMaps. A broker is ready only when no partition of the
// cluster is under-replicated; a controller only when it votes and is caught up with the quorum's leader. A
// StatefulSet's rolling update stops each pod only after the previous one is ready, and the stretched cluster chains
// its regions' rollouts on that readiness (components/kafka, docs/operations.md), so a change rolls on only once
// replication and the quorum are whole again, rather than after a fixed delay.
import { POD_TOOL_JVM, PodScriptOptions, podToolEnv } from "./pod-tools";
import { PROMOTION_MAX_LAG_RECORDS } from "./promote-controller";
import { PATHS } from "./properties";
import { CONFIG_FILES, KAFKA_HOME, START_ENV } from "./start-script";

/** The check's JVM: the one every tool run in a pod uses (lib/kafka/pod-tools). */
export const READINESS_JVM = POD_TOOL_JVM;

/** How often the kubelet runs the check and how long it may take: a JVM start plus an admin request bounded by
 * client.properties (POD_CLIENT_TIMEOUTS_MS), comfortably inside the timeout. */
export const BROKER_READINESS_PROBE = { periodSeconds: 30, timeoutSeconds: 25, failureThreshold: 2 } as const;

/**
 * The readiness script (POSIX sh, busybox ash in the image). It asks this broker's own advertised REPLICATION
 * listener, with the node's own client settings (client.properties: Kafka TLS with the pod's keystore, or plaintext
 * to the sidecar), for the cluster's under-replicated partitions, and succeeds only when the tool succeeds and prints
 * none. Tool logging goes to stderr (tools-log4j2.yaml), so stdout is the tool's answer alone.
 */
export function renderReadinessScript(options: PodScriptOptions = {}): string {
  const home = options.kafkaHome ?? KAFKA_HOME;
  const configDir = options.configDir ?? PATHS.config;
  return `#!/bin/sh
# geo-kafka readiness check (lib/kafka/readiness.ts). Rendered, not edited by hand.
set -eu
pod="\${${START_ENV.podName}:-\${HOSTNAME}}"
config="${configDir}/server-\${pod##*-}.properties"
# This broker's own advertised REPLICATION address, host:port.
address="$(sed -n 's/^advertised\\.listeners=.*REPLICATION:\\/\\/\\([^,]*\\).*$/\\1/p' "$config")"
if [ -z "$address" ]; then
  echo "geo-kafka: no REPLICATION listener in $config" >&2
  exit 1
fi
if ! out="$(${podToolEnv(`${configDir}/${CONFIG_FILES.toolsLog4j}`)} \\
  "${home}/bin/kafka-topics.sh" --bootstrap-server "$address" --command-config "${configDir}/${CONFIG_FILES.clientProperties}" \\
  --describe --under-replicated-partitions)"; then
  echo "geo-kafka: not ready: kafka-topics failed: $out"
  exit 1
fi
if [ -n "$out" ]; then
  echo "geo-kafka: not ready: under-replicated partitions:"
  echo "$out" | head -n 10
  exit 1
fi
`;
}

/** The controllers' check runs as often as the brokers': one JVM start and one quorum request each time. */
export const CONTROLLER_READINESS_PROBE = BROKER_READINESS_PROBE;

/**
 * Largest lag, in metadata records behind the leader, at which a voting controller counts as caught up: the bound the
 * promotion uses (lib/kafka/promote-controller). A follower in step with the leader lags by the records written since
 * its last fetch, which is a fraction of a second at most; a controller restarted after minutes away lags by every
 * broker registration, ISR and config change of those minutes until its fetches catch up.
 */
export const CONTROLLER_READY_MAX_LAG_RECORDS = PROMOTION_MAX_LAG_RECORDS;

/**
 * A controller's readiness script (POSIX sh). Before the quorum has formed (KAFKA_QUORUM_FORMED unset at this
 * container's start: the first \`pulumi up\`, whose controllers start region after region and cannot all be caught up
 * before the last exists) an open port is enough, as the startup probe has already shown. After it, the controller is
 * ready only when \`kafka-metadata-quorum.sh describe --replication\` lists this node id with this volume's directory id
 * as Leader or Follower (a voter, not an observer still to be promoted) at most CONTROLLER_READY_MAX_LAG_RECORDS behind.
 * So a rolled controller releases the next one only once the quorum has three caught-up voters again.
 */
export function renderControllerReadinessScript(options: PodScriptOptions = {}): string {
  const home = options.kafkaHome ?? KAFKA_HOME;
  const configDir = options.configDir ?? PATHS.config;
  return `#!/bin/sh
# geo-kafka controller readiness check (lib/kafka/readiness.ts). Rendered, not edited by hand.
set -eu
if [ -z "\${${START_ENV.quorumFormed}:-}" ]; then
  # No formed quorum yet: the open port (startup probe) is all there is to wait for.
  exit 0
fi
pod="\${${START_ENV.podName}:-\${HOSTNAME}}"
config="${configDir}/server-\${pod##*-}.properties"
prop() { sed -n "s/^$1=//p" "$config"; }
node_id="$(prop node.id)"
logdir="$(prop metadata.log.dir)"
dir="$(sed -n 's/^directory.id=//p' "$logdir/meta.properties")"
if ! out="$(${podToolEnv(`${configDir}/${CONFIG_FILES.toolsLog4j}`)} \\
  "${home}/bin/kafka-metadata-quorum.sh" --bootstrap-controller "$(prop controller.quorum.bootstrap.servers)" \\
  --command-config "${configDir}/${CONFIG_FILES.clientProperties}" describe --replication)"; then
  echo "geo-kafka: not ready: no answer from the quorum: $out"
  exit 1
fi
# NodeId DirectoryId LogEndOffset Lag LastFetchTimestamp LastCaughtUpTimestamp Status
row="$(printf '%s\\n' "$out" | awk -v id="$node_id" -v dir="$dir" '$1 == id && $2 == dir { print $4, $NF }')"
lag="\${row% *}"
status="\${row#* }"
case "$status" in
  Leader) exit 0 ;;
  Follower) ;;
  *)
    echo "geo-kafka: not ready: controller $node_id (directory $dir) is not a voter: \${status:-not listed}"
    exit 1
    ;;
esac
case "$lag" in
  "" | *[!0-9]*)
    echo "geo-kafka: not ready: no lag for controller $node_id"
    exit 1
    ;;
esac
if [ "$lag" -gt ${CONTROLLER_READY_MAX_LAG_RECORDS} ]; then
  echo "geo-kafka: not ready: controller $node_id is $lag records behind the leader"
  exit 1
fi
`;
}

/** Log4j 2 configuration of the tools run in a pod: warnings and errors to stderr, nothing on stdout. */
export const TOOLS_LOG4J2_CONFIG = `Configuration:
  name: geo-kafka-tools
  Appenders:
    Console:
      name: STDERR
      target: SYSTEM_ERR
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: WARN
      AppenderRef:
        - ref: STDERR
`;
