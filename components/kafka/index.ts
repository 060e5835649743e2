// The Kafka layer: one KRaft cluster stretched over the stack's regional clusters.
export { DEFAULT_ADMIN_USERNAME, DEFAULT_CLIENT_NAMESPACES, StretchedKafka, StretchedKafkaArgs } from "./stretched-kafka";
export { KafkaRegion, KafkaRegionArgs } from "./region";
export { KafkaTls, KafkaTlsArgs } from "./tls";
