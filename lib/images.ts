// The container images this stack names itself (the charts bring their own: docs/operations.md), where they come from,
// and how a user pins them by digest or pulls them through a mirror (`images` in the stack config).
import { AGENT_FETCH_IMAGE } from "./observability/versions";
import { KAFKA_IMAGE_REPOSITORY } from "./kafka/image";

export type StackImage = "kafka" | "curl";

/** The default reference of each image: Docker Hub, by tag. Kafka's tag is `kafka.version`. */
export function defaultImageRef(image: StackImage, kafkaVersion: string): string {
  switch (image) {
    case "kafka":
      return `${KAFKA_IMAGE_REPOSITORY}:${kafkaVersion}`;
    case "curl":
      return AGENT_FETCH_IMAGE.image;
  }
}

export interface ImageSettings {
  /**
   * A registry (host, optional port and path) that mirrors Docker Hub: every default reference is pulled as
   * `<registry>/<repository>:<tag>`. Absent: Docker Hub.
   */
  registry?: string;
  /** A whole reference per image, used as given (`registry/repository:tag@sha256:...`). */
  overrides?: Partial<Record<StackImage, string>>;
}

/** The reference a pod pulls for `image`. */
export function imageRef(image: StackImage, kafkaVersion: string, settings: ImageSettings = {}): string {
  const override = settings.overrides?.[image];
  if (override !== undefined) return override;
  const ref = defaultImageRef(image, kafkaVersion);
  return settings.registry ? `${settings.registry.replace(/\/+$/, "")}/${ref}` : ref;
}

/** The reference each image is pulled by. */
export type StackImages = Record<StackImage, string>;

/** Every image of the stack, resolved. */
export function resolveImages(kafkaVersion: string, settings: ImageSettings = {}): StackImages {
  return { kafka: imageRef("kafka", kafkaVersion, settings), curl: imageRef("curl", kafkaVersion, settings) };
}

/** A registry prefix: host (letters, digits, '.', '-'), optional port, optional path, no scheme. */
export const REGISTRY_PATTERN = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/;

/** An image reference: name components, then a tag, a digest, or both. */
const REFERENCE =
  /^([a-z0-9][a-z0-9._-]*(:\d{1,5})?\/)*[a-z0-9][a-z0-9._-]*(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;

export interface ParsedReference {
  tag?: string;
  digest?: string;
}

/** The tag and digest of a reference, or undefined when it is not one. */
export function parseReference(ref: string): ParsedReference | undefined {
  const match = REFERENCE.exec(ref);
  if (!match) return undefined;
  const [, , , tag, digest] = match;
  return { ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}
