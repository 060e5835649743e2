// The mesh layer's entry point for the stacks: one call that picks Submariner or Istio from the stack config and
// returns the same MeshLayer contract either way.
import * as pulumi from "@pulumi/pulumi";
import { SUBMARINER_BROKER_INDEX } from "../../lib/mesh/access";
import { DEFAULT_MESH_ID, IstioNetworkModel } from "../../lib/mesh/istio";
import { MeshNetworkFacts, meshArgsProblems } from "../../lib/mesh/validate";
import type { Mesh } from "../../lib/types";
import type { RegionalCluster } from "../platform";
import { IstioMesh } from "./istio";
import { ClustersetDnsHook, SubmarinerMesh } from "./submariner";
import type { MeshLayer } from "./types";

export { IstioMesh } from "./istio";
export { SubmarinerMesh } from "./submariner";
export type { ClustersetDnsHook } from "./submariner";

export interface CreateMeshArgs {
  /** `submariner` (service discovery with Lighthouse, no gateway) or `istio` (multi-primary, STRICT mTLS). Required. */
  mode: Mesh;
  /**
   * What the clusters' network allows: the target profile's `mesh` facts (Submariner support, whether the cluster DNS
   * needs the clusterset.local hook). Required.
   */
  network: MeshNetworkFacts;
  /** One cluster per region, in region order (the first hosts the Submariner broker). Required, at least two. */
  clusters: RegionalCluster[];
  /**
   * Per region, that cluster's API server as the other clusters reach it (`host`, `host:port` or an https URL):
   * Submariner members use the first one to reach the broker, each istiod uses the others' for its remote secrets.
   */
  apiServerEndpoints: pulumi.Input<string>[];
  /** Submariner only: wires clusterset.local to Lighthouse in a cluster. Required on gke (kube-dns); unused by Istio. */
  configureClustersetDns?: ClustersetDnsHook;
  /**
   * Istio only: one network for all clusters (`shared`: pod addresses route between them) or one per cluster with
   * east-west gateways (`per-cluster`). Default `shared`; the stacks pass their profile's (`istioNetworkModelOf`).
   */
  istioNetworkModel?: IstioNetworkModel;
}

/** Creates the stack's mesh, `geo-kafka:mesh:SubmarinerMesh` or `geo-kafka:mesh:IstioMesh`, named `name`. */
export function createMesh(
  name: string,
  args: CreateMeshArgs,
  opts?: pulumi.ComponentResourceOptions,
): MeshLayer & pulumi.ComponentResource {
  const problems = meshArgsProblems({
    mode: args.mode,
    network: args.network,
    clusterRegionIndexes: args.clusters.map((c) => c.region.index),
    clusterIds: args.clusters.map((c) => c.region.clusterId),
    apiServerEndpointCount: args.apiServerEndpoints.length,
    hasClustersetDnsHook: args.configureClustersetDns !== undefined,
  });
  if (problems.length > 0) throw new pulumi.InputPropertiesError({ message: "invalid mesh arguments", errors: problems });

  switch (args.mode) {
    case "submariner":
      return new SubmarinerMesh(
        name,
        {
          clusters: args.clusters,
          brokerIndex: SUBMARINER_BROKER_INDEX,
          brokerApiServer: args.apiServerEndpoints[0],
          ...(args.configureClustersetDns ? { configureClustersetDns: args.configureClustersetDns } : {}),
        },
        opts,
      );
    case "istio":
      return new IstioMesh(
        name,
        {
          clusters: args.clusters,
          apiServerEndpoints: args.apiServerEndpoints,
          meshId: DEFAULT_MESH_ID,
          networkModel: args.istioNetworkModel ?? "shared",
        },
        opts,
      );
  }
}
