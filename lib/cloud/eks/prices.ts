// Price catalog of stack eks (on-demand, Linux): every figure carries the source it was read from and the date of that source.
import type { CloudPriceCatalog, DiskPriceEntry, MachineTypeEntry, RegionPrices } from "../../prices/types";

const CHECKED = "2026-11-22";

const KARPENTER_PRICES_USE1 =
  "https://github.com/aws/karpenter-provider-aws/blob/6fc13b5236fd04fd16ff3f9dc7490d0813994099/pkg/providers/pricing/zz_generated.pricing_aws.go";
const KARPENTER_PRICES_ASOF = "2026-07-20";
const SKYPILOT_AWS_VMS =
  "https://github.com/skypilot-org/skypilot-catalog/blob/00148f2af3672e2229b4f7bf8157d5a3f36e3c35/catalogs/v8/aws/vms.csv";
const AWS_BW_GP =
  "bandwidth baseline/burst from github.com/aws/karpenter-provider-aws hack/code/bandwidth_gen/example/gp.html (AWS instance-types guide snapshot, 2024-05-02)";
const AWS_BW_MO =
  "baseline from github.com/aws/karpenter-provider-aws pkg/providers/instancetype/zz_generated.bandwidth.go (2026-08-18); burst ceiling 10 unverified: AWS memory-optimized network table not found in stored sources";

function awsMachine(
  region: "us-east-1" | "us-east-2" | "us-west-2",
  usd: number,
  vcpus: number,
  memoryGiB: number,
  egressGbps: number,
  baselineEgressGbps: number,
  bwNote: string,
): MachineTypeEntry {
  const east1 = region === "us-east-1";
  return {
    usd,
    unit: "hour",
    vcpus,
    memoryGiB,
    egressGbps,
    baselineEgressGbps,
    source: east1 ? KARPENTER_PRICES_USE1 : SKYPILOT_AWS_VMS,
    asOf: east1 ? KARPENTER_PRICES_ASOF : CHECKED,
    note: east1
      ? `same price in github.com/skypilot-org/skypilot-catalog catalogs/v8/aws/vms.csv; vcpus/memoryGiB from that csv; ${bwNote}`
      : `date of check, stored csv version carries no date; vcpus/memoryGiB from the same csv; ${bwNote}`,
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

function awsRegion(region: "us-east-1" | "us-east-2" | "us-west-2"): RegionPrices {
  return {
    machineTypes: {
      "m5.xlarge": awsMachine(region, 0.192, 4, 16, 10, 1.25, AWS_BW_GP),
      "m5.2xlarge": awsMachine(region, 0.384, 8, 32, 10, 2.5, AWS_BW_GP),
      "r5.2xlarge": awsMachine(region, 0.504, 8, 64, 10, 2.5, AWS_BW_MO),
      "r5.4xlarge": awsMachine(region, 1.008, 16, 128, 10, 5, AWS_BW_MO),
      "m6i.2xlarge": awsMachine(region, 0.384, 8, 32, 12.5, 3.125, `'up to 12.5 Gigabit', not 10; ${AWS_BW_GP}`),
    },
    disks: { io1: awsIo1(region) },
  };
}

export const EKS_PRICES: CloudPriceCatalog = {
  cloud: "eks",
  regions: {
    "us-east-1": awsRegion("us-east-1"),
    "us-east-2": awsRegion("us-east-2"),
    "us-west-2": awsRegion("us-west-2"),
  },
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
