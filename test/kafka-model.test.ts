// The Kafka model: node ids and names, per-node properties section by section, rack-aware placement and region loss.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nodeAddress } from "../lib/kafka/addresses";
import { assignReplicas, checkPlacement, rackAlternatedBrokers } from "../lib/kafka/placement";
import {
  ClusterSettings,
  RACK_AWARE_SELECTOR,
  nodeProperties,
  parseProperties,
  renderProperties,
  replicaFetchBytes,
} from "../lib/kafka/properties";
import { brokersOf, controllersOf, kafkaNodes } from "../lib/kafka/topology";

const regions = [
  { name: "us-east4", clusterId: "gke-us-east4" },
  { name: "us-central1", clusterId: "gke-us-central1" },
  { name: "us-west1", clusterId: "gke-us-west1" },
];
const nodes = kafkaNodes({ regions, brokersPerRegion: 3, controllersPerRegion: 1 });
const settings = (mesh: "submariner" | "istio"): ClusterSettings => ({
  mesh,
  nodes,
  defaultPartitions: 72,
  adminUsername: "admin",
  replicationFactor: 3,
  minInsyncReplicas: 2,
  socketBufferBytes: 81_250_000,
  vcpus: 16,
});

describe("kafkaNodes", () => {
  it("has 9 brokers and 3 controllers with ids unique across the cluster", () => {
    expect(brokersOf(nodes)).toHaveLength(9);
    expect(controllersOf(nodes).map((c) => [c.nodeId, c.region])).toEqual([
      [1000, "us-east4"],
      [1100, "us-central1"],
      [1200, "us-west1"],
    ]);
    expect(new Set(nodes.map((n) => n.nodeId)).size).toBe(12);
    expect(new Set(nodes.map((n) => n.podName)).size).toBe(12);
    expect(brokersOf(nodes).map((b) => b.podName)).toContain("kafka-broker-gke-us-central1-2");
  });
});

describe("nodeProperties", () => {
  const broker = brokersOf(nodes).find((b) => b.region === "us-central1" && b.ordinal === 1)!;

  it("sets rack = region, the rack-aware selector, durability defaults and BDP buffers on every broker", () => {
    for (const b of brokersOf(nodes)) {
      const p = nodeProperties(b, settings("submariner"));
      expect(p).toMatchObject({
        "process.roles": "broker",
        "node.id": String(b.nodeId),
        "broker.rack": b.region,
        "replica.selector.class": RACK_AWARE_SELECTOR,
        "default.replication.factor": "3",
        "min.insync.replicas": "2",
        "unclean.leader.election.enable": "false",
        "socket.send.buffer.bytes": "81250000",
        "socket.receive.buffer.bytes": "81250000",
        "replica.socket.receive.buffer.bytes": "81250000",
        "replica.fetch.max.bytes": "81250000",
        "replica.fetch.response.max.bytes": "81250000",
      });
    }
  });

  it("sizes replica.fetch.max.bytes (per partition) with the buffer, never below Kafka's 1 MiB, and the response bound at least as large", () => {
    const at = (socketBufferBytes: number) => nodeProperties(broker, { ...settings("istio"), socketBufferBytes });
    expect(at(245_000_000)).toMatchObject({ "replica.fetch.max.bytes": "245000000", "replica.fetch.response.max.bytes": "245000000" });
    // Kafka's default buffer: both bounds stay at Kafka's defaults.
    expect(at(102_400)).toMatchObject({ "replica.fetch.max.bytes": "1048576", "replica.fetch.response.max.bytes": "10485760" });
    expect(at(4_194_304)).toMatchObject({ "replica.fetch.max.bytes": "4194304", "replica.fetch.response.max.bytes": "10485760" });
    expect(nodeProperties(controllersOf(nodes)[0], settings("istio"))["replica.fetch.max.bytes"]).toBeUndefined();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_147_483_647 }), (buffer) => {
        const { perPartition, perResponse } = replicaFetchBytes(buffer);
        return perPartition >= buffer && perPartition >= 1_048_576 && perResponse >= perPartition && perResponse >= 10_485_760;
      }),
    );
  });

  it("finds the quorum through the three controllers' cross-cluster addresses; only brokers, which never vote, list them by id", () => {
    for (const n of nodes) {
      const p = nodeProperties(n, settings("submariner"));
      if (n.role === "controller") expect(p["controller.quorum.voters"]).toBeUndefined();
      else
        expect(p["controller.quorum.voters"]).toBe(
          "1000@kafka-controller-gke-us-east4-0.gke-us-east4.kafka-controller-gke-us-east4.kafka.svc.clusterset.local:9093," +
            "1100@kafka-controller-gke-us-central1-0.gke-us-central1.kafka-controller-gke-us-central1.kafka.svc.clusterset.local:9093," +
            "1200@kafka-controller-gke-us-west1-0.gke-us-west1.kafka-controller-gke-us-west1.kafka.svc.clusterset.local:9093",
        );
      expect(p["controller.quorum.bootstrap.servers"].split(",")).toEqual([
        "kafka-controller-gke-us-east4-0.gke-us-east4.kafka-controller-gke-us-east4.kafka.svc.clusterset.local:9093",
        "kafka-controller-gke-us-central1-0.gke-us-central1.kafka-controller-gke-us-central1.kafka.svc.clusterset.local:9093",
        "kafka-controller-gke-us-west1-0.gke-us-west1.kafka-controller-gke-us-west1.kafka.svc.clusterset.local:9093",
      ]);
    }
  });

  it("authenticates nodes by mutual TLS in both modes, clients by SCRAM over Kafka TLS (Submariner) or mesh mTLS (Istio)", () => {
    const sub = nodeProperties(broker, settings("submariner"));
    expect(sub["listener.security.protocol.map"]).toBe("CONTROLLER:SSL,REPLICATION:SSL,CLIENT:SASL_SSL");
    expect(sub["listener.name.replication.ssl.client.auth"]).toBe("required");
    const istio = nodeProperties(broker, settings("istio"));
    expect(istio["listener.security.protocol.map"]).toBe("CONTROLLER:SSL,REPLICATION:SSL,CLIENT:SASL_PLAINTEXT");
    expect(istio["listener.name.replication.ssl.client.auth"]).toBe("required");
    expect(istio["ssl.keystore.location"]).toBe("/etc/kafka/tls/keystore.pem");
    for (const props of [sub, istio]) {
      expect(props).toMatchObject({
        "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found": "false",
        "super.users": "User:geo-kafka-node;User:admin",
        "ssl.principal.mapping.rules": "RULE:^CN=[a-z0-9.-]+,O=geo-kafka$/geo-kafka-node/,DEFAULT",
      });
    }
    const controller = nodeProperties(controllersOf(nodes)[0], settings("istio"));
    expect(controller["listener.security.protocol.map"]).toBe("CONTROLLER:SSL");
    expect(controller["authorizer.class.name"]).toBe("org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    expect(istio["advertised.listeners"]).toBe(
      "REPLICATION://kafka-broker-gke-us-central1-1.kafka.svc.cluster.local:9091,CLIENT://kafka-broker-gke-us-central1-1.kafka.svc.cluster.local:9092",
    );
  });

  it("renders sorted key=value text that parses back to the same properties", () => {
    const p = nodeProperties(broker, settings("submariner"));
    const text = renderProperties(p);
    expect(parseProperties(text)).toEqual(p);
    const keys = text
      .trim()
      .split("\n")
      .map((l) => l.split("=")[0]);
    expect(keys).toEqual([...keys].sort());
  });

  it("gives controllers the topic defaults they apply: partitions and replication factor, and the cluster-wide min.insync.replicas", () => {
    for (const c of controllersOf(nodes)) {
      const p = nodeProperties(c, { ...settings("istio"), defaultPartitions: 48, replicationFactor: 3, minInsyncReplicas: 2 });
      expect(p).toMatchObject({ "num.partitions": "48", "default.replication.factor": "3", "min.insync.replicas": "2" });
      // Broker-side settings stay on brokers.
      expect(p["offsets.topic.replication.factor"]).toBeUndefined();
      expect(p["unclean.leader.election.enable"]).toBeUndefined();
    }
  });

  it("gives controllers no broker-only settings", () => {
    const p = nodeProperties(controllersOf(nodes)[0], settings("submariner"));
    expect(p["process.roles"]).toBe("controller");
    expect(p["broker.rack"]).toBeUndefined();
    expect(p.listeners).toBe("CONTROLLER://0.0.0.0:9093");
    expect(p["advertised.listeners"]).toBe(`CONTROLLER://${nodeAddress("submariner", controllersOf(nodes)[0])}:9093`);
  });
});

describe("placement", () => {
  const brokers = brokersOf(nodes).map((b) => ({ nodeId: b.nodeId, rack: b.region }));

  it("alternates racks like Kafka's broker list", () => {
    expect(
      rackAlternatedBrokers(brokers)
        .map((b) => b.rack)
        .slice(0, 4),
    ).toEqual(["us-central1", "us-east4", "us-west1", "us-central1"]);
  });

  it("property: with RF = regions, every partition has one replica in each region", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 300 }), (perRegion, partitions) => {
        const bs = [0, 1, 2].flatMap((r) => Array.from({ length: perRegion }, (_, i) => ({ nodeId: r * 100 + i, rack: `r${r}` })));
        return assignReplicas(bs, partitions, 3).every((set) => new Set(set.map((id) => `r${Math.floor(id / 100)}`)).size === 3);
      }),
    );
  });

  it("spreads leaders evenly over regions", () => {
    const leaders = assignReplicas(brokers, 72, 3).map((set) => brokers.find((b) => b.nodeId === set[0])!.rack);
    for (const r of regions) expect(leaders.filter((l) => l === r.name)).toHaveLength(24);
  });

  it("survives losing any one region: min.insync.replicas=2 holds and the quorum keeps a majority", () => {
    const check = checkPlacement({
      brokers,
      controllersByRack: { "us-east4": 1, "us-central1": 1, "us-west1": 1 },
      topics: [{ name: "default", partitions: 72, replicationFactor: 3 }],
      minInsyncReplicas: 2,
    });
    expect(check.ok).toBe(true);
    expect(check.regionLoss.map((r) => [r.lostRack, r.controllersLeft, r.partitionsBelowMinIsr.length])).toEqual([
      ["us-central1", 2, 0],
      ["us-east4", 2, 0],
      ["us-west1", 2, 0],
    ]);
  });

  it("fails when the quorum or min.insync.replicas cannot survive a region", () => {
    const check = checkPlacement({
      brokers,
      controllersByRack: { "us-east4": 2, "us-central1": 1, "us-west1": 0 },
      topics: [{ name: "t", partitions: 6, replicationFactor: 2 }],
      minInsyncReplicas: 2,
    });
    expect(check.ok).toBe(false);
    expect(check.problems.join("\n")).toMatch(/losing us-east4 leaves 1 of 3 controllers: no quorum/);
    expect(check.problems.join("\n")).toMatch(/below min.insync.replicas=2/);
  });
});
