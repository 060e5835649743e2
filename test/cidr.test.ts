// CIDR parsing, overlap and the per-cluster range plan.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cidr, contains, overlaps, parseCidr, planClusterRanges } from "../lib/cidr";

describe("parseCidr", () => {
  it.each([
    ["10.0.0.0/8", "10.0.0.0/8"],
    ["192.168.4.0/22", "192.168.4.0/22"],
    ["0.0.0.0/0", "0.0.0.0/0"],
  ])("accepts %s", (text, canonical) => {
    const parsed = parseCidr(text);
    expect(parsed.ok && parsed.cidr.text).toBe(canonical);
  });

  it.each(["10.0.0.0", "10.0.0.300/8", "10.0.0.0/33", "not-a-range", "10.0.0.0/8 ", "fd00::/8"])("refuses %s", (text) => {
    expect(parseCidr(text).ok).toBe(false);
  });

  it("refuses host bits and names the network", () => {
    const parsed = parseCidr("10.1.2.3/16");
    expect(parsed).toEqual({ ok: false, message: expect.stringContaining("10.1.0.0/16") });
  });
});

describe("overlaps and contains", () => {
  it.each([
    ["10.0.0.0/8", "10.200.0.0/16", true],
    ["10.0.0.0/16", "10.1.0.0/16", false],
    ["10.0.0.0/15", "10.1.255.0/24", true],
    ["172.16.0.0/12", "172.32.0.0/12", false],
  ])("%s and %s overlap: %s", (a, b, expected) => {
    expect(overlaps(cidr(a), cidr(b))).toBe(expected);
    expect(overlaps(cidr(b), cidr(a))).toBe(expected);
  });

  it("contains is containment, not overlap", () => {
    expect(contains(cidr("10.0.0.0/8"), cidr("10.3.0.0/16"))).toBe(true);
    expect(contains(cidr("10.3.0.0/16"), cidr("10.0.0.0/8"))).toBe(false);
  });
});

describe("planClusterRanges", () => {
  const sizes = { nodePrefixLength: 20, podPrefixLength: 14, servicePrefixLength: 20 };

  it("plans three clusters from 10.0.0.0/8, pods first, deterministically", () => {
    const plan = planClusterRanges("10.0.0.0/8", [{ given: {} }, { given: {} }, { given: {} }], sizes);
    expect(plan).toEqual({
      ok: true,
      clusters: [
        { podCidr: "10.0.0.0/14", nodeCidr: "10.12.0.0/20", serviceCidr: "10.12.48.0/20" },
        { podCidr: "10.4.0.0/14", nodeCidr: "10.12.16.0/20", serviceCidr: "10.12.64.0/20" },
        { podCidr: "10.8.0.0/14", nodeCidr: "10.12.32.0/20", serviceCidr: "10.12.80.0/20" },
      ],
    });
  });

  it("keeps given ranges and plans around them", () => {
    const plan = planClusterRanges("10.0.0.0/8", [{ given: { podCidr: "10.0.0.0/14" } }, { given: {} }, { given: {} }], sizes);
    expect(plan.ok && plan.clusters[0].podCidr).toBe("10.0.0.0/14");
    expect(plan.ok && plan.clusters[1].podCidr).toBe("10.4.0.0/14");
  });

  it("says when the base range is too small", () => {
    const plan = planClusterRanges("10.0.0.0/16", [{ given: {} }, { given: {} }, { given: {} }], sizes);
    expect(plan).toEqual({ ok: false, message: expect.stringContaining("no free /14") });
  });

  it("property: planned ranges are inside the base, aligned, and pairwise disjoint (given ones included)", () => {
    const given = fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined });
    fc.assert(
      fc.property(
        fc.integer({ min: 14, max: 24 }),
        fc.integer({ min: 16, max: 26 }),
        fc.integer({ min: 18, max: 28 }),
        fc.array(given, { minLength: 3, maxLength: 3 }),
        (pod, node, service, fixed) => {
          const requests = fixed.map((octet) => ({ given: octet === undefined ? {} : { nodeCidr: `10.${octet}.0.0/24` } }));
          // Given ranges must be disjoint themselves: identical octets are a validation error, not a plan input.
          const octets = fixed.filter((o) => o !== undefined);
          fc.pre(new Set(octets).size === octets.length);
          const plan = planClusterRanges("10.0.0.0/8", requests, {
            podPrefixLength: pod,
            nodePrefixLength: node,
            servicePrefixLength: service,
          });
          if (!plan.ok) return false;
          const all = plan.clusters.flatMap((c) => [c.nodeCidr, c.podCidr, c.serviceCidr]).map(cidr);
          const base = cidr("10.0.0.0/8");
          for (let i = 0; i < all.length; i++) {
            if (!contains(base, all[i])) return false;
            for (let j = i + 1; j < all.length; j++) if (overlaps(all[i], all[j])) return false;
          }
          return requests.every((r, i) => r.given.nodeCidr === undefined || plan.clusters[i].nodeCidr === r.given.nodeCidr);
        },
      ),
    );
  });
});
