// The profile record: one entry per deployment target. The only place that dispatches on `cloud`; everything else
// asks the profile (`profileOf(spec.cloud)`), so a new target is one folder under lib/cloud/ and one line here.
import type { Cloud } from "../types";
import { EKS_PROFILE } from "./eks/profile";
import { EXISTING_PROFILE } from "./existing/profile";
import { GKE_PROFILE } from "./gke/profile";
import type { CloudProfile } from "./profile";

export type { CloudProfile } from "./profile";

export const PROFILES: { readonly [C in Cloud]: CloudProfile<C> } = {
  gke: GKE_PROFILE,
  eks: EKS_PROFILE,
  existing: EXISTING_PROFILE,
};

/** The profile of a target. */
export function profileOf<C extends Cloud>(cloud: C): CloudProfile<C> {
  return PROFILES[cloud];
}
