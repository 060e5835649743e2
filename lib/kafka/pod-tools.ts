// How the scripts rendered into a Kafka pod (readiness check, start script, controller promotion) run Kafka's own
// command-line tools beside the server: one JVM setting and one environment prefix, so every tool run is alike.

/**
 * A tool's JVM: a small heap, the client compiler only (a one-shot tool never reaches C2), no metrics agent (the
 * container's KAFKA_OPTS would start a second exporter on the same port), no GC log (it would write into the server's).
 * About 200 MiB resident: inside a controller's 1 GiB beyond its heap (lib/kafka/sizing).
 */
export const POD_TOOL_JVM = {
  heapOpts: "-Xms64m -Xmx128m",
  performanceOpts: "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true",
} as const;

/**
 * The shell assignments that precede a tool's command in a rendered script: the JVM above, and logging to stderr
 * (`toolsLog4jPath`: lib/kafka/readiness TOOLS_LOG4J2_CONFIG), so a tool's stdout is its answer alone.
 */
export function podToolEnv(toolsLog4jPath: string): string {
  return (
    `KAFKA_OPTS="" KAFKA_GC_LOG_OPTS="" KAFKA_HEAP_OPTS="${POD_TOOL_JVM.heapOpts}" ` +
    `KAFKA_JVM_PERFORMANCE_OPTS="${POD_TOOL_JVM.performanceOpts}" KAFKA_LOG4J_OPTS="-Dlog4j2.configurationFile=${toolsLog4jPath}"`
  );
}

/** Where a rendered pod script finds Kafka and its files; the defaults are the pod's. */
export interface PodScriptOptions {
  /** Kafka installation. Default `/opt/kafka` (apache/kafka image). */
  kafkaHome?: string;
  /** Directory holding `server-<ordinal>.properties`, `client.properties` and `tools-log4j2.yaml`. Default PATHS.config. */
  configDir?: string;
}
