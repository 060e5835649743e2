// Entry point named by Pulumi.yaml: validate the stack's config, compose the stack for its cloud, return its outputs.
// Nothing is created at import time, so the same module runs under `pulumi up` and under the offline plan's mocks.
import { derivePlan, reportCost } from "./stacks/common";
import { loadStackSpec } from "./stacks/config";
import { eksStack } from "./stacks/eks";
import { gkeStack } from "./stacks/gke";

export = async () => {
  const spec = loadStackSpec();
  const derived = derivePlan(spec);
  reportCost(spec, derived);
  const stack = spec.cloud === "gke" ? gkeStack(spec, derived) : eksStack(spec, derived);
  return stack.outputs;
};
