// The capacity phase's pure parts: which broker settings it measures, how each changes a broker's properties, the
// model inputs that describe the lab's own two-broker setup, and the comparison of prediction and measurement.
import { describe, expect, it } from "vitest";
import { estimateCapacity } from "../lib/capacity";
import {
  CAPACITY_RTTS_MS,
  KAFKA_REPLICATION_DEFAULTS,
  PARTITIONS_PER_DIRECTION,
  SMALL_FETCH_MAX_BYTES,
  capacityConfigs,
  capacityRow,
  capacityRowsWithin,
  directionAssignment,
  labCapacityInputs,
  propertyEdits,
  replicationSettings,
  replicationWindowBytes,
} from "../lib/kafka-lab/capacity-check";
import { plannedKafkaPods, serverProperties } from "../lib/kafka-lab/pods";
import { parseProperties } from "../lib/kafka/properties";
import { toPlan } from "../tools/run-stack";
import { planStackOk } from "./helpers/harness";

const STACK = {
  socketSendBufferBytes: 81_250_000,
  socketReceiveBufferBytes: 81_250_000,
  replicaSocketReceiveBufferBytes: 81_250_000,
  replicaFetchMaxBytes: 81_250_000,
  replicaFetchResponseMaxBytes: 81_250_000,
  replicaFetchers: 2,
};
const LAB = { linkBytesPerSecond: 8e6, coreMaxBytes: 81_788_928, ceilingBytesPerSecond: 30e6 };

describe("capacity phase settings", () => {
  it("reads what a broker runs with from its rendered properties, Kafka's default where a key is unset", async () => {
    const { run } = await planStackOk("gke");
    const broker = plannedKafkaPods(toPlan("gke", run, true)).find((p) => p.role === "broker")!;
    const settings = replicationSettings(parseProperties(serverProperties(broker)));
    expect(settings.replicaSocketReceiveBufferBytes).toBeGreaterThan(KAFKA_REPLICATION_DEFAULTS.replicaSocketReceiveBufferBytes);
    expect(settings.replicaFetchMaxBytes).toBeGreaterThanOrEqual(settings.replicaSocketReceiveBufferBytes);
    expect(settings.replicaFetchers).toBe(2);
    expect(replicationSettings({})).toEqual(KAFKA_REPLICATION_DEFAULTS);
    expect(() => replicationSettings({ "replica.fetch.max.bytes": "lots" })).toThrow(/replica.fetch.max.bytes=lots/);
  });

  it("measures the stack's buffers and Kafka's, each with its own fetch size and with 64 KiB, at three RTTs", () => {
    const configs = capacityConfigs(STACK);
    expect(configs.map((c) => [c.setting, c.fetchMaxBytes])).toEqual([
      ["stack", 81_250_000],
      ["stack", SMALL_FETCH_MAX_BYTES],
      ["kafka-defaults", 1_048_576],
      ["kafka-defaults", SMALL_FETCH_MAX_BYTES],
    ]);
    expect(configs.length * CAPACITY_RTTS_MS.length).toBe(12);
    // The fetcher count stays the stack's: only buffers and fetch sizes vary.
    expect(configs.every((c) => c.settings.replicaFetchers === 2)).toBe(true);
  });

  it("changes a broker's file only where the configuration differs: removed keys fall back to Kafka's defaults", () => {
    const [stack, stackSmall, defaults, defaultsSmall] = capacityConfigs(STACK);
    expect(propertyEdits(stack, STACK)).toEqual({ set: {}, remove: [] });
    expect(propertyEdits(stackSmall, STACK)).toEqual({ set: { "replica.fetch.max.bytes": "65536" }, remove: [] });
    expect(propertyEdits(defaults, STACK)).toEqual({
      set: {},
      remove: [
        "socket.send.buffer.bytes",
        "socket.receive.buffer.bytes",
        "replica.socket.receive.buffer.bytes",
        "replica.fetch.max.bytes",
        "replica.fetch.response.max.bytes",
      ],
    });
    expect(propertyEdits(defaultsSmall, STACK).set).toEqual({ "replica.fetch.max.bytes": "65536" });
  });

  it("lays each direction's partitions on one leader and one follower", () => {
    expect(directionAssignment(0, 200)).toBe(Array(PARTITIONS_PER_DIRECTION).fill("0,200").join(";"));
  });
});

describe("the model of the lab's setup", () => {
  const [stack, , defaults, defaultsSmall] = capacityConfigs(STACK);

  it("two brokers, one per region, RF 2, leaders spread evenly, no cross-region produce or consumers", () => {
    const inputs = labCapacityInputs(stack, 65, LAB);
    expect(inputs).toMatchObject({
      regions: 2,
      brokersPerRegion: 1,
      replicationFactor: 2,
      consumerGroups: 0,
      producerCrossRegionFraction: 0,
      partitions: 2 * PARTITIONS_PER_DIRECTION,
      narrowestLinkBytesPerSecond: 8e6,
      perFlowBytesPerSecond: 8e6,
      worstRttMs: 65,
    });
    expect(inputs.encryption).toBeUndefined();
  });

  it("takes the window as the smaller of the follower's receive buffer and the leader's send buffer", () => {
    expect(replicationWindowBytes(defaults.settings, LAB.coreMaxBytes)).toBe(65_536);
    expect(replicationWindowBytes(stack.settings, LAB.coreMaxBytes)).toBe(81_250_000);
    expect(replicationWindowBytes(stack.settings, 4_194_304)).toBe(4_194_304);
  });

  it("predicts the link for the stack's buffers, the window for Kafka's at 65 ms, and the lab's ceiling where it is lower", () => {
    // Each connection moves a fetch at its share of the link (2 per direction): the link, less a round trip per fetch.
    const link = capacityRow(stack, 65, LAB, null);
    expect(link.predictedBytesPerSecond).toBeLessThanOrEqual(16e6);
    expect(link.predictedBytesPerSecond).toBeGreaterThan(0.99 * 16e6);
    const window = capacityRow(defaults, 65, LAB, null);
    expect(window.bottleneck).toBe("replication window");
    // 4 connections (2 fetchers each way) x 64 KiB / 65 ms, less the round trip each 4 MiB fetch costs.
    expect(window.predictedBytesPerSecond).toBeGreaterThan(0.95 * ((4 * 65_536) / 0.065));
    expect(window.predictedBytesPerSecond).toBeLessThan((4 * 65_536) / 0.065);
    expect(capacityRow(stack, 10, { ...LAB, ceilingBytesPerSecond: 9e6 }, null).bottleneck).toBe("broker disks");
    // 4 partitions x 64 KiB per fetch, moved in 4 round trips at 64 KiB each: 5 round trips per fetch.
    expect(capacityRow(defaultsSmall, 65, LAB, null).predictedBytesPerSecond).toBe(Math.round((4 * 4 * 65_536) / (5 * 0.065)));
    expect(estimateCapacity(labCapacityInputs(defaultsSmall, 65, LAB)).bottleneck.name).toBe("replication window");
  });

  it("reports the error as (predicted - measured) / measured, and fails a row with nothing measured", () => {
    const row = capacityRow(stack, 65, LAB, 14e6);
    expect(row.error).toBeCloseTo((row.predictedBytesPerSecond - 14e6) / 14e6, 3);
    expect(capacityRowsWithin([row]).ok).toBe(true);
    const off = capacityRow(stack, 65, LAB, 12.5e6);
    expect(capacityRowsWithin([row, off])).toMatchObject({ ok: false, misses: [off] });
    const none = capacityRow(stack, 65, LAB, null, "no leader");
    expect(none).toMatchObject({ error: null, failure: "no leader", measuredBytesPerSecond: null });
    expect(capacityRowsWithin([none]).ok).toBe(false);
    expect(capacityRowsWithin([]).ok).toBe(false);
  });
});
