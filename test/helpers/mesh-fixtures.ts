// Fixtures for the mesh tests: a stack's validated spec (from its own Pulumi.<stack>.yaml, mesh mode overridable) and
// three fake RegionalClusters, each with its own k8s.Provider named after its region.
import * as k8s from "@pulumi/kubernetes";
import type { RegionalCluster } from "../../components/platform";
import { StackSpec } from "../../lib/config/spec";
import { PROJECT } from "../../lib/problems";
import type { Mesh } from "../../lib/types";
import { RecordedResource, isSecretValue } from "../../tools/mock-runtime";
import { stackConfig, stackSpec } from "./harness";

/** The validated spec of a stack file, with `mesh.mode` replaced when given. */
export function meshSpec(stack: "gke" | "eks", mode?: Mesh): StackSpec {
  const config = stackConfig(stack);
  if (mode) config[`${PROJECT}:mesh`] = { mode };
  return stackSpec(stack, config);
}

export const providerName = (region: string) => `k8s-${region}`;

/** One fake cluster per region of `spec`; call inside the mocked program (providers are resources). */
export function fakeClusters(spec: StackSpec): RegionalCluster[] {
  return spec.regions.map((region) => ({
    region,
    provider: new k8s.Provider(providerName(region.name), { kubeconfig: "mock" }),
    storageClassName: "mock-storage-class",
    kafkaNodeSelector: { "geo-kafka/pool": "kafka" },
    kafkaTolerations: [],
    dependsOn: [],
  }));
}

/** API server endpoints in both forms the clouds use (GKE: bare address, EKS: https URL). */
export function fakeApiServers(spec: StackSpec): string[] {
  return spec.regions.map((r, i) => (i % 2 === 0 ? `https://api.${r.clusterId}.invalid` : `api.${r.clusterId}.invalid`));
}

/** What a secret input looks like unwrapped (the recorded `{ <sig>: ..., value }`). */
export function secretValue<T>(value: unknown): T {
  return (value as { value: T }).value;
}

/**
 * A recorded resource whose secrets are opened up to their shape, every leaf replaced by "[secret]". Under the mocks a
 * secret nested in an object marks the whole object (say `stringData`), which the schema helper would then see as a
 * string; this keeps the structure the schema checks and still never looks at a secret value.
 */
export function withSecretShapes(resource: RecordedResource): RecordedResource {
  return { ...resource, inputs: secretShape(resource.inputs, false) as Record<string, unknown> };
}

function secretShape(value: unknown, inSecret: boolean): unknown {
  if (isSecretValue(value)) return secretShape(value.value, true);
  if (Array.isArray(value)) return value.map((v) => secretShape(v, inSecret));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, secretShape(v, inSecret)]));
  }
  return inSecret ? "[secret]" : value;
}
