// The observability layer: JMX exporter scraping, alerts, dashboards and Kafka protocol metrics for the stretched cluster.
export { BROKER_POD_LABELS, KafkaObservability, KafkaObservabilityArgs, kafkaMetricsSettings } from "./kafka-observability";
export { ObservabilityRegion, ObservabilityRegionArgs } from "./region";
export { AMP_COLLECTOR_USER, AmazonManagedPrometheus, AmazonManagedPrometheusArgs, AmpClusterTarget } from "../aws/amazon-managed-prometheus";
