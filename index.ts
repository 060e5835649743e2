// Entry point named by Pulumi.yaml: validate the stack's config, compose the stack for its target, return its outputs.
// Nothing is created at import time, so the same module runs under `pulumi up` and under the offline plan's mocks.
// Each target's stack module (and its large provider SDK) is loaded only when that target is planned.
import type { SpecOf } from "./lib/config/spec";
import type { Cloud } from "./lib/types";
import { DerivedPlan, derivePlan, reportCost } from "./stacks/common";
import { loadStackSpec } from "./stacks/config";

type Compose<C extends Cloud> = (spec: SpecOf<C>, derived: DerivedPlan) => Promise<unknown>;

/** One composition per target; a new target fails `tsc` here until it has one. */
const STACKS: { readonly [C in Cloud]: Compose<C> } = {
  gke: async (spec, derived) => (await import("./stacks/gke")).gkeStack(spec, derived).outputs,
  eks: async (spec, derived) => (await import("./stacks/eks")).eksStack(spec, derived).outputs,
  existing: async (spec, derived) => (await import("./stacks/existing")).existingStack(spec, derived).outputs,
};

function compose<C extends Cloud>(spec: SpecOf<C>, derived: DerivedPlan): Promise<unknown> {
  return (STACKS[spec.cloud as C] as Compose<C>)(spec, derived);
}

export = async () => {
  const spec = loadStackSpec();
  const derived = derivePlan(spec);
  reportCost(spec, derived);
  return compose(spec, derived);
};
