// Validates recorded Kubernetes resources against the OpenAPI schemas shipped in kubernetes-models.
import { RecordedResource } from "../../tools/mock-runtime";
import { renderSecrets } from "../../tools/mock-runtime";

/** Packages holding models for API groups beyond the core ones. */
const CRD_PACKAGES: Record<string, string> = {
  "networking.istio.io": "@kubernetes-models/istio",
  "security.istio.io": "@kubernetes-models/istio",
  "install.istio.io": "@kubernetes-models/istio",
  "extensions.istio.io": "@kubernetes-models/istio",
};

/** Kubernetes object kinds with no OpenAPI model (charts, providers, CRDs without a models package). */
export function isKubernetesObject(resource: RecordedResource): boolean {
  return resource.type.startsWith("kubernetes:") && !resource.type.startsWith("kubernetes:helm.sh/");
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
 * Secrets are replaced by a placeholder string first, since their values are not what the schema checks.
 */
export function schemaErrors(resource: RecordedResource): string[] {
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
  const data = renderSecrets(resource.inputs, false) as Record<string, unknown>;
  try {
    new Model(data).validate();
    return [];
  } catch (err) {
    return [`${resource.type} ${resource.name}: ${(err as Error).message}`];
  }
}
