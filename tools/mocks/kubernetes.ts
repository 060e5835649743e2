// Mock computed outputs and invoke results for kubernetes resources.
import type { CallResults, ComputedOutputs } from "./index";

export const computed: ComputedOutputs = {};
export const calls: CallResults = {};
