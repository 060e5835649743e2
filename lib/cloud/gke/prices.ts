// Price catalog of stack gke (on-demand, Linux): every figure carries the source it was read from and the date of that source.
import type { CloudPriceCatalog, DiskPriceEntry, MachineTypeEntry } from "../../prices/types";

const CHECKED = "2026-11-22";

const GCP_PRICING_YML =
  "https://github.com/Cyclenerd/google-cloud-pricing-cost-calculator/blob/fd66b26ff84fee5cdd94f341ea89206e76c06b99/pricing.yml";
const GCP_PRICING_ASOF = "2026-07-30";
const GCP_BW_NOTE =
  "vcpus/memoryGiB from the same file; egressGbps = documented default per-VM egress cap, read in github.com/Cyclenerd/google-cloud-compute-machine-types instances/series/";

function gcpMachine(usd: number, vcpus: number, memoryGiB: number, egressGbps: number, series: string, extra?: string): MachineTypeEntry {
  return {
    usd,
    unit: "hour",
    vcpus,
    memoryGiB,
    egressGbps,
    source: GCP_PRICING_YML,
    asOf: GCP_PRICING_ASOF,
    note: `${GCP_BW_NOTE}${series}.sql (last changed 2023-05-08)${extra ? `; ${extra}` : ""}`,
  };
}

function gcpPdSsd(usd: number): DiskPriceEntry {
  return {
    capacity: {
      usd,
      unit: "GiB-month",
      source: GCP_PRICING_YML,
      asOf: GCP_PRICING_ASOF,
      note: "compute.storage.ssd (type pd-ssd), zonal",
    },
  };
}

const N2_4_NOTE = "documented default is 10 Gbps for 2- and 4-vCPU N2 shapes, not 2 Gbps x vCPUs";

export const GKE_PRICES: CloudPriceCatalog = {
  cloud: "gke",
  regions: {
    "us-east4": {
      machineTypes: {
        "n2-standard-4": gcpMachine(0.218756, 4, 16, 10, "n2", N2_4_NOTE),
        "n2-standard-8": gcpMachine(0.437512, 8, 32, 16, "n2"),
        "n2-standard-16": gcpMachine(0.875024, 16, 64, 32, "n2"),
        "e2-standard-4": gcpMachine(0.15094164, 4, 16, 8, "e2"),
      },
      disks: { "pd-ssd": gcpPdSsd(0.187) },
    },
    "us-central1": {
      machineTypes: {
        "n2-standard-4": gcpMachine(0.194236, 4, 16, 10, "n2", N2_4_NOTE),
        "n2-standard-8": gcpMachine(0.388472, 8, 32, 16, "n2"),
        "n2-standard-16": gcpMachine(0.776944, 16, 64, 32, "n2"),
        "e2-standard-4": gcpMachine(0.13402284, 4, 16, 8, "e2"),
      },
      disks: { "pd-ssd": gcpPdSsd(0.17) },
    },
    "us-west1": {
      machineTypes: {
        "n2-standard-4": gcpMachine(0.194236, 4, 16, 10, "n2", N2_4_NOTE),
        "n2-standard-8": gcpMachine(0.388472, 8, 32, 16, "n2"),
        "n2-standard-16": gcpMachine(0.776944, 16, 64, 32, "n2"),
        "e2-standard-4": gcpMachine(0.13402284, 4, 16, 8, "e2"),
      },
      disks: { "pd-ssd": gcpPdSsd(0.17) },
    },
  },
  controlPlane: {
    usd: 0.1,
    unit: "hour",
    source: "https://cloud.google.com/kubernetes-engine/pricing",
    asOf: CHECKED,
    note: "date of check, source undated; flat fee per cluster (regional or zonal); the $74.40/month free-tier credit per billing account covers one zonal or Autopilot cluster only and is not deducted here",
  },
  interRegion: {
    usd: 0.02,
    unit: "GiB",
    source: "https://github.com/Who-Visions/unk-app-ai/blob/main/docs/PRICING_BREAKDOWN.md",
    asOf: CHECKED,
    note: "unverified: the VM-VM inter-region table of cloud.google.com/vpc/network-pricing could not be read in the stored copies; 0.02 is the list price of SKU 8878-37D4-D2AC 'Network Data Transfer GCP Inter Region within Northern America' in a 2025 billing export (Cloud Storage service, which GCP prices like VM-VM inter-region); older price was 0.01; date of check, source undated",
  },
  interZone: {
    usd: 0.01,
    unit: "GiB",
    source: "https://raw.githubusercontent.com/api-evangelist/google-cloud-vpc/refs/heads/main/plans/google-cloud-vpc-plans-pricing.yml",
    asOf: "2026-09-20",
    note: "verbatim transcription of https://cloud.google.com/vpc/network-pricing read 2026-09-20: inter-zone VM-to-VM in one region $0.01/GiB; GCP charges egress at the sending VM only, so one crossing of 1 GiB costs 0.01 in total",
  },
  natHour: {
    usd: 0.044,
    unit: "hour",
    source: "https://cloud.google.com/nat/pricing",
    asOf: CHECKED,
    note: "date of check, source undated; per gateway: $0.0014 per VM-hour for up to 32 VMs, capped at $0.044/h above 32 VMs; this entry is the cap (upper bound); $0.005/h per NAT external IP is extra; pricing.yml (Cyclenerd) has 0.0448 = 32 x 0.0014",
  },
  natData: {
    usd: 0.045,
    unit: "GiB",
    source: "https://cloud.google.com/nat/pricing",
    asOf: CHECKED,
    note: "date of check, source undated; per GiB processed, inbound and outbound, same in all regions; also 0.045 in pricing.yml (Cyclenerd, 2026-07-30) for the three regions",
  },
};
