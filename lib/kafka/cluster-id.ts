// Kafka's cluster id from a random UUID: the 16 bytes in URL-safe base64 without padding (22 characters), the form
// `kafka-storage.sh random-uuid` prints and `kafka-storage.sh format --cluster-id` parses (org.apache.kafka.common.Uuid).

/** Length of a Kafka Uuid as text: 16 bytes in base64url without padding. */
export const KAFKA_CLUSTER_ID_LENGTH = 22;

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Converts an RFC 4122 UUID (as @pulumi/random's RandomUuid gives it) to a Kafka cluster id.
 *
 * Kafka's own generator (Uuid.randomUuid) retries until the text does not start with '-', because a leading '-'
 * reads as an option on the command line, and never returns the reserved all-zero or ...01 ids. A converted
 * UUID cannot be retried, so the top bit of the first byte is cleared instead: the first character is then one
 * of A-Z or a-f, never '-', and a version-4 UUID (version nibble 4) is never one of the reserved ids.
 */
export function kafkaClusterIdFromUuid(uuid: string): string {
  if (!UUID_TEXT.test(uuid)) throw new Error(`not a UUID: ${JSON.stringify(uuid)}`);
  const bytes = Buffer.from(uuid.replace(/-/g, ""), "hex");
  bytes[0] &= 0x7f;
  if (bytes.every((b, i) => b === 0 || (i === 15 && b === 1))) throw new Error(`${uuid} maps to a reserved Kafka id`);
  return bytes.toString("base64url");
}

/** True for text Kafka's Uuid.fromString accepts and a cluster should use: 22 base64url characters, 16 bytes. */
export function isValidKafkaClusterId(id: string): boolean {
  if (!/^[A-Za-z0-9_-]{22}$/.test(id) || id.startsWith("-")) return false;
  const bytes = Buffer.from(id, "base64url");
  return bytes.length === 16 && bytes.toString("base64url") === id && !bytes.every((b, i) => b === 0 || (i === 15 && b === 1));
}
