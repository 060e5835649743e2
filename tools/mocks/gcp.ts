// Mock computed outputs and invoke results for gcp resources: what the GKE stack reads back from GCP (self links,
// names GCP would generate, the control plane endpoint and CA, the node service account's e-mail).
import type { CallResults, ComputedOutputs, State } from "./index";

/** The physical name: the one given, else a placeholder in place of Pulumi's auto-name. */
function physicalName(name: string, inputs: State): string {
  return typeof inputs.name === "string" ? inputs.name : `mock-${name}`;
}

function selfLink(kind: string, name: string, inputs: State): string {
  return `mock-self-link:${kind}/${physicalName(name, inputs)}`;
}

export const computed: ComputedOutputs = {
  "gcp:compute/network:Network": (name, inputs) => ({
    name: physicalName(name, inputs),
    selfLink: selfLink("networks", name, inputs),
  }),
  "gcp:compute/subnetwork:Subnetwork": (name, inputs) => ({
    name: physicalName(name, inputs),
    selfLink: selfLink("subnetworks", name, inputs),
  }),
  "gcp:compute/router:Router": (name, inputs) => ({
    name: physicalName(name, inputs),
    selfLink: selfLink("routers", name, inputs),
  }),
  "gcp:compute/networkPeering:NetworkPeering": () => ({ state: "mock-state" }),
  "gcp:compute/address:Address": (name, inputs) => ({
    name: physicalName(name, inputs),
    selfLink: selfLink("addresses", name, inputs),
    address: `mock-address:${name}`,
  }),
  "gcp:container/cluster:Cluster": (name, inputs) => ({
    name: physicalName(name, inputs),
    selfLink: selfLink("clusters", name, inputs),
    endpoint: `mock-endpoint.${name}.invalid`,
    masterAuth: {
      ...((inputs.masterAuth as State | undefined) ?? {}),
      clusterCaCertificate: Buffer.from(`mock-ca-certificate:${name}`).toString("base64"),
    },
  }),
  "gcp:container/nodePool:NodePool": (name, inputs) => ({
    name: typeof inputs.namePrefix === "string" ? `${inputs.namePrefix}mock` : physicalName(name, inputs),
  }),
  "gcp:serviceaccount/account:Account": (name, inputs) => {
    const accountId = typeof inputs.accountId === "string" ? inputs.accountId : `mock-${name}`;
    return { email: `${accountId}@mock-project.iam.gserviceaccount.invalid`, name: `mock-service-account:${accountId}` };
  },
};
export const calls: CallResults = {};
