// Deterministic answers the mocks give for computed outputs and provider functions.
// Every value is visibly a placeholder ("mock..."), never something that could pass for a real one.
// Each cloud or concern keeps its own table under tools/mocks/; this file merges them.
import * as aws from "./mocks/aws";
import * as gcp from "./mocks/gcp";
import type { CallResults, ComputedOutputs, State } from "./mocks/index";
import * as kubernetes from "./mocks/kubernetes";

const COMPUTED: ComputedOutputs = { ...gcp.computed, ...aws.computed, ...kubernetes.computed };
const CALLS: CallResults = { ...gcp.calls, ...aws.calls, ...kubernetes.calls };

export function mockState(type: string, name: string, inputs: State): State {
  const computed = COMPUTED[type]?.(name, inputs) ?? {};
  return { ...inputs, ...computed };
}

export function mockCall(token: string, inputs: State): State {
  return CALLS[token]?.(inputs) ?? {};
}
