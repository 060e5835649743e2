// The capacity model along each mesh's data path: whose socket crosses the WAN, one fetch per round trip,
// and the published cost of encryption on the per-broker ceilings.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CapacityInputs, CapacityLimit, estimateCapacity, partitionSpread } from "../lib/capacity";
import { KAFKA_ENCRYPTION_BENCHMARK } from "../lib/capacity-data";
import { capacityInputsFromSpec, encryptionCost, replicationPath } from "../lib/capacity-from-spec";
import type { StackSpec } from "../lib/config/spec";
import { rawConfigFromMap, validateConfig } from "../lib/config/validate";
import { planSocketBuffers, wanSocket } from "../lib/socket-buffers";
import { runTool, setPath, stackConfig } from "./helpers/harness";

const MIB = 2 ** 20;

type ArbValue<A> = A extends fc.Arbitrary<infer T> ? T : never;

function specOf(config: Record<string, unknown>): StackSpec {
  // Stack files hold YAML values; Pulumi hands the program strings, JSON for objects.
  const asPulumi = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  const result = validateConfig(rawConfigFromMap(asPulumi));
  if (!result.ok) throw new Error(`stack config must validate: ${JSON.stringify(result.problems)}`);
  return result.spec;
}

/** A deployment like the stacks', with every input explicit; tests override what they vary. */
const BASE: CapacityInputs = {
  regions: 3,
  brokersPerRegion: 3,
  replicationFactor: 3,
  consumerGroups: 2,
  followerFetching: true,
  producerCrossRegionFraction: 2 / 3,
  compressionRatio: 1,
  brokerDiskWriteBytesPerSecond: 1e12,
  brokerEgressBytesPerSecond: 1e12,
  brokerInterRegionEgressBytesPerSecond: 1e12,
  narrowestLinkBytesPerSecond: 1e12,
  replicationPath: { wanSocket: "kafka", windowBytes: 1e9, windowOrigin: "test" },
  worstRttMs: 65,
  perFlowBytesPerSecond: 1e12,
  replicaFetchers: 2,
  replicaFetchMaxBytes: MIB,
  replicaFetchResponseMaxBytes: 10 * MIB,
  partitions: 72,
  configuredProduceBytesPerSecond: 1e8,
};

/** The one replication limit, named "replication window" or "replica fetch size" for the term that dominates. */
const replication = (inputs: CapacityInputs): CapacityLimit => {
  const found = estimateCapacity(inputs).limits.filter((l) => l.name === "replication window" || l.name === "replica fetch size");
  if (found.length !== 1) throw new Error(`expected one replication limit, got ${found.map((l) => l.name).join(", ")}`);
  return found[0];
};

describe("replication along the data path", () => {
  it.each([
    // partitions, regions, brokers per region, fetchers, RF -> most led by a broker, most per follower region, most per connection
    [72, 3, 3, 2, 3, 8, 8, 2],
    [3, 3, 3, 2, 3, 1, 1, 1],
    [1, 3, 3, 2, 3, 1, 1, 1],
    [144, 3, 3, 2, 3, 16, 16, 3],
    [72, 3, 3, 1, 3, 8, 8, 3],
    [72, 4, 3, 2, 2, 6, 2, 1],
  ])(
    "%i partitions, %i regions x %i brokers, %i fetchers, RF %i: %i led by one broker, %i fetched by one region, %i on the fullest connection",
    (partitions, regions, brokersPerRegion, replicaFetchers, rf, led, perRegion, most) => {
      expect(partitionSpread({ partitions, regions, brokersPerRegion, replicaFetchers }, rf - 1)).toEqual({
        mostLedPerBroker: led,
        mostPerFollowerRegion: perRegion,
        connectionsPerLeaderAndRegion: brokersPerRegion * replicaFetchers,
        mostPerConnection: most,
      });
    },
  );

  /** Bytes/s of one connection fetching `perFetch` bytes at a time over `rttMs`, moving them at `rate` bytes/s. */
  const fetchCycle = (perFetch: number, rttMs: number, rate: number) => perFetch / (rttMs / 1000 + perFetch / rate);

  it("binds on replica.fetch.max.bytes with few partitions: a round trip per fetch, plus moving its bytes", () => {
    // 3 partitions, one per connection: each fetch returns 1 MiB and costs 65 ms plus 1 MiB at the window's rate.
    const few = { ...BASE, partitions: 3 };
    const rate = (1e9 * 1000) / 65;
    const expected = fetchCycle(MIB, 65, rate) * 3;
    expect(replication(few)).toMatchObject({ name: "replica fetch size" });
    expect(replication(few).produceBytesPerSecond).toBeCloseTo(expected, 3);
    expect(estimateCapacity(few).bottleneck.name).toBe("replica fetch size");
    // A window the size of the address space changes nothing: the round trip per fetch binds.
    const hugeWindow = { ...few, replicationPath: { ...few.replicationPath, windowBytes: 2 ** 31 } };
    expect(replication(hugeWindow).produceBytesPerSecond).toBeCloseTo(fetchCycle(MIB, 65, (2 ** 31 * 1000) / 65) * 3, 3);
    expect(replication(hugeWindow).produceBytesPerSecond).toBeLessThanOrEqual(((MIB * 1000) / 65) * 3);
  });

  it("caps a connection's fetch at replica.fetch.response.max.bytes when it carries many partitions", () => {
    // 144 partitions: 16 led per broker, fetched by each other region over 6 connections, 3 on the fullest;
    // 3 x 4 MiB > 10 MiB, so a fetch returns 10 MiB, a third per partition.
    const many = { ...BASE, partitions: 144, replicaFetchMaxBytes: 4 * MIB };
    const expected = (fetchCycle(10 * MIB, 65, (1e9 * 1000) / 65) / 3) * 144;
    expect(replication(many).produceBytesPerSecond).toBeCloseTo(expected, 3);
  });

  it("loads the fullest connection first, and names the window when moving a fetch takes longer than the round trip", () => {
    const windowed = { ...BASE, replicationPath: { ...BASE.replicationPath, windowBytes: 65_536 } };
    // 72 partitions, 2 on the fullest connection: a fetch returns 2 MiB, moved at 65,536 B per 65 ms (about 2 s).
    const expected = (fetchCycle(2 * MIB, 65, (65_536 * 1000) / 65) / 2) * 72;
    expect(replication(windowed)).toMatchObject({ name: "replication window" });
    expect(replication(windowed).produceBytesPerSecond).toBeCloseTo(expected, 3);
    // 32 round trips to move a fetch and one to ask for it: 32/33 of window / RTT per connection.
    expect(replication(windowed).produceBytesPerSecond / (((65_536 * 1000) / 65) * 36)).toBeCloseTo(32 / 33, 9);
  });

  it("measured in the Kafka lab: Kafka's default 64 KiB window with 64 KiB fetches over 65 ms", () => {
    // The lab's defaults row: 2 brokers, 8 partitions led by each, 2 fetchers; 4 partitions x 64 KiB per fetch moved at
    // 64 KiB per RTT take 4 RTTs, so each fetch costs 5: a fifth of what window / RTT alone would say is lost.
    const lab: CapacityInputs = {
      ...BASE,
      regions: 2,
      brokersPerRegion: 1,
      replicationFactor: 2,
      consumerGroups: 0,
      producerCrossRegionFraction: 0,
      partitions: 16,
      replicationPath: { wanSocket: "kafka", windowBytes: 65_536, windowOrigin: "test" },
      replicaFetchMaxBytes: 65_536,
    };
    const perConnection = (4 * 65_536) / (0.065 * 5);
    expect(replication(lab).produceBytesPerSecond).toBeCloseTo(4 * perConnection, 3);
    expect(replication(lab).name).toBe("replication window");
  });

  const arbInputs = fc.record({
    regions: fc.integer({ min: 2, max: 5 }),
    brokersPerRegion: fc.integer({ min: 1, max: 6 }),
    rf: fc.integer({ min: 2, max: 5 }),
    partitions: fc.integer({ min: 1, max: 500 }),
    fetchers: fc.integer({ min: 1, max: 4 }),
    windowBytes: fc.integer({ min: 1024, max: 2 ** 31 - 1 }),
    rttMs: fc.double({ min: 0.5, max: 300, noNaN: true }),
    perFlow: fc.double({ min: 1e6, max: 1e10, noNaN: true }),
    fetchMax: fc.integer({ min: 1024, max: 2 ** 31 - 1 }),
    responseMax: fc.integer({ min: 1024, max: 2 ** 31 - 1 }),
    compression: fc.double({ min: 1, max: 10, noNaN: true }),
  });
  const inputsOf = (a: ArbValue<typeof arbInputs>): CapacityInputs => ({
    ...BASE,
    regions: a.regions,
    brokersPerRegion: a.brokersPerRegion,
    replicationFactor: Math.min(a.rf, a.regions),
    partitions: a.partitions,
    replicaFetchers: a.fetchers,
    replicationPath: { wanSocket: "envoy", windowBytes: a.windowBytes, windowOrigin: "test" },
    worstRttMs: a.rttMs,
    perFlowBytesPerSecond: a.perFlow,
    replicaFetchMaxBytes: a.fetchMax,
    replicaFetchResponseMaxBytes: a.responseMax,
    compressionRatio: a.compression,
  });

  it("never lets replication exceed window / RTT nor fetch bytes / RTT, per partition or over all connections", () => {
    fc.assert(
      fc.property(arbInputs, (a) => {
        const c = inputsOf(a);
        const copies = c.replicationFactor - 1;
        const brokers = c.regions * c.brokersPerRegion;
        // Every fetch connection of the cluster: each broker fetches from every broker of the other regions.
        const connections = brokers * (brokers - c.brokersPerRegion) * c.replicaFetchers;
        const perSecond = (bytesPerRtt: number) => (bytesPerRtt * 1000) / c.worstRttMs;
        // Replication moves W x copies wire bytes/s; W / P of each partition is fetched on one connection.
        const produceForAll = (bytesPerSecond: number) => (bytesPerSecond / copies) * c.compressionRatio;
        const produceForPartition = (bytesPerSecond: number) => bytesPerSecond * c.partitions * c.compressionRatio;
        const r = replication(c).produceBytesPerSecond;
        const slack = 1 + 1e-9;
        return (
          r <= produceForPartition(Math.min(perSecond(c.replicationPath.windowBytes), c.perFlowBytesPerSecond)) * slack &&
          r <= produceForAll(connections * Math.min(perSecond(c.replicationPath.windowBytes), c.perFlowBytesPerSecond)) * slack &&
          r <= produceForPartition(perSecond(c.replicaFetchMaxBytes)) * slack &&
          r <= produceForAll(connections * perSecond(c.replicaFetchResponseMaxBytes)) * slack &&
          estimateCapacity(c).ceilingProduceBytesPerSecond <= r * slack
        );
      }),
    );
  });

  it("is named for the term that dominates, and keeps at least half of the smaller of the connection's rate and fetch / RTT", () => {
    fc.assert(
      fc.property(arbInputs, (a) => {
        const c = inputsOf(a);
        const spread = partitionSpread(c, c.replicationFactor - 1);
        const n = spread.mostPerConnection;
        // A connection moves an answer at the least of its window over the RTT, the per-flow cap and its share of the
        // narrowest link (each directed link carries brokersPerRegion^2 x num.replica.fetchers connections).
        const linkShare = c.narrowestLinkBytesPerSecond / (c.brokersPerRegion * c.brokersPerRegion * c.replicaFetchers);
        const rate = Math.min((c.replicationPath.windowBytes * 1000) / c.worstRttMs, c.perFlowBytesPerSecond, linkShare);
        const perFetch = Math.min(c.replicaFetchResponseMaxBytes, n * c.replicaFetchMaxBytes);
        const transferMs = (perFetch / rate) * 1000;
        const r = replication(c);
        const smaller = Math.min(rate, (perFetch * 1000) / c.worstRttMs);
        // S / (RTT + S / rate) >= min(rate, S / RTT) / 2: the two terms add, so the smaller one is at least halved.
        return (
          r.name === (transferMs >= c.worstRttMs ? "replication window" : "replica fetch size") &&
          r.produceBytesPerSecond >= ((smaller * c.partitions) / n) * c.compressionRatio * 0.5 * (1 - 1e-9)
        );
      }),
    );
  });
});

describe("encryption on the per-broker ceilings", () => {
  const arbRatio = fc.double({ min: 0.01, max: 1, noNaN: true });

  it("never raises a ceiling, and scales exactly the per-broker ones", () => {
    fc.assert(
      fc.property(arbRatio, fc.integer({ min: 1, max: 200 }), (ratio, partitions) => {
        const plain = estimateCapacity({ ...BASE, partitions, brokerDiskWriteBytesPerSecond: 5e8, brokerEgressBytesPerSecond: 6e8 });
        const encrypted = estimateCapacity({
          ...BASE,
          partitions,
          brokerDiskWriteBytesPerSecond: 5e8,
          brokerEgressBytesPerSecond: 6e8,
          encryption: { name: "TLS", throughputRatio: ratio, basis: "test" },
        });
        if (encrypted.ceilingProduceBytesPerSecond > plain.ceilingProduceBytesPerSecond * (1 + 1e-12)) return false;
        return plain.limits.every((p, i) => {
          const e = encrypted.limits[i];
          const perBroker = p.name.startsWith("broker ");
          const expected = perBroker ? p.produceBytesPerSecond * ratio : p.produceBytesPerSecond;
          return Math.abs(e.produceBytesPerSecond - expected) <= 1e-9 * expected && e.produceBytesPerSecond <= p.produceBytesPerSecond;
        });
      }),
    );
  });

  it("takes the benchmark's own ratios: Kafka TLS with Submariner, Istio mTLS with Istio, per cloud", () => {
    expect(encryptionCost("gke", "submariner").throughputRatio).toBeCloseTo(274 / 417, 12);
    expect(encryptionCost("gke", "istio").throughputRatio).toBeCloseTo(323 / 417, 12);
    expect(encryptionCost("eks", "istio").throughputRatio).toBeCloseTo(340 / 439, 12);
    for (const run of Object.values(KAFKA_ENCRYPTION_BENCHMARK)) {
      for (const entry of [run.plain, run.kafkaTls, run.istioMtls]) {
        expect(entry.source).toContain("https://banzaicloud.com/blog/kafka-on-istio-performance/");
        expect(entry.asOf).toBe("2019-07-28");
      }
      expect(run.kafkaTls.value).toBeLessThan(run.plain.value);
      expect(run.istioMtls.value).toBeLessThan(run.plain.value);
    }
  });
});

describe("each stack's data path", () => {
  it("gke (Submariner, discovery only): Kafka's own socket crosses the WAN with its explicit buffer, under Kafka TLS, and no gateway", () => {
    const spec = specOf(stackConfig("gke"));
    const buffers = planSocketBuffers(spec.links);
    const inputs = capacityInputsFromSpec(spec, buffers)!;
    expect(inputs.replicationPath).toMatchObject({ wanSocket: "kafka", windowBytes: buffers.socketBufferBytes });
    expect(inputs.encryption?.name).toBe("Kafka TLS");
    expect(inputs.partitions).toBe(spec.kafka.defaultPartitions);
    const names = estimateCapacity(inputs).limits.map((l) => l.name);
    expect(names.some((n) => n.includes("gateway"))).toBe(false);
    expect(names.filter((n) => n === "replication window" || n === "replica fetch size")).toHaveLength(1);
  });

  it("Istio: Envoy's upstream socket crosses the WAN, its window half the autotuning maximum, whatever Kafka's own buffer", () => {
    const spec = specOf(stackConfig("eks"));
    const buffers = planSocketBuffers(spec.links);
    const path = replicationPath("istio", buffers);
    expect(path).toMatchObject({
      wanSocket: "envoy",
      windowBytes: Math.floor(buffers.tcpAutotuneMaxBytes / 2),
      proxyBufferLimitBytes: MIB,
    });
    expect(replicationPath("istio", { ...buffers, socketBufferBytes: 65_536 }).windowBytes).toBe(path.windowBytes);
    expect(capacityInputsFromSpec(spec, buffers)!.encryption?.name).toBe("Istio mTLS");
  });

  it("the socket-buffer plan names the WAN socket of each mesh and what it may pin in kernel memory", () => {
    const buffers = planSocketBuffers(specOf(stackConfig("eks")).links);
    // Autotuned buffers count the kernel's overhead themselves: tcp_rmem max in, tcp_wmem max out, no doubling.
    expect(wanSocket(buffers, "istio")).toEqual({
      owner: "envoy",
      windowBytes: buffers.tcpAutotuneMaxBytes / 2,
      kernelBytesPerConnection: 2 * buffers.tcpAutotuneMaxBytes,
    });
    // An explicit SO_RCVBUF/SO_SNDBUF is doubled by the kernel, in each direction.
    expect(wanSocket(buffers, "submariner")).toEqual({
      owner: "kafka",
      windowBytes: buffers.socketBufferBytes,
      kernelBytesPerConnection: 4 * buffers.socketBufferBytes,
    });
  });

  it("a gke stack switched to Istio moves the WAN socket to Envoy and its encryption to mTLS", () => {
    const config = stackConfig("gke");
    setPath(config, "mesh", ["mode"], "istio");
    const spec = specOf(config);
    const inputs = capacityInputsFromSpec(spec, planSocketBuffers(spec.links))!;
    expect(inputs.replicationPath.wanSocket).toBe("envoy");
    expect(inputs.encryption?.throughputRatio).toBeCloseTo(323 / 417, 12);
  });

  it("npm run cost -- --stack gke names the bottleneck of the Kafka-TLS path: the broker disks at 274/417 of their rate", async () => {
    const result = await runTool("cost", ["--stack", "gke", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const capacity = JSON.parse(result.stdout).capacity as {
      ceilingProduceBytesPerSecond: number;
      bottleneck: CapacityLimit;
      limits: CapacityLimit[];
    };
    // 9 pd-ssd volumes of 1000 GiB at 0.48 MiB/s per GiB (480 MiB/s, under the VM's 1,200), each byte written 3 times,
    // compression 3, Kafka TLS 274/417.
    const expected = ((9 * 480 * MIB) / 3) * 3 * (274 / 417);
    expect(capacity.bottleneck.name).toBe("broker disks under Kafka TLS");
    expect(capacity.ceilingProduceBytesPerSecond).toBeCloseTo(expected, 3);
    expect(capacity.limits.map((l) => l.name)).not.toContain("mesh gateway");
    expect(capacity.limits.find((l) => l.name === "replication window" || l.name === "replica fetch size")?.detail).toContain(
      "Kafka's own socket crosses the WAN",
    );
  });

  it("npm run cost -- --stack eks names the bottleneck of the Istio-mTLS path: broker egress at 340/439 of its rate", async () => {
    const result = await runTool("cost", ["--stack", "eks"]);
    expect(result.code, result.stderr).toBe(0);
    // 9 r5.4xlarge at 5 Gbit/s sustained (625 MB/s), each byte leaving brokers 4 times, compression 3, mTLS 340/439.
    const expectedMBps = Math.round((((9 * 625e6) / 4) * 3 * (340 / 439)) / 1e6);
    expect(result.stdout).toContain(`capacity: ceiling ${expectedMBps} MB/s produced (bottleneck: broker NIC egress under Istio mTLS)`);
  });
});
