// Entry point named by Pulumi.yaml: validate the stack's config, compose the stack for its cloud, return its outputs.
// Nothing is created at import time, so the same module runs under `pulumi up` and under the offline plan's mocks.
// Each cloud's stack module (and its large provider SDK) is loaded only when that cloud is planned.
import { derivePlan, reportCost } from "./stacks/common";
import { loadStackSpec } from "./stacks/config";

export = async () => {
  const spec = loadStackSpec();
  const derived = derivePlan(spec);
  reportCost(spec, derived);
  if (spec.cloud === "gke") {
    const { gkeStack } = await import("./stacks/gke");
    return gkeStack(spec, derived).outputs;
  }
  const { eksStack } = await import("./stacks/eks");
  return eksStack(spec, derived).outputs;
};
