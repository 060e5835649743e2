// Closed sets and small shared types used across lib/, components/ and stacks/.

export type Cloud = "gke" | "eks";
export type Mesh = "submariner" | "istio";
export type DiskType = "pd-ssd" | "io1";
export type Compression = "none" | "gzip" | "snappy" | "lz4" | "zstd";
export type Acks = "all" | "1" | "0";

export const CLOUDS: readonly Cloud[] = ["gke", "eks"];
export const MESHES: readonly Mesh[] = ["submariner", "istio"];
export const COMPRESSIONS: readonly Compression[] = ["none", "gzip", "snappy", "lz4", "zstd"];

/** Disk types this project provisions for Kafka logs, per cloud. */
export const DISK_TYPES_BY_CLOUD: Record<Cloud, readonly DiskType[]> = {
  gke: ["pd-ssd"],
  eks: ["io1"],
};
