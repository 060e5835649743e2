// Checks on what the stack hands the mesh layer, before any mesh resource exists: every problem at once, each under
// the argument path it concerns (as pulumi.InputPropertiesError reports them).
import type { Mesh } from "../types";

export interface MeshArgsProblem {
  propertyPath: string;
  reason: string;
}

/** What the clusters' network means for the mesh: a target profile's `mesh` facts (lib/cloud/profile.ts). */
export interface MeshNetworkFacts {
  /** Why Submariner cannot run on these clusters' CNI; undefined where it can. */
  submarinerUnsupported?: string;
  /** Whether the cluster DNS needs a hook to forward clusterset.local to Lighthouse (kube-dns has no CoreDNS forward). */
  clustersetDnsHookRequired: boolean;
}

export interface MeshArgsShape {
  mode: Mesh;
  network: MeshNetworkFacts;
  /** Region index of each cluster handed over, in order. */
  clusterRegionIndexes: readonly number[];
  /** Cluster ids of the clusters handed over, in order. */
  clusterIds: readonly string[];
  /** How many API server endpoints were handed over. */
  apiServerEndpointCount: number;
  /** Whether a clusterset DNS hook was given. */
  hasClustersetDnsHook: boolean;
}

export function meshArgsProblems(args: MeshArgsShape): MeshArgsProblem[] {
  const problems: MeshArgsProblem[] = [];
  if (args.clusterIds.length < 2) {
    problems.push({ propertyPath: "clusters", reason: `a mesh joins at least two clusters, got ${args.clusterIds.length}` });
  }
  args.clusterRegionIndexes.forEach((index, i) => {
    if (index !== i) {
      problems.push({
        propertyPath: `clusters[${i}]`,
        reason: `is cluster "${args.clusterIds[i]}" of region ${index}; keep the regions' order (the first hosts the Submariner broker)`,
      });
    }
  });
  if (args.apiServerEndpointCount !== args.clusterIds.length) {
    problems.push({
      propertyPath: "apiServerEndpoints",
      reason: `needs one API server endpoint per cluster (${args.clusterIds.length}), got ${args.apiServerEndpointCount}`,
    });
  }
  if (args.mode === "submariner" && args.network.submarinerUnsupported !== undefined) {
    problems.push({ propertyPath: "mode", reason: `${args.network.submarinerUnsupported}; use istio` });
  }
  if (args.mode === "submariner" && args.network.clustersetDnsHookRequired && !args.hasClustersetDnsHook) {
    problems.push({
      propertyPath: "configureClustersetDns",
      reason: "the clusters' DNS forwards clusterset.local to Lighthouse only through a stub domain; pass the DNS hook",
    });
  }
  return problems;
}
