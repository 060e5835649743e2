// Checks of `kafka`: counts, durability (RF, min.insync.replicas, acks), partitions over the regions, topics, and the
// disk against its target and its type's limits.
import { profileOf } from "../../cloud";
import { io1DiskProblems } from "../../cloud/eks/checks";
import { storageClassDiskProblems } from "../../cloud/existing/checks";
import { pdSsdDiskProblems } from "../../cloud/gke/checks";
import type { KafkaDiskConfig } from "../../cloud/profile";
import { Problem, configPath, error, warning } from "../../problems";
import type { DiskType } from "../../types";
import type { ParsedConfig } from "../schema";
import { REQUIRED_REGION_COUNT } from "../spec";

type DiskRules = (disk: KafkaDiskConfig) => Problem[];

/** Size and IOPS rules per disk type, whichever target names it (a wrong target is its own error). */
const DISK_RULES: Record<DiskType, DiskRules> = {
  "pd-ssd": pdSsdDiskProblems,
  io1: io1DiskProblems,
  "storage-class": storageClassDiskProblems,
};

export function checkKafka({ cloud, regions, kafka }: Partial<ParsedConfig>): Problem[] {
  if (!kafka) return [];
  const problems: Problem[] = [];
  const path = (...segments: Array<string | number>) => configPath("kafka", segments);
  const regionCount = regions?.length ?? REQUIRED_REGION_COUNT;

  if (kafka.brokersPerRegion < 1) problems.push(error(path("brokersPerRegion"), `must be at least 1 (found ${kafka.brokersPerRegion})`));
  if (kafka.controllersPerRegion < 1)
    problems.push(
      error(
        path("controllersPerRegion"),
        `must be at least 1 so the quorum survives losing a region (found ${kafka.controllersPerRegion})`,
      ),
    );
  if (kafka.replicationFactor > regionCount) {
    problems.push(
      error(
        path("replicationFactor"),
        `${kafka.replicationFactor} is above the number of regions (${regionCount}); rack = region allows one replica per region`,
      ),
    );
  }
  if (kafka.minInsyncReplicas > kafka.replicationFactor - 1) {
    problems.push(
      error(
        path("minInsyncReplicas"),
        `must be between 1 and replicationFactor - 1 = ${kafka.replicationFactor - 1} so writes continue when a region is lost (found ${kafka.minInsyncReplicas})`,
      ),
    );
  } else if (kafka.minInsyncReplicas === 1) {
    problems.push(warning(path("minInsyncReplicas"), "1 acknowledges writes held by a single region; losing it loses them"));
  }
  if (kafka.producer.acks !== "all") {
    problems.push(
      warning(
        path("producer", "acks"),
        `acks=${kafka.producer.acks} does not wait for min.insync.replicas; acknowledged writes can be lost`,
      ),
    );
  }
  if (kafka.brokersPerRegion >= 1 && kafka.replicationFactor <= regionCount && kafka.defaultPartitions % regionCount !== 0) {
    problems.push(
      warning(
        path("defaultPartitions"),
        `${kafka.defaultPartitions} is not a multiple of ${regionCount}; leaders cannot spread evenly over the regions`,
      ),
    );
  }

  kafka.topics.forEach((topic, i) => {
    const rf = topic.replicationFactor ?? kafka.replicationFactor;
    if (rf > regionCount) {
      problems.push(
        error(
          path("topics", i, "replicationFactor"),
          `${rf} is above the number of regions (${regionCount}); rack = region allows one replica per region`,
        ),
      );
    } else if (rf <= kafka.minInsyncReplicas) {
      problems.push(
        error(
          path("topics", i, "replicationFactor"),
          `${rf} leaves no room to lose a region with min.insync.replicas=${kafka.minInsyncReplicas}`,
        ),
      );
    }
  });

  if (cloud) {
    const allowed = profileOf(cloud).diskTypes;
    if (!(allowed as readonly string[]).includes(kafka.disk.type)) {
      problems.push(error(path("disk", "type"), `"${kafka.disk.type}" is not a disk type for ${cloud}; use ${allowed.join(" or ")}`));
    }
  }
  const diskRules = DISK_RULES[kafka.disk.type as DiskType] as DiskRules | undefined;
  if (diskRules) problems.push(...diskRules(kafka.disk));
  return problems;
}
