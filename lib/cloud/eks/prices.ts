// Price catalog of stack eks (on-demand, Linux). Instance prices of the regions in prices.generated.json (written by
// `npm run prices:generate` from pinned public sources, docs/prices.md) are generated; the rest below is kept by hand
// where no machine-readable source was found: instances in us-east-2 and us-west-2, io1, transfer, NAT, control plane.
import type { CloudPriceCatalog, DiskPriceEntry, MachineTypeEntry, RegionPrices } from "../../prices/types";
import { GeneratedPrices, mergeRegions, regionsFromGenerated } from "../../prices/generated";
import generated from "./prices.generated.json";

/** The generated instance prices (us-east-1 and GovCloud: the regions the machine-readable sources price). */
export const EKS_GENERATED: GeneratedPrices = generated as GeneratedPrices;

const CHECKED = "2026-11-22";

const SKYPILOT_AWS_VMS =
  "https://github.com/skypilot-org/skypilot-catalog/blob/00148f2af3672e2229b4f7bf8157d5a3f36e3c35/catalogs/v8/aws/vms.csv";

/** Regions whose instance prices are read by hand: no generator input prices them. */
type HandRegion = "us-east-2" | "us-west-2";

/**
 * A price read by hand; the shape and egress figures are the generated ones of the same type (they do not depend on
 * the region), so they are stated once.
 */
function awsMachine(region: HandRegion, machineType: string, usd: number): MachineTypeEntry {
  const shape = EKS_GENERATED.machineTypes[machineType];
  if (!shape) throw new Error(`eks prices: ${machineType} is not in prices.generated.json`);
  const { vcpus, memoryGiB, egressGbps, baselineEgressGbps } = shape;
  return {
    usd,
    unit: "hour",
    vcpus,
    memoryGiB,
    egressGbps,
    ...(baselineEgressGbps !== undefined ? { baselineEgressGbps } : {}),
    source: SKYPILOT_AWS_VMS,
    asOf: CHECKED,
    note: `read by hand from ${region}'s rows (this csv is not a generator input, docs/prices.md); date of check, the stored csv version carries no date; vcpus, memoryGiB and egress as in prices.generated.json: ${shape.bandwidthRule}`,
  };
}

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

function handRegion(region: HandRegion): RegionPrices {
  return {
    machineTypes: {
      "m5.xlarge": awsMachine(region, "m5.xlarge", 0.192),
      "m5.2xlarge": awsMachine(region, "m5.2xlarge", 0.384),
      "r5.2xlarge": awsMachine(region, "r5.2xlarge", 0.504),
      "r5.4xlarge": awsMachine(region, "r5.4xlarge", 1.008),
      "m6i.2xlarge": awsMachine(region, "m6i.2xlarge", 0.384),
    },
    disks: { io1: awsIo1(region) },
  };
}

/** Entries kept by hand, per region: taken only where the generated file has no entry of the same name. */
const BY_HAND: Record<string, RegionPrices> = {
  "us-east-1": { machineTypes: {}, disks: { io1: awsIo1("us-east-1") } },
  "us-east-2": handRegion("us-east-2"),
  "us-west-2": handRegion("us-west-2"),
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
