// The checks only stack gke needs, run before anything is created: pd-ssd sizes, the GCP project, and GKE's limit on
// cluster names.
import type { ParsedConfig } from "../../config/schema";
import type { GkeStackSpec } from "../../config/spec";
import type { KafkaDiskConfig } from "../profile";
import { Problem, configPath, error } from "../../problems";
import { GKE_CLUSTER_NAME_MAX } from "./node-plan";

export const PD_SSD_SIZE_GIB = { min: 10, max: 65_536 };

/** pd-ssd size; its performance follows the size, so provisioned IOPS are refused. */
export function pdSsdDiskProblems({ sizeGiB, iopsPerGiB }: KafkaDiskConfig): Problem[] {
  const problems: Problem[] = [];
  const path = (...segments: string[]) => configPath("kafka", ["disk", ...segments]);
  if (sizeGiB < PD_SSD_SIZE_GIB.min || sizeGiB > PD_SSD_SIZE_GIB.max) {
    problems.push(error(path("sizeGiB"), `pd-ssd disks are ${PD_SSD_SIZE_GIB.min} to ${PD_SSD_SIZE_GIB.max} GiB (found ${sizeGiB})`));
  }
  if (iopsPerGiB !== undefined) {
    problems.push(error(path("iopsPerGiB"), "pd-ssd performance follows its size; provisioned IOPS apply to io1 only"));
  }
  return problems;
}

/** The GCP project is required. */
export function gkeConfigProblems({ gcp }: Partial<ParsedConfig>): Problem[] {
  return gcp === undefined ? [error(configPath("gcp", ["project"]), "stack gke needs the GCP project id")] : [];
}

/** GKE cluster names (the cluster ids) are at most GKE_CLUSTER_NAME_MAX characters. */
export function gkeSpecProblems(spec: Pick<GkeStackSpec, "regions">): Problem[] {
  const problems: Problem[] = [];
  spec.regions.forEach((region, i) => {
    if (region.clusterId.length > GKE_CLUSTER_NAME_MAX) {
      problems.push(
        error(
          configPath("regions", [i, "clusterId"]),
          `GKE cluster names are at most ${GKE_CLUSTER_NAME_MAX} characters ("${region.clusterId}" has ${region.clusterId.length})`,
        ),
      );
    }
  });
  return problems;
}
