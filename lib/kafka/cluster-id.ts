// Kafka Uuids from random UUIDs: the cluster id and each controller's initial metadata directory id. Kafka writes a
// Uuid as its 16 bytes in URL-safe base64 without padding (22 characters), the form `kafka-storage.sh random-uuid`
// prints and `kafka-storage.sh format --cluster-id` / `--initial-controllers` parse (org.apache.kafka.common.Uuid).

/** Length of a Kafka Uuid as text: 16 bytes in base64url without padding. */
export const KAFKA_CLUSTER_ID_LENGTH = 22;

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Kafka reserves the Uuids whose first 8 bytes are zero and last 8 bytes below 100 (Uuid.ZERO_UUID, ONE_UUID, DirectoryId.reserved). */
const RESERVED_BELOW = 100n;

function reserved(bytes: Buffer): boolean {
  return bytes.readBigUInt64BE(0) === 0n && bytes.readBigUInt64BE(8) < RESERVED_BELOW;
}

/**
 * Converts an RFC 4122 UUID (as @pulumi/random's RandomUuid gives it) to a Kafka Uuid.
 *
 * Kafka's own generator (Uuid.randomUuid) retries until the text does not start with '-', because a leading '-'
 * reads as an option on the command line, and never returns a reserved id. A converted UUID cannot be retried, so
 * the top bit of the first byte is cleared instead: the first character is then one of A-Z or a-f, never '-', and a
 * version-4 UUID (version nibble 4 in the seventh byte) is never reserved.
 */
export function kafkaUuidFromUuid(uuid: string): string {
  if (!UUID_TEXT.test(uuid)) throw new Error(`not a UUID: ${JSON.stringify(uuid)}`);
  const bytes = Buffer.from(uuid.replace(/-/g, ""), "hex");
  bytes[0] &= 0x7f;
  if (reserved(bytes)) throw new Error(`${uuid} maps to a reserved Kafka id`);
  return bytes.toString("base64url");
}

/** The cluster id every node is formatted with. */
export const kafkaClusterIdFromUuid = kafkaUuidFromUuid;
/** A controller's initial metadata directory id (`--initial-controllers id@host:port:<directory id>`). */
export const kafkaDirectoryIdFromUuid = kafkaUuidFromUuid;

/** True for text Kafka's Uuid.fromString accepts and a cluster should use: 22 base64url characters, 16 bytes, not reserved. */
export function isValidKafkaUuid(id: string): boolean {
  if (!/^[A-Za-z0-9_-]{22}$/.test(id) || id.startsWith("-")) return false;
  const bytes = Buffer.from(id, "base64url");
  return bytes.length === 16 && bytes.toString("base64url") === id && !reserved(bytes);
}

export const isValidKafkaClusterId = isValidKafkaUuid;
