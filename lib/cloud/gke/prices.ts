// Price catalog of stack gke (on-demand, Linux). Machine types and pd-ssd come from prices.generated.json, written by
// `npm run prices:generate` from pinned public sources (docs/prices.md); the cloud-wide entries below have no
// machine-readable source and are kept by hand, each with the page it was read on and its date.
import type { CloudPriceCatalog } from "../../prices/types";
import { GeneratedPrices, regionsFromGenerated } from "../../prices/generated";
import generated from "./prices.generated.json";

const CHECKED = "2026-11-22";

/** The generated machine and disk prices (every region the source prices, for the kept families). */
export const GKE_GENERATED: GeneratedPrices = generated as GeneratedPrices;

export const GKE_PRICES: CloudPriceCatalog = {
  cloud: "gke",
  regions: regionsFromGenerated(GKE_GENERATED),
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
