// IPv4 range arithmetic: parsing, overlap, containment, and the per-cluster range plan.
// Parsing and network stepping come from `ip-address`; only interval comparison is done here.
import { Address4 } from "ip-address";

export interface Cidr {
  /** Canonical form, `a.b.c.d/n`. */
  text: string;
  prefixLength: number;
  /** First and last address as integers, inclusive. */
  first: bigint;
  last: bigint;
}

export type CidrParse = { ok: true; cidr: Cidr } | { ok: false; message: string };

/** Parses `a.b.c.d/n`, refusing host bits below the prefix (they almost always signal a typo). */
export function parseCidr(text: string): CidrParse {
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(text) || !Address4.isValid(text)) {
    return { ok: false, message: `"${text}" is not an IPv4 CIDR such as 10.0.0.0/16` };
  }
  const address = new Address4(text);
  const start = address.startAddress();
  if (start.correctForm() !== address.correctForm()) {
    return { ok: false, message: `"${text}" has host bits set; the network is ${start.correctForm()}/${address.subnetMask}` };
  }
  return { ok: true, cidr: fromAddress(address) };
}

function fromAddress(address: Address4): Cidr {
  return {
    text: `${address.startAddress().correctForm()}/${address.subnetMask}`,
    prefixLength: address.subnetMask,
    first: address.startAddress().bigInt(),
    last: address.endAddress().bigInt(),
  };
}

/** Parses a CIDR that is known to be valid (planned here or already validated). */
export function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.cidr;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.first <= b.last && b.first <= a.last;
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

export function addressCount(range: Cidr): bigint {
  return range.last - range.first + 1n;
}

/** The ranges one cluster uses. */
export interface ClusterRanges {
  nodeCidr: string;
  podCidr: string;
  serviceCidr: string;
}

export type RangeKind = keyof ClusterRanges;

export interface RangeRequest {
  /** Ranges the user fixed; planned ranges avoid them. */
  given: Partial<ClusterRanges>;
}

export interface RangePlanSizes {
  nodePrefixLength: number;
  podPrefixLength: number;
  servicePrefixLength: number;
}

export type RangePlan = { ok: true; clusters: ClusterRanges[] } | { ok: false; message: string };

/**
 * Fills every range a cluster does not fix with the lowest free aligned block of `base`.
 * Larger blocks are placed first (pods, then nodes, then services) so alignment wastes little,
 * and each planned block avoids every given range. Deterministic: the same input gives the same plan.
 */
export function planClusterRanges(
  baseText: string,
  requests: readonly RangeRequest[],
  sizes: RangePlanSizes,
  /** Ranges another rule fills (EKS pods share the VPC range); they are neither planned nor returned. */
  skip: readonly RangeKind[] = [],
): RangePlan {
  const base = cidr(baseText);
  const taken: Cidr[] = [];
  for (const request of requests) {
    for (const text of Object.values(request.given)) {
      if (text !== undefined) taken.push(cidr(text));
    }
  }
  const kinds: Array<{ kind: RangeKind; prefixLength: number }> = [
    { kind: "podCidr" as const, prefixLength: sizes.podPrefixLength },
    { kind: "nodeCidr" as const, prefixLength: sizes.nodePrefixLength },
    { kind: "serviceCidr" as const, prefixLength: sizes.servicePrefixLength },
  ]
    .filter((k) => !skip.includes(k.kind))
    .sort((a, b) => a.prefixLength - b.prefixLength);

  const clusters: Array<Partial<ClusterRanges>> = requests.map((r) => ({ ...r.given }));
  for (const { kind, prefixLength } of kinds) {
    for (const cluster of clusters) {
      if (cluster[kind] !== undefined) continue;
      const block = firstFreeBlock(base, prefixLength, taken);
      if (block === undefined) {
        return {
          ok: false,
          message: `${base.text} has no free /${prefixLength} left for a ${kind}; use a larger base range or longer prefixes`,
        };
      }
      taken.push(block);
      cluster[kind] = block.text;
    }
  }
  return { ok: true, clusters: clusters as ClusterRanges[] };
}

function firstFreeBlock(base: Cidr, prefixLength: number, taken: readonly Cidr[]): Cidr | undefined {
  if (prefixLength < base.prefixLength) return undefined;
  const size = 1n << BigInt(32 - prefixLength);
  let start = base.first;
  while (start + size - 1n <= base.last) {
    const block = fromAddress(new Address4(`${Address4.fromBigInt(start).correctForm()}/${prefixLength}`));
    const clash = taken.find((t) => overlaps(t, block));
    if (clash === undefined) return block;
    // Jump past the clashing range to the next aligned start instead of stepping block by block.
    start = ((clash.last + 1n + size - 1n) / size) * size;
  }
  return undefined;
}

/** RFC 1918 private ranges. */
export const RFC1918_RANGES: readonly Cidr[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(cidr);
/** RFC 1918 plus the shared address space (RFC 6598): ranges VPC peering exchanges without the public-IP switches. */
export const PRIVATE_RANGES: readonly Cidr[] = [...RFC1918_RANGES, cidr("100.64.0.0/10")];

/** True when `inner` lies inside one of `ranges`. */
export function insideAny(ranges: readonly Cidr[], inner: Cidr): boolean {
  return ranges.some((r) => contains(r, inner));
}
