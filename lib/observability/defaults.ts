// Observability defaults that both the config schema and the components apply: one definition each.

/** Namespace of the Prometheus that scrapes Kafka when none is configured. */
export const DEFAULT_MONITORING_NAMESPACE = "monitoring";
