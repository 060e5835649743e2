// Kafka defaults that both the config schema and the components apply: one definition each, imported by both.

/** Namespaces whose pods may use the client listener unless told otherwise. */
export const DEFAULT_CLIENT_NAMESPACES: readonly string[] = ["kafka-clients"];

/**
 * Size of each controller's metadata volume, GiB. The metadata log and its snapshots are megabytes; 20 GiB is the
 * floor that keeps io1/pd-ssd IOPS useful.
 */
export const CONTROLLER_VOLUME_GIB = 20;
