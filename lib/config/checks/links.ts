// Checks of `links`: one per region pair, between configured regions, with a per-flow cap no higher than the link.
import { Problem, configPath, error, warning } from "../../problems";
import { findLink, pairKey, regionPairs } from "../../topology";
import type { ParsedConfig } from "../schema";

export function checkLinks({ regions, links }: Partial<ParsedConfig>): Problem[] {
  if (!links) return [];
  const problems: Problem[] = [];
  const names = new Set(regions?.map((r) => r.name) ?? []);
  const seen = new Map<string, number>();
  links.forEach((link, i) => {
    const [a, b] = link.between;
    if (a === b) problems.push(error(configPath("links", [i, "between"]), `joins region "${a}" to itself`));
    if (regions) {
      link.between.forEach((name, k) => {
        if (!names.has(name))
          problems.push(error(configPath("links", [i, "between", k]), `"${name}" is not one of the configured regions`));
      });
    }
    const key = pairKey(a, b);
    const first = seen.get(key);
    if (first !== undefined) problems.push(error(configPath("links", [i, "between"]), `duplicates links[${first}] (${a} - ${b})`));
    else seen.set(key, i);
  });
  if (regions) {
    for (const { a, b } of regionPairs([...names])) {
      if (!findLink(links, a, b))
        problems.push(
          error(configPath("links"), `no link between ${a} and ${b}; every region pair needs rttMs and bandwidthBytesPerSecond`),
        );
    }
  }
  links.forEach((link, i) => {
    if (link.perFlowCapBytesPerSecond !== undefined && link.perFlowCapBytesPerSecond > link.bandwidthBytesPerSecond) {
      problems.push(warning(configPath("links", [i, "perFlowCapBytesPerSecond"]), "is above the link bandwidth and has no effect"));
    }
  });
  return problems;
}
