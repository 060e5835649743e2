// The official apache/kafka image, as far as the Kafka layer depends on it: its repository and the paths its
// Dockerfile declares as VOLUMEs, which every Kafka container must cover with mounts of its own.

export const KAFKA_IMAGE_REPOSITORY = "apache/kafka";

/**
 * The image's `VOLUME ["/etc/kafka/secrets", "/var/lib/kafka/data", "/mnt/shared/config"]` (apache/kafka
 * `docker/jvm/Dockerfile`; the same list in the layer history of the published 4.1.0 image). A container runtime puts
 * an anonymous volume on every declared path that no mount of the pod covers exactly, so a claim mounted at a parent
 * (`/var/lib/kafka`) is hidden under an anonymous volume at `/var/lib/kafka/data` and the logs never reach the disk.
 * Every Kafka container therefore mounts something at each of these paths; the policy rule `image-volumes-mounted`
 * checks it on the plan.
 */
export const KAFKA_IMAGE_VOLUMES = {
  secrets: "/etc/kafka/secrets",
  data: "/var/lib/kafka/data",
  sharedConfig: "/mnt/shared/config",
} as const;

export type KafkaImageVolume = keyof typeof KAFKA_IMAGE_VOLUMES;

/** Whether a container image reference names the apache/kafka repository (any registry, tag or digest). */
export function isKafkaImage(image: string): boolean {
  const repository = image.split("@")[0].replace(/:[^/:]*$/, "");
  return repository === KAFKA_IMAGE_REPOSITORY || repository.endsWith(`/${KAFKA_IMAGE_REPOSITORY}`);
}
