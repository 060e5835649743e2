// What every target derives from a StackSpec before creating anything: buffer sizing, and the cost estimate with its
// capacity ceiling. Pure, so the cost tool computes it without loading the stacks.
import { CapacityEstimate, estimateCapacity } from "./capacity";
import { capacityInputsFromSpec } from "./capacity-from-spec";
import type { StackSpec } from "./config/spec";
import { CostEstimate, estimateCost } from "./cost";
import { PriceUse, costInputsFromSpec } from "./cost-from-spec";
import { SocketBufferPlan, planSocketBuffers } from "./socket-buffers";

export interface DerivedPlan {
  socketBuffers: SocketBufferPlan;
  cost: CostEstimate;
  prices: PriceUse[];
  /** Undefined when the machine or disk type has no capacity data. */
  capacity?: CapacityEstimate;
}

export function derivePlan(spec: StackSpec): DerivedPlan {
  const socketBuffers = planSocketBuffers(spec.links);
  const { inputs, prices } = costInputsFromSpec(spec);
  const capacityInputs = capacityInputsFromSpec(spec, socketBuffers);
  return {
    socketBuffers,
    cost: estimateCost(inputs),
    prices,
    ...(capacityInputs ? { capacity: estimateCapacity(capacityInputs) } : {}),
  };
}
