// The Apache Kafka releases this project renders configuration for, in one place: the schema's default, the
// validation message and the tests all read SUPPORTED_KAFKA_VERSIONS.

/**
 * Kafka 4.1.x only. 4.x is KRaft-only (ZooKeeper removed in 4.0), and the rendered properties rely on 4.1 behaviour:
 * Eligible Leader Replicas on by default from 4.1 (KIP-966), with controllers writing a cluster-level
 * min.insync.replicas from their own config, and the dynamic quorum (KIP-853, controller.quorum.bootstrap.servers and
 * `kafka-storage format --initial-controllers`). The Kafka lab runs these files on 4.1.2. A later minor changes
 * defaults these files were not checked against, so it is refused until it is.
 */
export const SUPPORTED_KAFKA_VERSIONS = {
  major: 4,
  minor: 1,
  /** How the range reads in messages and docs. */
  range: "4.1.x",
  /** The release the stacks deploy unless `kafka.version` says otherwise (the Kafka lab's pinned release). */
  default: "4.1.2",
} as const;

const RELEASE = /^(\d+)\.(\d+)\.(\d+)$/;

/** True for a release version (x.y.z) inside SUPPORTED_KAFKA_VERSIONS. */
export function isSupportedKafkaVersion(version: string): boolean {
  const m = RELEASE.exec(version);
  return m !== null && Number(m[1]) === SUPPORTED_KAFKA_VERSIONS.major && Number(m[2]) === SUPPORTED_KAFKA_VERSIONS.minor;
}
