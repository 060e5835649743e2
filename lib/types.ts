// Closed sets and small shared types used across lib/, components/ and stacks/.

/** Deployment targets: GKE, EKS, or three Kubernetes clusters that already exist (`existing`). */
export type Cloud = "gke" | "eks" | "existing";
export type Mesh = "submariner" | "istio";
/** Kafka log disks: pd-ssd (gke), io1 (eks), or whatever the configured StorageClass provisions (existing). */
export type DiskType = "pd-ssd" | "io1" | "storage-class";
export type Compression = "none" | "gzip" | "snappy" | "lz4" | "zstd";
export type Acks = "all" | "1" | "0";

export const CLOUDS = ["gke", "eks", "existing"] as const satisfies readonly Cloud[];
export const MESHES: readonly Mesh[] = ["submariner", "istio"];
export const COMPRESSIONS: readonly Compression[] = ["none", "gzip", "snappy", "lz4", "zstd"];

/**
 * How clusters map to Istio networks.
 * - `shared`: one network for all clusters. Sidecars connect straight to remote pod IPs, which needs pod addresses
 *   routable between the clusters. That holds here: GKE is VPC-native (pod ranges are subnet secondary ranges that
 *   VPC peering exchanges) and EKS's VPC CNI gives pods VPC addresses (with external SNAT, peers see them).
 * - `per-cluster`: one network per cluster; cross-cluster traffic goes through each cluster's east-west gateway.
 *   Needed only where pod addresses are not routable (overlapping ranges, overlay CNIs without peering routes).
 */
export type IstioNetworkModel = "shared" | "per-cluster";
