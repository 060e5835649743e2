// The stack policies of the pack: the rules of lib/policy/rules.ts over the resources of a real preview.
import type { PolicyResource as SdkResource, StackValidationPolicy } from "@pulumi/policy";
import { PolicyResource, RULES } from "../lib/policy/rules";

/**
 * The policy SDK unwraps secrets before policies see them, so "is it a secret?" cannot be asked here:
 * that rule runs on the offline plan only (`npm run policy`, `npm test`), where secret markers are intact.
 */
export const OFFLINE_ONLY = new Set(["secrets-are-secret"]);

export function fromSdk(resources: readonly SdkResource[]): PolicyResource[] {
  return resources.map((r) => ({
    type: r.type,
    name: r.name,
    provider: r.provider?.name ?? null,
    inputs: r.props,
    dependsOn: (r.dependencies ?? []).map((d) => d.name),
    protect: r.opts?.protect,
    ...sdkTimeouts(r),
  }));
}

/** The SDK reports 0 for a timeout that is not set; the rules see only those that are. */
function sdkTimeouts(r: SdkResource): Pick<PolicyResource, "customTimeouts"> {
  const createSeconds = r.opts?.customTimeouts?.createSeconds ?? 0;
  const updateSeconds = r.opts?.customTimeouts?.updateSeconds ?? 0;
  if (createSeconds === 0 && updateSeconds === 0) return {};
  return { customTimeouts: { ...(createSeconds > 0 ? { createSeconds } : {}), ...(updateSeconds > 0 ? { updateSeconds } : {}) } };
}

export const policies: StackValidationPolicy[] = RULES.filter((rule) => !OFFLINE_ONLY.has(rule.id)).map((rule) => ({
  name: rule.id,
  description: rule.description,
  enforcementLevel: "mandatory" as const,
  validateStack: (args, reportViolation) => {
    const byName = new Map(args.resources.map((r) => [`${r.type} ${r.name}`, r.urn]));
    for (const v of rule.check(fromSdk(args.resources))) reportViolation(v.message, byName.get(v.resource));
  },
}));
