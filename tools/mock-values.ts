// Deterministic answers the mocks give for computed outputs and provider functions.
// Every value is visibly a placeholder ("mock:..."), never something that could pass for a real one.

type State = Record<string, unknown>;

/** Computed outputs per type token that programs read back from resources. */
const COMPUTED: Record<string, (name: string, inputs: State) => State> = {
  "gcp:container/cluster:Cluster": (name) => ({
    endpoint: `mock-endpoint.${name}.invalid`,
    masterAuth: { clusterCaCertificate: `mock:ca:${name}` },
  }),
  "aws:eks/cluster:Cluster": (name) => ({
    endpoint: `https://mock-endpoint.${name}.invalid`,
    certificateAuthority: { data: `mock:ca:${name}` },
    arn: `arn:aws:eks:mock:000000000000:cluster/${name}`,
  }),
};

export function mockState(type: string, name: string, inputs: State): State {
  const computed = COMPUTED[type]?.(name, inputs) ?? {};
  return { ...inputs, ...computed };
}

/** Results of provider functions (invokes) the program calls. */
const CALLS: Record<string, (inputs: State) => State> = {
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: "000000000000",
    arn: "arn:aws:iam::000000000000:user/mock",
    userId: "mock",
  }),
  "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com" }),
};

export function mockCall(token: string, inputs: State): State {
  return CALLS[token]?.(inputs) ?? {};
}
