// Node, pod and service ranges of every cluster: given ones checked, missing ones planned from `network`, none
// overlapping any other, and each within the target's limits.
import { profileOf } from "../../cloud";
import { ClusterRanges, RangeKind, cidr, overlaps, parseCidr, planClusterRanges } from "../../cidr";
import { Problem, configPath, error } from "../../problems";
import type { ParsedConfig } from "../schema";

const RANGE_KINDS: readonly RangeKind[] = ["nodeCidr", "podCidr", "serviceCidr"];

/** Checks given ranges, plans the missing ones from the base range, and refuses any overlap. */
export function planRanges({ cloud, regions, network }: Partial<ParsedConfig>, problems: Problem[]): ClusterRanges[] | undefined {
  if (!regions || !network) return undefined;
  let ok = true;
  const profile = cloud ? profileOf(cloud) : undefined;
  const podsTakeNodeRange = profile?.podsTakeNodeRange;
  const base = parseCidr(network.baseCidr);
  if (!base.ok) {
    problems.push(error(configPath("network", ["baseCidr"]), base.message));
    ok = false;
  }
  const given: Array<Partial<ClusterRanges>> = regions.map((region, i) => {
    const ranges: Partial<ClusterRanges> = {};
    for (const kind of RANGE_KINDS) {
      const text = region[kind];
      if (text === undefined) continue;
      if (kind === "podCidr" && podsTakeNodeRange) {
        problems.push(error(configPath("regions", [i, kind]), podsTakeNodeRange.reason));
        ok = false;
        continue;
      }
      const parsed = parseCidr(text);
      if (parsed.ok) ranges[kind] = parsed.cidr.text;
      else {
        problems.push(error(configPath("regions", [i, kind]), parsed.message));
        ok = false;
      }
    }
    return ranges;
  });
  if (!ok || !base.ok) return undefined;

  // Given ranges must already be disjoint; planning never creates an overlap.
  const all: Array<{ path: string; text: string }> = [];
  given.forEach((ranges, i) => {
    for (const kind of RANGE_KINDS) {
      const text = ranges[kind];
      if (text !== undefined) all.push({ path: configPath("regions", [i, kind]), text });
    }
  });
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      if (overlaps(cidr(all[i].text), cidr(all[j].text))) {
        problems.push(error(all[j].path, `${all[j].text} overlaps ${all[i].text} (${all[i].path})`));
        ok = false;
      }
    }
  }
  if (!ok) return undefined;

  // Where pods take node-range addresses (EKS's VPC CNI), the pod range is the node range, not a block of its own.
  const podsShareNodeRange = podsTakeNodeRange !== undefined;
  const plan = planClusterRanges(
    network.baseCidr,
    given.map((g) => ({ given: g })),
    network,
    podsShareNodeRange ? ["podCidr"] : [],
  );
  if (!plan.ok) {
    problems.push(error(configPath("network", ["baseCidr"]), plan.message));
    return undefined;
  }
  const clusters = podsShareNodeRange ? plan.clusters.map((c) => ({ ...c, podCidr: c.nodeCidr })) : plan.clusters;
  if (profile) problems.push(...profile.rangeProblems(clusters));
  return clusters;
}
