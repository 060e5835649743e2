// Region-pair topology: which links exist, and the worst inter-region path by RTT and by BDP.

export interface RegionLink {
  /** The two regions, in configuration order of `regions`. */
  a: string;
  b: string;
  rttMs: number;
  bandwidthBytesPerSecond: number;
  perFlowCapBytesPerSecond?: number;
}

export interface RegionPair {
  a: string;
  b: string;
}

/** Every unordered pair of regions, in the order of `regions` (0-1, 0-2, 1-2 for three). */
export function regionPairs(regions: readonly string[]): RegionPair[] {
  const pairs: RegionPair[] = [];
  for (let i = 0; i < regions.length; i++) {
    for (let j = i + 1; j < regions.length; j++) pairs.push({ a: regions[i], b: regions[j] });
  }
  return pairs;
}

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** The link joining two regions, whichever way round it was written. */
export function findLink<T extends { between: readonly [string, string] }>(links: readonly T[], a: string, b: string): T | undefined {
  const key = pairKey(a, b);
  return links.find((l) => pairKey(l.between[0], l.between[1]) === key);
}

/** The rate one TCP flow can reach on a link: its bandwidth, or the per-flow cap where lower. */
export function flowBytesPerSecond(link: RegionLink): number {
  return link.perFlowCapBytesPerSecond === undefined
    ? link.bandwidthBytesPerSecond
    : Math.min(link.bandwidthBytesPerSecond, link.perFlowCapBytesPerSecond);
}

/** Bandwidth-delay product of one flow on a link, bytes. */
export function linkBdpBytes(link: RegionLink): number {
  // Multiply before dividing: 3.5e9 * 70 / 1000 is exact where 3.5e9 * 0.07 is not.
  return Math.ceil((flowBytesPerSecond(link) * link.rttMs) / 1000);
}

export interface WorstPaths {
  /** The link with the largest RTT. */
  byRtt: RegionLink;
  /** The link with the largest per-flow bandwidth-delay product: it sizes the socket buffers. */
  byBdp: RegionLink;
}

export function worstPaths(links: readonly RegionLink[]): WorstPaths {
  if (links.length === 0) throw new Error("worstPaths needs at least one link");
  let byRtt = links[0];
  let byBdp = links[0];
  for (const link of links) {
    if (link.rttMs > byRtt.rttMs) byRtt = link;
    if (linkBdpBytes(link) > linkBdpBytes(byBdp)) byBdp = link;
  }
  return { byRtt, byBdp };
}
