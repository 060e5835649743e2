// The Kafka layer: one KRaft cluster stretched over the stack's regional clusters.
export { CONTROLLER_VOLUME_GIB, DEFAULT_CLIENT_NAMESPACES } from "../../lib/kafka/defaults";
export { DEFAULT_ADMIN_USERNAME, StretchedKafka, StretchedKafkaArgs } from "./stretched-kafka";
export { KafkaRegion, KafkaRegionArgs } from "./region";
export { KafkaTls, KafkaTlsArgs } from "./tls";
