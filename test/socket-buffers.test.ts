// Socket-buffer sizing from the bandwidth-delay product and the sysctls that let Linux honour it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  KAFKA_DEFAULT_SOCKET_RECEIVE_BUFFER_BYTES,
  KAFKA_MAX_BUFFER_BYTES,
  LINUX_DEFAULT_RMEM_MAX_BYTES,
  grantedBufferBytes,
  planSocketBuffers,
} from "../lib/socket-buffers";
import { RegionLink, linkBdpBytes, regionPairs, worstPaths } from "../lib/topology";

const link = (a: string, b: string, rttMs: number, bandwidthBytesPerSecond: number, perFlowCapBytesPerSecond?: number): RegionLink => ({
  a,
  b,
  rttMs,
  bandwidthBytesPerSecond,
  ...(perFlowCapBytesPerSecond !== undefined ? { perFlowCapBytesPerSecond } : {}),
});

describe("topology", () => {
  it("lists every unordered pair once", () => {
    expect(regionPairs(["a", "b", "c"])).toEqual([
      { a: "a", b: "b" },
      { a: "a", b: "c" },
      { a: "b", b: "c" },
    ]);
  });

  it("finds the worst path by RTT and by BDP separately", () => {
    const links = [link("a", "b", 70, 100e6), link("a", "c", 20, 3.5e9), link("b", "c", 40, 1e9)];
    const worst = worstPaths(links);
    expect(worst.byRtt).toBe(links[0]);
    // a-c: 3.5e9 x 0.020 = 70 MB beats b-c (40 MB) and a-b (7 MB) although its RTT is the shortest.
    expect(worst.byBdp).toBe(links[1]);
  });
});

describe("planSocketBuffers", () => {
  it("sizes to the design brief's example: 3.5 GB/s x 70 ms = 245,000,000 bytes", () => {
    const plan = planSocketBuffers([link("a", "b", 70, 3.5e9), link("a", "c", 20, 3.5e9), link("b", "c", 40, 3.5e9)]);
    expect(plan.worstBdpBytes).toBe(245_000_000);
    expect(plan.socketBufferBytes).toBe(245_000_000);
    expect(plan.sizingLink).toMatchObject({ a: "a", b: "b", rttMs: 70 });
    expect(plan.coreMaxBytes).toBe(234 * 1_048_576); // 245,366,784: the next whole MiB
    expect(plan.sysctls["net.core.rmem_max"]).toBe(String(plan.coreMaxBytes));
    expect(plan.sysctls["net.ipv4.tcp_rmem"]).toBe(`4096 131072 ${2 * plan.coreMaxBytes}`);
    expect(plan.kernelBytesPerConnection).toBe(4 * 245_000_000);
  });

  it("bounds the buffer by the per-flow cap (AWS: 5 Gbit/s per flow)", () => {
    const plan = planSocketBuffers([
      link("a", "b", 67, 1.25e9, 625e6),
      link("a", "c", 12, 1.25e9, 625e6),
      link("b", "c", 50, 1.25e9, 625e6),
    ]);
    expect(plan.worstBdpBytes).toBe(Math.ceil(625e6 * 0.067));
    expect(plan.sizedThroughputBytesPerSecond).toBe(625e6);
  });

  it("never goes below Kafka's default", () => {
    const plan = planSocketBuffers([link("a", "b", 1, 1e6)]);
    expect(plan.socketBufferBytes).toBe(KAFKA_DEFAULT_SOCKET_RECEIVE_BUFFER_BYTES);
  });

  it("clamps to Kafka's int range and says so", () => {
    const plan = planSocketBuffers([link("a", "b", 300, 100e9)]);
    expect(plan.socketBufferBytes).toBe(KAFKA_MAX_BUFFER_BYTES);
    expect(plan.clampedToKafkaMax).toBe(true);
    expect(plan.coreMaxBytes).toBeLessThanOrEqual(2_147_483_647);
  });

  it("shows why the sysctls matter: the default rmem_max clamps the request to 208 KiB", () => {
    const plan = planSocketBuffers([link("a", "b", 70, 1.25e9)]);
    expect(grantedBufferBytes(plan.socketBufferBytes, LINUX_DEFAULT_RMEM_MAX_BYTES)).toBe(LINUX_DEFAULT_RMEM_MAX_BYTES);
    expect(grantedBufferBytes(plan.socketBufferBytes, plan.coreMaxBytes)).toBe(plan.socketBufferBytes);
    // Kafka's 64 KiB replica fetch buffer over 70 ms: about 0.94 MB/s per connection.
    expect(plan.defaultReplicaThroughputBytesPerSecond).toBe(Math.floor(65_536 / 0.07));
  });

  const arbLink = fc.record({
    rttMs: fc.double({ min: 0.1, max: 500, noNaN: true }),
    bandwidthBytesPerSecond: fc.double({ min: 1e3, max: 1e11, noNaN: true }),
    cap: fc.option(fc.double({ min: 1e3, max: 1e11, noNaN: true }), { nil: undefined }),
  });

  it("property: buffer >= every pair's BDP (within Kafka's range) and <= rmem_max, and fits the per-flow rate", () => {
    fc.assert(
      fc.property(fc.array(arbLink, { minLength: 1, maxLength: 3 }), (specs) => {
        const links = specs.map((s, i) => link(`r${i}`, `r${i + 1}`, s.rttMs, s.bandwidthBytesPerSecond, s.cap));
        const plan = planSocketBuffers(links);
        const rmemMax = Number(plan.sysctls["net.core.rmem_max"]);
        const tcpMax = Number(plan.sysctls["net.ipv4.tcp_rmem"].split(" ")[2]);
        return (
          links.every((l) => plan.socketBufferBytes >= Math.min(linkBdpBytes(l), KAFKA_MAX_BUFFER_BYTES)) &&
          plan.socketBufferBytes <= rmemMax &&
          rmemMax <= tcpMax &&
          plan.socketBufferBytes <= KAFKA_MAX_BUFFER_BYTES &&
          tcpMax <= 2_147_483_647 &&
          Number.isInteger(plan.socketBufferBytes)
        );
      }),
    );
  });
});
