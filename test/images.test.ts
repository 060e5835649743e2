// The stack's own images: references, a Docker Hub mirror, per-image overrides pinned by digest, and their checks.
import { describe, expect, it } from "vitest";
import { imageRef, parseReference, resolveImages } from "../lib/images";
import { validateConfig } from "../lib/config/validate";
import type { RecordedResource } from "../tools/mock-runtime";
import { planStackOk, setPath, stackConfig } from "./helpers/harness";

const DIGEST = `sha256:${"ab12".repeat(16)}`;

describe("image references (lib/images.ts)", () => {
  it("defaults to Docker Hub by tag, Kafka's tag being the release", () => {
    expect(resolveImages("4.1.2")).toEqual({ kafka: "apache/kafka:4.1.2", curl: "curlimages/curl:8.21.0" });
  });

  it("prefixes every default with a mirror registry, and takes an override as given", () => {
    expect(imageRef("kafka", "4.1.2", { registry: "mirror.example.com:5000/hub/" })).toBe("mirror.example.com:5000/hub/apache/kafka:4.1.2");
    const pinned = `mirror.example.com/apache/kafka:4.1.2@${DIGEST}`;
    expect(resolveImages("4.1.2", { registry: "other.example.com", overrides: { kafka: pinned } })).toEqual({
      kafka: pinned,
      curl: "other.example.com/curlimages/curl:8.21.0",
    });
  });

  it("reads tags and digests, and refuses what is not a reference", () => {
    expect(parseReference(`apache/kafka:4.1.2@${DIGEST}`)).toEqual({ tag: "4.1.2", digest: DIGEST });
    expect(parseReference(`registry.example.com:5000/apache/kafka@${DIGEST}`)).toEqual({ digest: DIGEST });
    expect(parseReference("apache/kafka")).toEqual({});
    expect(parseReference("https://registry/apache/kafka:4.1.2")).toBeUndefined();
    expect(parseReference("apache/kafka@sha256:short")).toBeUndefined();
  });
});

const raw = (images: Record<string, unknown>) => {
  const config = Object.fromEntries(Object.entries(stackConfig("gke")).map(([k, v]) => [k.replace("geo-kafka:", ""), v]));
  return { ...config, images };
};
const errorsOf = (images: Record<string, unknown>) =>
  validateConfig(raw(images))
    .problems.filter((p) => p.severity === "error")
    .map((p) => `${p.path}: ${p.message}`);

describe("images config checks", () => {
  it("accepts a mirror and digest-pinned overrides of the configured release", () => {
    expect(errorsOf({ registry: "mirror.example.com/dockerhub", kafka: `mirror.example.com/apache/kafka:4.1.2@${DIGEST}` })).toEqual([]);
  });

  it.each([
    { images: { registry: "https://mirror.example.com" }, says: /^geo-kafka:images\.registry: must be a registry host/ },
    { images: { kafka: "apache/kafka:4.1.1" }, says: /^geo-kafka:images\.kafka: tag 4\.1\.1 is not kafka\.version 4\.1\.2/ },
    { images: { curl: "curlimages/curl" }, says: /^geo-kafka:images\.curl: "curlimages\/curl" names neither a tag nor a digest/ },
    { images: { kafka: "apache kafka" }, says: /^geo-kafka:images\.kafka: "apache kafka" is not an image reference/ },
  ])("refuses $images", ({ images, says }) => {
    expect(errorsOf(images)).toEqual([expect.stringMatching(says)]);
  });

  it("warns that a digest alone cannot be checked against kafka.version", () => {
    const result = validateConfig(raw({ kafka: `apache/kafka@${DIGEST}` }));
    expect(result.ok).toBe(true);
    expect(result.problems.map((p) => p.path)).toContain("geo-kafka:images.kafka");
  });
});

/** Every container image of the plan's workloads (StatefulSets and Jobs), init containers included. */
function podImages(resources: readonly RecordedResource[]): string[] {
  return resources
    .filter((r) => r.type === "kubernetes:apps/v1:StatefulSet" || r.type === "kubernetes:batch/v1:Job")
    .flatMap((r) => {
      const spec = (
        r.inputs as { spec: { template: { spec: { containers: Array<{ image: string }>; initContainers?: Array<{ image: string }> } } } }
      ).spec.template.spec;
      return [...spec.containers, ...(spec.initContainers ?? [])].map((c) => c.image);
    });
}

describe("images on the plan", () => {
  it("a mirror registry and a pinned Kafka image reach every Kafka pod, init container and access Job", async () => {
    const config = stackConfig("gke");
    const pinned = `mirror.example.com/apache/kafka:4.1.2@${DIGEST}`;
    setPath(config, "images", [], { registry: "mirror.example.com/dockerhub", kafka: pinned });
    const { run } = await planStackOk("gke", config);
    const images = podImages(run.resources);
    expect(images.length).toBeGreaterThan(12);
    expect(new Set(images)).toEqual(new Set([pinned, "mirror.example.com/dockerhub/curlimages/curl:8.21.0"]));
  });

  it("the shipped stacks pull from Docker Hub by tag", async () => {
    const { run } = await planStackOk("eks");
    expect(new Set(podImages(run.resources))).toEqual(new Set(["apache/kafka:4.1.2", "curlimages/curl:8.21.0"]));
  });
});
