// A broker's readiness check, rendered as text into its StatefulSet's ConfigMap: ready only when no partition of the
// cluster is under-replicated. A StatefulSet's rolling update stops each pod only after the previous one is ready, and
// the stretched cluster chains its regions' rollouts on that readiness (components/kafka), so a change rolls on only
// once every partition is back in full sync, rather than after a fixed delay.
import { POD_TOOL_JVM, PodScriptOptions, podToolEnv } from "./pod-tools";
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
