// Validates recorded Kubernetes resources against the OpenAPI schemas shipped in kubernetes-models.
import { RecordedResource } from "../../tools/mock-runtime";
import { renderSecrets } from "../../tools/mock-runtime";
import { handCheckedErrors } from "./crd-shapes";

/** Packages holding models for API groups beyond the core ones. */
const CRD_PACKAGES: Record<string, string> = {
  "networking.istio.io": "@kubernetes-models/istio",
  "security.istio.io": "@kubernetes-models/istio",
  "install.istio.io": "@kubernetes-models/istio",
  "extensions.istio.io": "@kubernetes-models/istio",
};

/**
 * Kinds with no OpenAPI model to check against: Helm releases (not Kubernetes objects), server-side patches (partial
 * by design), and the MCS ServiceExport CRD (no models package; its shape is asserted by the mesh tests).
 */
const WITHOUT_MODEL = [/^kubernetes:helm\.sh\//, /Patch$/, /^kubernetes:multicluster\.x-k8s\.io\//];

/** Recorded Kubernetes objects that have a schema model to validate against. */
export function isKubernetesObject(resource: RecordedResource): boolean {
  return resource.type.startsWith("kubernetes:") && !WITHOUT_MODEL.some((re) => re.test(resource.type));
}

/** Module path of the model class for a type token such as `kubernetes:apps/v1:StatefulSet`. */
export function modelModule(type: string): string | undefined {
  const match = /^kubernetes:([^/]+)\/([^:]+):(.+)$/.exec(type);
  if (!match) return undefined;
  const [, group, version, kind] = match;
  if (group === "core") return `kubernetes-models/${version}/${kind}`;
  const pkg = CRD_PACKAGES[group];
  if (pkg) return `${pkg}/${group}/${version}/${kind}`;
  return `kubernetes-models/${group}/${version}/${kind}`;
}

/**
 * Validates one recorded Kubernetes resource; returns the schema errors (empty when valid).
 * Secrets are unwrapped first: the SDK wraps a Secret's whole `stringData`, and the schema checks shape, not secrecy.
 */
export function schemaErrors(resource: RecordedResource): string[] {
  // Monitoring CRDs have no installed models package: their shapes are checked by hand (./crd-shapes.ts).
  const hand = handCheckedErrors(resource.type, renderSecrets(resource.inputs, true));
  if (hand !== undefined) return hand.map((e) => `${resource.type} ${resource.name}: ${e}`);
  const modulePath = modelModule(resource.type);
  if (!modulePath) return [`${resource.type} is not a Kubernetes type token`];
  let Model: new (data: unknown) => { validate(): void };
  try {
    const mod = require(modulePath) as Record<string, new (data: unknown) => { validate(): void }>;
    Model = mod[resource.type.slice(resource.type.lastIndexOf(":") + 1)];
  } catch {
    return [`no schema model for ${resource.type} (${modulePath})`];
  }
  if (!Model) return [`no schema model for ${resource.type} (${modulePath})`];
  const data = renderSecrets(resource.inputs, true) as Record<string, unknown>;
  try {
    new Model(data).validate();
    return [];
  } catch (err) {
    return [`${resource.type} ${resource.name}: ${(err as Error).message}`];
  }
}
