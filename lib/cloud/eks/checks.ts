// The checks only stack eks needs, run before anything is created: io1 volume limits, VPC and service-range sizes,
// availability zones and subnet plans, and what the AWS VPC CNI cannot carry.
import { ClusterRanges, RFC1918_RANGES, cidr, insideAny } from "../../cidr";
import type { ParsedConfig } from "../../config/schema";
import type { EksStackSpec } from "../../config/spec";
import type { KafkaDiskConfig } from "../profile";
import { Problem, configPath, error, warning } from "../../problems";
import { EKS_MIN_ZONES, tryPlanVpcSubnets } from "./network";

/** Why the mesh cannot be Submariner on eks. */
export const EKS_SUBMARINER_UNSUPPORTED = "submariner does not support the AWS VPC CNI that EKS nodes use (submariner-io/submariner#2265)";

/** io1 limits: 50 provisioned IOPS per GiB, 64,000 per volume, 4-16,384 GiB, at least 100 IOPS. */
export const IO1_MAX_IOPS_PER_GIB = 50;
export const IO1_MAX_IOPS_PER_VOLUME = 64_000;
export const IO1_MIN_IOPS = 100;
export const IO1_SIZE_GIB = { min: 4, max: 16_384 };

/** io1 volume size and provisioned IOPS. */
export function io1DiskProblems({ sizeGiB, iopsPerGiB }: KafkaDiskConfig): Problem[] {
  const problems: Problem[] = [];
  const path = (...segments: string[]) => configPath("kafka", ["disk", ...segments]);
  if (sizeGiB < IO1_SIZE_GIB.min || sizeGiB > IO1_SIZE_GIB.max) {
    problems.push(error(path("sizeGiB"), `io1 volumes are ${IO1_SIZE_GIB.min} to ${IO1_SIZE_GIB.max} GiB (found ${sizeGiB})`));
  }
  if (iopsPerGiB === undefined) {
    problems.push(error(path("iopsPerGiB"), "io1 needs provisioned IOPS: set iopsPerGiB (at most 50)"));
    return problems;
  }
  if (iopsPerGiB > IO1_MAX_IOPS_PER_GIB) {
    problems.push(error(path("iopsPerGiB"), `io1 allows at most ${IO1_MAX_IOPS_PER_GIB} IOPS per GiB (found ${iopsPerGiB})`));
  }
  const iops = Math.round(iopsPerGiB * sizeGiB);
  if (iops > IO1_MAX_IOPS_PER_VOLUME) {
    problems.push(
      error(
        path("iopsPerGiB"),
        `${iopsPerGiB} IOPS/GiB x ${sizeGiB} GiB = ${iops} IOPS, above io1's ${IO1_MAX_IOPS_PER_VOLUME} per volume`,
      ),
    );
  } else if (iops < IO1_MIN_IOPS) {
    problems.push(error(path("iopsPerGiB"), `${iops} IOPS is below io1's minimum of ${IO1_MIN_IOPS}`));
  }
  return problems;
}

/** AWS limits: a VPC block is /16 to /28; the EKS service range is RFC 1918, /12 to /24. */
export function eksRangeProblems(clusters: readonly ClusterRanges[]): Problem[] {
  const problems: Problem[] = [];
  clusters.forEach((c, i) => {
    const node = cidr(c.nodeCidr);
    if (node.prefixLength < 16 || node.prefixLength > 28) {
      problems.push(
        error(
          configPath("regions", [i, "nodeCidr"]),
          `${c.nodeCidr} cannot be a VPC range: AWS allows /16 to /28 (set it, or network.nodePrefixLength)`,
        ),
      );
    }
    const service = cidr(c.serviceCidr);
    if (service.prefixLength < 12 || service.prefixLength > 24 || !insideAny(RFC1918_RANGES, service)) {
      problems.push(
        error(
          configPath("regions", [i, "serviceCidr"]),
          `${c.serviceCidr} cannot be an EKS service range: it must be /12 to /24 inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`,
        ),
      );
    }
  });
  return problems;
}

/** Keys of other targets, and the mesh the AWS VPC CNI cannot carry. */
export function eksConfigProblems({ gcp, mesh }: Partial<ParsedConfig>): Problem[] {
  const problems: Problem[] = [];
  if (mesh?.mode === "submariner") {
    problems.push(error(configPath("mesh", ["mode"]), `${EKS_SUBMARINER_UNSUPPORTED}; use istio on eks`));
  }
  if (gcp !== undefined) problems.push(warning(configPath("gcp"), "is ignored on eks"));
  return problems;
}

/** Availability zones, subnet plans and the EBS CSI driver's integer IOPS, on the typed spec. */
export function eksSpecProblems(spec: Pick<EksStackSpec, "regions" | "kafka">): Problem[] {
  const problems: Problem[] = [];
  spec.regions.forEach((region, i) => {
    if (region.zones.length < EKS_MIN_ZONES) {
      problems.push(
        error(
          configPath("regions", [i, "zones"]),
          `EKS needs subnets in at least ${EKS_MIN_ZONES} availability zones (found ${region.zones.length})`,
        ),
      );
    }
    const plan = tryPlanVpcSubnets(region.nodeCidr, region.zones);
    if (!plan.ok) problems.push(error(configPath("regions", [i, "nodeCidr"]), plan.message));
  });
  const iopsPerGiB = spec.kafka.disk.iopsPerGiB;
  if (iopsPerGiB !== undefined && !Number.isInteger(iopsPerGiB)) {
    problems.push(
      error(
        configPath("kafka", ["disk", "iopsPerGiB"]),
        `must be a whole number on eks: the EBS CSI driver parses the StorageClass iopsPerGB as an integer (found ${iopsPerGiB})`,
      ),
    );
  }
  return problems;
}
