// SCRAM credentials in the salted form Kafka's storage tool accepts (`kafka-storage.sh format --add-scram`), computed
// where the program runs, so that no password ever reaches a Kafka pod: its environment, its command line, its files.
import { pbkdf2Sync } from "node:crypto";

/** SCRAM mechanism of the client listener (properties.ts enables only this one). */
export const SCRAM_MECHANISM = "SCRAM-SHA-512";
/** Iterations of the salted password. Kafka refuses fewer than 4096 for SCRAM-SHA-512 (ScramMechanism.minIterations). */
export const SCRAM_ITERATIONS = 8192;
/** Bytes of random salt (RFC 5802 leaves the length open; Kafka's own generator uses fewer). */
export const SCRAM_SALT_BYTES = 32;
/** Output length of SHA-512, which RFC 5802's Hi() keeps. */
const SHA512_BYTES = 64;
const MIN_ITERATIONS = 4096;
/** Characters a user name may hold inside `[name=...]` without quoting, which Kafka's parser does not offer. */
export const SCRAM_USERNAME = /^[A-Za-z0-9._-]+$/;

/**
 * RFC 5802 `Hi(password, salt, i)`: PBKDF2 with HMAC-SHA-512 as the PRF and one block of output, the salted password
 * Kafka's ScramFormatter.saltedPassword computes for SCRAM-SHA-512. Whoever holds it can authenticate as the user,
 * so it is a secret as much as the password is.
 */
export function scramSaltedPassword(password: string, salt: Buffer, iterations: number = SCRAM_ITERATIONS): Buffer {
  return pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, SHA512_BYTES, "sha512");
}

export interface ScramCredentialInput {
  username: string;
  password: string;
  salt: Buffer;
  /** Default SCRAM_ITERATIONS (8192). */
  iterations?: number;
}

/**
 * `SCRAM-SHA-512=[name=<user>,iterations=<n>,salt="<base64>",saltedpassword="<base64>"]`, the argument of
 * `kafka-storage.sh format --add-scram` that carries the salted password instead of the password.
 */
export function scramCredential(input: ScramCredentialInput): string {
  const iterations = input.iterations ?? SCRAM_ITERATIONS;
  if (!SCRAM_USERNAME.test(input.username))
    throw new Error(`SCRAM user name ${JSON.stringify(input.username)} needs quoting Kafka does not offer`);
  if (input.salt.length === 0) throw new Error("SCRAM salt is empty");
  if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS)
    throw new Error(`SCRAM-SHA-512 needs at least ${MIN_ITERATIONS} iterations (got ${iterations})`);
  const salted = scramSaltedPassword(input.password, input.salt, iterations);
  return (
    `${SCRAM_MECHANISM}=[name=${input.username},iterations=${iterations},` +
    `salt="${input.salt.toString("base64")}",saltedpassword="${salted.toString("base64")}"]`
  );
}
