// The contract between the mesh layer and the workloads that use it (Kafka): how a Service becomes reachable
// from the other clusters, what a namespace needs, and what to wait for. Same interface in both modes.
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Mesh } from "../../lib/types";
import type { RegionalCluster } from "../platform";

export interface ExportServiceArgs {
  cluster: RegionalCluster;
  namespace: pulumi.Input<string>;
  serviceName: pulumi.Input<string>;
  /** Resource name prefix for what the mesh creates (derive from the caller's name). */
  name: string;
  opts?: pulumi.CustomResourceOptions;
}

export interface MeshLayer {
  mode: Mesh;
  /**
   * Makes a Service of `cluster` reachable from the other clusters under the mesh's stable name:
   * a ServiceExport (multicluster.x-k8s.io/v1alpha1) with Submariner; nothing with Istio, where the per-node
   * Services exist in every cluster already. Returns what it created (empty when nothing is needed).
   */
  exportService(args: ExportServiceArgs): pulumi.Resource[];
  /** Labels the workload namespace needs in this mode (e.g. sidecar injection for Istio). */
  namespaceLabels: Record<string, string>;
  /** Per region index: resources workloads in that cluster must wait for (mesh installed, DNS wired). */
  readyIn(regionIndex: number): pulumi.Resource[];
  /**
   * Per region index: the pods through which other clusters' traffic enters that cluster, for NetworkPolicies, when
   * it does not come straight from the peers' pod addresses (Istio's east-west gateway with one network per cluster).
   * Absent or empty: peers connect from their own pod ranges.
   */
  crossClusterEntryPeers?(regionIndex: number): k8s.types.input.networking.v1.NetworkPolicyPeer[];
}
