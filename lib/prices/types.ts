// Shapes of the price catalog: every number carries its source and the date it was checked.
import type { Cloud } from "../types";

/** One price with its provenance. */
export interface PriceEntry {
  /** US dollars per `unit`. */
  usd: number;
  unit: "hour" | "GiB-month" | "GB-month" | "IOPS-month" | "GiB" | "GB";
  /** Where the number was read (a public pricing page or API document). */
  source: string;
  /** ISO date (YYYY-MM-DD) on which the source was read. */
  asOf: string;
  note?: string;
}

/** A VM shape: its on-demand price plus what the capacity model needs. */
export interface MachineTypeEntry extends PriceEntry {
  unit: "hour";
  vcpus: number;
  memoryGiB: number;
  /** Documented maximum egress bandwidth of one VM, Gbit/s ("up to" figures are taken as the ceiling). */
  egressGbps: number;
  /** Documented sustained baseline where it differs from the burst ceiling (AWS "up to" shapes). */
  baselineEgressGbps?: number;
}

export interface DiskPriceEntry {
  /** Capacity price. */
  capacity: PriceEntry;
  /** Provisioned-IOPS price where the disk type charges for IOPS (io1). */
  iops?: PriceEntry;
}

/** Prices of one cloud region. */
export interface RegionPrices {
  machineTypes: Record<string, MachineTypeEntry>;
  disks: Record<string, DiskPriceEntry>;
}

/** The catalog of one cloud. Transfer and control-plane prices are the same in every catalogued region. */
export interface CloudPriceCatalog {
  cloud: Cloud;
  regions: Record<string, RegionPrices>;
  /** Managed Kubernetes control plane, per cluster. */
  controlPlane: PriceEntry;
  /** Data moved between two catalogued regions, per unit of data, charged once per transfer. */
  interRegion: PriceEntry;
  /** Data moved between zones of one region, per unit of data, counting both directions as the cloud bills them. */
  interZone: PriceEntry;
  /** NAT gateway hourly charge. */
  natHour: PriceEntry;
  /** NAT data processing charge. */
  natData: PriceEntry;
}
