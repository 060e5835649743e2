// Computed outputs the mocks return, per type token, gathered from one file per cloud or concern.
export type State = Record<string, unknown>;
export type ComputedOutputs = Record<string, (name: string, inputs: State) => State>;
export type CallResults = Record<string, (inputs: State) => State>;
