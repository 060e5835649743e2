// Checks on what the stack hands the mesh layer, before any mesh resource exists: every problem at once, each under
// the argument path it concerns (as pulumi.InputPropertiesError reports them).
import { profileOf } from "../cloud";
import type { Cloud, Mesh } from "../types";

export interface MeshArgsProblem {
  propertyPath: string;
  reason: string;
}

export interface MeshArgsShape {
  cloud: Cloud;
  mode: Mesh;
  /** Cluster ids of the spec's regions, in order. */
  specClusterIds: readonly string[];
  /** Cluster ids of the clusters handed over, in order. */
  clusterIds: readonly string[];
  /** How many API server endpoints were handed over. */
  apiServerEndpointCount: number;
  /** Whether a clusterset DNS hook was given. */
  hasClustersetDnsHook: boolean;
}

export function meshArgsProblems(args: MeshArgsShape): MeshArgsProblem[] {
  const problems: MeshArgsProblem[] = [];
  if (args.clusterIds.length !== args.specClusterIds.length) {
    problems.push({
      propertyPath: "clusters",
      reason: `needs one cluster per region (${args.specClusterIds.length}), got ${args.clusterIds.length}`,
    });
  } else {
    args.clusterIds.forEach((id, i) => {
      if (id !== args.specClusterIds[i]) {
        problems.push({
          propertyPath: `clusters[${i}]`,
          reason: `is cluster "${id}" but region ${i} of the spec is "${args.specClusterIds[i]}"; keep the spec's region order`,
        });
      }
    });
  }
  if (args.apiServerEndpointCount !== args.specClusterIds.length) {
    problems.push({
      propertyPath: "apiServerEndpoints",
      reason: `needs one API server endpoint per region (${args.specClusterIds.length}), got ${args.apiServerEndpointCount}`,
    });
  }
  const network = profileOf(args.cloud).mesh;
  if (args.mode === "submariner" && network.submarinerUnsupported !== undefined) {
    problems.push({ propertyPath: "spec.mesh.mode", reason: `${network.submarinerUnsupported}; use istio` });
  }
  if (args.mode === "submariner" && network.clustersetDnsHookRequired && !args.hasClustersetDnsHook) {
    problems.push({
      propertyPath: "configureClustersetDns",
      reason: `${args.cloud}'s cluster DNS forwards clusterset.local to Lighthouse only through a stub domain; pass the DNS hook`,
    });
  }
  return problems;
}
