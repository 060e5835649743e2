// The observability layer: JMX exporter scraping, alerts, dashboards and Kafka protocol metrics for the stretched cluster.
export { BROKER_POD_LABELS, KafkaObservability, KafkaObservabilityArgs, kafkaMetricsSettings } from "./kafka-observability";
export { ObservabilityRegion, ObservabilityRegionArgs } from "./region";
