// Price catalog of stack eks (on-demand, Linux). Instance prices of every region in prices.generated.json (written by
// `npm run prices:generate` from pinned public sources, docs/prices.md) are generated; the rest below is kept by hand
// where no machine-readable source was found: io1, transfer, NAT, control plane.
import type { CloudPriceCatalog, DiskPriceEntry, RegionPrices } from "../../prices/types";
import { GeneratedPrices, mergeRegions, regionsFromGenerated } from "../../prices/generated";
import generated from "./prices.generated.json";

/** The generated instance prices, per region (the regions the machine-readable sources price; docs/prices.md). */
export const EKS_GENERATED: GeneratedPrices = generated as GeneratedPrices;

const CHECKED = "2026-11-22";

function awsIo1(region: "us-east-1" | "us-east-2" | "us-west-2"): DiskPriceEntry {
  const source =
    "https://github.com/aws/agent-toolkit-for-aws/blob/c3ed514885e41bac10456c478c07b28d0fb02cb6/skills/core-skills/aws-billing-and-cost-management/references/ebs-optimization.md";
  if (region === "us-east-1") {
    return {
      capacity: {
        usd: 0.125,
        unit: "GB-month",
        source,
        asOf: "2026-05-11",
        note: "'$0.125/GB + $0.065/PIOPS in us-east-1', stated as approximate as of early 2026",
      },
      iops: {
        usd: 0.065,
        unit: "IOPS-month",
        source,
        asOf: "2026-05-11",
        note: "'$0.125/GB + $0.065/PIOPS in us-east-1', stated as approximate as of early 2026",
      },
    };
  }
  return {
    capacity: {
      usd: 0.125,
      unit: "GB-month",
      source: "https://gist.github.com/chicagobuss/87bdbe2b4323efc18fff3591a68ee425",
      asOf: "2019-08-02",
      note: `unverified: no current ${region} price read; this 2019 table gives io1 0.125 in us-east-1, us-east-2 and us-west-2 alike`,
    },
    iops: {
      usd: 0.065,
      unit: "IOPS-month",
      source,
      asOf: "2026-05-11",
      note: `unverified: only the us-east-1 figure was read; ${region} assumed equal to us-east-1`,
    },
  };
}

/** Entries kept by hand, per region: taken only where the generated file has no entry of the same name. */
const BY_HAND: Record<string, RegionPrices> = {
  "us-east-1": { machineTypes: {}, disks: { io1: awsIo1("us-east-1") } },
  "us-east-2": { machineTypes: {}, disks: { io1: awsIo1("us-east-2") } },
  "us-west-2": { machineTypes: {}, disks: { io1: awsIo1("us-west-2") } },
};

export const EKS_PRICES: CloudPriceCatalog = {
  cloud: "eks",
  regions: mergeRegions(regionsFromGenerated(EKS_GENERATED), BY_HAND),
  controlPlane: {
    usd: 0.1,
    unit: "hour",
    source:
      "https://github.com/aws/agent-toolkit-for-aws/blob/c3ed514885e41bac10456c478c07b28d0fb02cb6/skills/core-skills/aws-billing-and-cost-management/references/service-optimization.md",
    asOf: "2026-05-11",
    note: "standard support; extended support is $0.60/h in total (aws.amazon.com/blogs/containers/amazon-eks-extended-support-for-kubernetes-versions-pricing)",
  },
  interRegion: {
    usd: 0.02,
    unit: "GB",
    source:
      "https://github.com/skyplane-project/skyplane/blob/4602d9cec2083142831f7f208b413ca2bf091bd8/skyplane/data/aws_transfer_costs.csv",
    asOf: "2023-04-27",
    note: "charged once, at the sending region; 0.02 for us-east-1<->us-west-2 and us-east-2<->us-west-2, but us-east-1<->us-east-2 is 0.01, so this entry overstates that pair",
  },
  interZone: {
    usd: 0.02,
    unit: "GB",
    source: "https://www.duckbillgroup.com/blog/aws-cross-az-data-transfer-costs-more-than-aws-says/",
    asOf: CHECKED,
    note: "counted as $0.01/GB billed to the sender plus $0.01/GB billed to the receiver for the same GB, so one crossing of 1 GB costs 0.02 in total (AWS on-demand pricing: 'charged at $0.01/GB in each direction'); date of check, source undated",
  },
  natHour: {
    usd: 0.045,
    unit: "hour",
    source: "https://raw.githubusercontent.com/api-evangelist/amazon-vpc/refs/heads/main/plans/amazon-vpc-plans-pricing.yml",
    asOf: "2026-09-20",
    note: "verbatim transcription of https://aws.amazon.com/vpc/pricing/ read 2026-09-20 (US East Ohio example); per NAT gateway (one per AZ in the usual layout)",
  },
  natData: {
    usd: 0.045,
    unit: "GB",
    source: "https://raw.githubusercontent.com/api-evangelist/amazon-vpc/refs/heads/main/plans/amazon-vpc-plans-pricing.yml",
    asOf: "2026-09-20",
    note: "verbatim transcription of https://aws.amazon.com/vpc/pricing/ read 2026-09-20 (US East Ohio example); per GB processed",
  },
};
