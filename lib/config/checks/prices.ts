// Checks of `prices` against what the stack uses: every machine type and disk needs a catalog price or an override.
import { profileOf } from "../../cloud";
import { isKnownRegion } from "../regions";
import { diskPrices, machineTypePrice } from "../../prices";
import { Problem, configPath, error } from "../../problems";
import type { ParsedConfig } from "../schema";

export function checkPrices({ cloud, regions, nodePools, kafka, prices }: Partial<ParsedConfig>): Problem[] {
  if (!cloud || !regions || !prices) return [];
  // Without a catalog (existing clusters) a missing price is not an error: the estimate lists what it could not price.
  if (!profileOf(cloud).priceCatalog) return [];
  const problems: Problem[] = [];
  // A region the cloud does not have is refused by checkRegions; asking its prices would only repeat that.
  for (const region of regions.filter((r) => isKnownRegion(profileOf(cloud).knownRegions, r.name))) {
    if (nodePools) {
      for (const pool of ["kafka", "system"] as const) {
        const { machineType } = nodePools[pool];
        if (!machineTypePrice(cloud, region.name, machineType, prices)) {
          problems.push(
            error(
              configPath("nodePools", [pool, "machineType"]),
              `no catalog price for ${machineType} in ${region.name}; set geo-kafka:prices.machineTypes["${machineType}"] ($/hour)`,
            ),
          );
        }
      }
    }
    if (kafka && (profileOf(cloud).diskTypes as readonly string[]).includes(kafka.disk.type)) {
      const disk = diskPrices(cloud, region.name, kafka.disk.type, prices);
      if (!disk) {
        problems.push(
          error(
            configPath("kafka", ["disk", "type"]),
            `no catalog price for ${kafka.disk.type} in ${region.name}; set geo-kafka:prices.diskUsdPerGiBMonth`,
          ),
        );
      } else if (kafka.disk.iopsPerGiB !== undefined && !disk.iopsPerMonth) {
        problems.push(
          error(
            configPath("kafka", ["disk", "iopsPerGiB"]),
            `no catalog price for provisioned IOPS in ${region.name}; set geo-kafka:prices.iopsUsdPerMonth`,
          ),
        );
      }
    }
  }
  return dedupe(problems);
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.severity}|${p.path}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
