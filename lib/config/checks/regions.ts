// Checks of `regions`: three distinct regions named as the target names them, zones inside their region, cluster ids
// that are distinct DNS labels.
import { profileOf } from "../../cloud";
import { Problem, configPath, error } from "../../problems";
import type { Cloud } from "../../types";
import type { ParsedConfig } from "../schema";
import { REQUIRED_REGION_COUNT } from "../spec";

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** A region's cluster id when the config gives none. */
export function defaultClusterId(cloud: Cloud, region: string): string {
  return `${cloud}-${region}`;
}

export function checkRegions({ cloud, regions }: Partial<ParsedConfig>): Problem[] {
  if (!regions) return [];
  const problems: Problem[] = [];
  if (regions.length !== REQUIRED_REGION_COUNT) {
    problems.push(error(configPath("regions"), `must list exactly ${REQUIRED_REGION_COUNT} regions (found ${regions.length})`));
  }
  const seen = new Map<string, number>();
  const clusterIds = new Map<string, number>();
  regions.forEach((region, i) => {
    const first = seen.get(region.name);
    if (first !== undefined) {
      problems.push(error(configPath("regions", [i, "name"]), `duplicates regions[${first}] ("${region.name}")`));
    } else {
      seen.set(region.name, i);
    }
    const known = cloud ? profileOf(cloud).knownRegions : undefined;
    if (cloud && !known && !DNS_LABEL.test(region.name)) {
      problems.push(error(configPath("regions", [i, "name"]), `"${region.name}" is not a DNS label (it names resources and Kafka racks)`));
    }
    if (cloud && known && !known.names.includes(region.name)) {
      problems.push(
        error(
          configPath("regions", [i, "name"]),
          `"${region.name}" is not a ${cloud} region such as ${known.example} (the ${known.names.length} regions of ${known.source} as of ${known.asOf}, listed in lib/config/regions.ts)`,
        ),
      );
    }
    const zoneSeen = new Set<string>();
    region.zones.forEach((zone, z) => {
      if (cloud && !profileOf(cloud).zoneInRegion(zone, region.name)) {
        problems.push(error(configPath("regions", [i, "zones", z]), `zone "${zone}" is not in region ${region.name}`));
      }
      if (zoneSeen.has(zone)) problems.push(error(configPath("regions", [i, "zones", z]), `zone "${zone}" is listed twice`));
      zoneSeen.add(zone);
    });
    const clusterId = region.clusterId ?? (cloud ? defaultClusterId(cloud, region.name) : undefined);
    if (clusterId !== undefined) {
      if (!DNS_LABEL.test(clusterId)) {
        problems.push(
          error(
            configPath("regions", [i, "clusterId"]),
            `"${clusterId}" is not a DNS label (lower-case letters, digits and '-', at most 63)`,
          ),
        );
      }
      const other = clusterIds.get(clusterId);
      if (other !== undefined)
        problems.push(error(configPath("regions", [i, "clusterId"]), `duplicates the cluster id of regions[${other}]`));
      clusterIds.set(clusterId, i);
    }
  });
  return problems;
}
