// The GKE building blocks on their own: pure planners (zones, names, sysctls, firewall, kubeconfig) with tables and
// properties, and the components whose behaviour the whole-stack plan does not reach (warnings, errors, options).
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cidr, contains } from "../lib/cidr";
import { RegionSpec } from "../lib/config/spec";
import { KAFKA_CROSS_REGION_PORTS } from "../lib/ports";
import { planSocketBuffers } from "../lib/socket-buffers";
import { GkeCluster, GkeClusterArgs } from "../components/gcp/cluster";
import { KubeDnsStubDomains, stubDomainsJson } from "../components/gcp/dns";
import { ANYWHERE, planRegionFirewall } from "../lib/cloud/gke/firewall-plan";
import { gkeKubeconfig } from "../lib/cloud/gke/kubeconfig";
import {
  KAFKA_NODE_TAG,
  DATAPATH_PROVIDER,
  gkeClusterName,
  gkeTaintEffect,
  nodeServiceAccountId,
  spreadOverZones,
} from "../lib/cloud/gke/node-plan";
import { KAFKA_VM_MAX_MAP_COUNT, kafkaNodeSysctls } from "../lib/node-pools";
import { NetworkPeeringMesh } from "../components/gcp/peering";
import { PdSsdStorageClass } from "../components/gcp/storage";
import { usesPrivatelyUsedPublicRanges } from "../stacks/gke";
import { runComponent } from "./helpers/harness";
import { schemaErrors } from "./helpers/k8s-schema";

const ZONES = ["us-central1-a", "us-central1-b", "us-central1-c"];

function region(index: number, name: string, base: number, overrides: Partial<RegionSpec> = {}): RegionSpec {
  return {
    index,
    name,
    zones: [`${name}-a`, `${name}-b`, `${name}-c`],
    clusterId: `gke-${name}`,
    podCidr: `10.${base}.0.0/14`,
    nodeCidr: `10.${base + 4}.0.0/20`,
    serviceCidr: `10.${base + 4}.16.0/20`,
    ...overrides,
  };
}

const REGIONS: RegionSpec[] = [region(0, "us-east4", 0), region(1, "us-central1", 8), region(2, "us-west1", 16)];

describe("spreadOverZones", () => {
  it.each([
    [1, ["us-central1-a"], 1, 1, false],
    [2, ZONES.slice(0, 2), 1, 2, false],
    [3, ZONES, 1, 3, false],
    [6, ZONES, 2, 6, false],
    [4, ZONES, 2, 6, true],
    [7, ZONES, 3, 9, true],
  ])("%i nodes over three zones -> %j, %i per zone, %i in all (rounded up: %s)", (count, locations, perZone, total, roundedUp) => {
    expect(spreadOverZones(count, ZONES)).toEqual({ nodeLocations: locations, nodeCountPerZone: perZone, totalNodes: total, roundedUp });
  });

  it("never gives fewer nodes than asked, nor a full extra row per zone, and only uses the region's zones", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 5 }), (count, zoneCount) => {
        const zones = Array.from({ length: zoneCount }, (_, i) => `r1-${String.fromCharCode(97 + i)}`);
        const spread = spreadOverZones(count, zones);
        expect(spread.totalNodes).toBe(spread.nodeLocations.length * spread.nodeCountPerZone);
        expect(spread.totalNodes).toBeGreaterThanOrEqual(count);
        expect(spread.totalNodes - count).toBeLessThan(spread.nodeLocations.length);
        expect(spread.roundedUp).toBe(spread.totalNodes !== count);
        expect(spread.nodeLocations.every((z) => zones.includes(z))).toBe(true);
        expect(new Set(spread.nodeLocations).size).toBe(spread.nodeLocations.length);
      }),
    );
  });

  it("refuses a count GKE cannot have", () => {
    expect(() => spreadOverZones(0, ZONES)).toThrow(/positive integer/);
    expect(() => spreadOverZones(1.5, ZONES)).toThrow(/positive integer/);
    expect(() => spreadOverZones(3, [])).toThrow(/at least one zone/);
  });
});

describe("names GKE and IAM accept", () => {
  it("uses the cluster id as the cluster name while it fits GKE's 40 characters", () => {
    expect(gkeClusterName("gke-us-east4")).toBe("gke-us-east4");
    const long = `kafka-${"x".repeat(33)}-a-b`;
    expect(gkeClusterName(long)).toBe(long.slice(0, 40).replace(/-+$/, ""));
    expect(gkeClusterName(long).length).toBeLessThanOrEqual(40);
  });

  it("names the node service account after the cluster id, hashing long ids into 30 characters", () => {
    expect(nodeServiceAccountId("gke-us-east4")).toBe("gke-us-east4-nodes");
    const a = nodeServiceAccountId("gke-northamerica-northeast1");
    const b = nodeServiceAccountId("gke-northamerica-northeast2");
    expect(a).not.toBe(b);
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/), (clusterId) => {
        expect(nodeServiceAccountId(clusterId)).toMatch(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/);
      }),
    );
  });
});

describe("node kernel and datapath settings", () => {
  it("gives Kafka nodes the socket-buffer sysctls and vm.max_map_count, nothing else", () => {
    const plan = planSocketBuffers([{ a: "x", b: "y", rttMs: 70, bandwidthBytesPerSecond: 3.5e9 }]);
    expect(kafkaNodeSysctls(plan.sysctls)).toEqual({
      "net.core.rmem_max": plan.sysctls["net.core.rmem_max"],
      "net.core.wmem_max": plan.sysctls["net.core.wmem_max"],
      "net.ipv4.tcp_rmem": plan.sysctls["net.ipv4.tcp_rmem"],
      "net.ipv4.tcp_wmem": plan.sysctls["net.ipv4.tcp_wmem"],
      "vm.max_map_count": "262144",
    });
    expect(KAFKA_VM_MAX_MAP_COUNT).toBeGreaterThan(65_530);
  });

  it("maps Kubernetes taint effects to the GKE enum, and uses Dataplane V2 (NetworkPolicy enforced) whatever the mesh", () => {
    expect([gkeTaintEffect("NoSchedule"), gkeTaintEffect("PreferNoSchedule"), gkeTaintEffect("NoExecute")]).toEqual([
      "NO_SCHEDULE",
      "PREFER_NO_SCHEDULE",
      "NO_EXECUTE",
    ]);
    expect(DATAPATH_PROVIDER).toBe("ADVANCED_DATAPATH");
  });
});

describe("planRegionFirewall", () => {
  it.each(["submariner", "istio"] as const)("in %s mode, allows only from cluster ranges, and only to the Kafka pool", (mesh) => {
    REGIONS.forEach((_, local) => {
      const rules = planRegionFirewall(REGIONS, local, mesh);
      const clusterRanges = REGIONS.flatMap((r) => [r.nodeCidr, r.podCidr]).map(cidr);
      for (const rule of rules.filter((r) => r.action === "allow")) {
        expect(rule.sourceRanges).not.toContain(ANYWHERE);
        for (const source of rule.sourceRanges) {
          const fromCluster = clusterRanges.some((c) => contains(c, cidr(source)));
          expect(fromCluster, `${rule.suffix}: ${source}`).toBe(true);
        }
        // Every allow targets the Kafka pool and names its ports; none opens the whole network or every port.
        expect(rule.targetTags).toEqual([KAFKA_NODE_TAG]);
        expect(rule.ports.length).toBeGreaterThan(0);
      }
    });
  });

  it("takes peer sources from the other regions only, and the local region only for in-cluster rules", () => {
    const rules = planRegionFirewall(REGIONS, 1, "submariner");
    const bySuffix = Object.fromEntries(rules.map((r) => [r.suffix, r]));
    const peers = [REGIONS[0], REGIONS[2]].flatMap((r) => [r.nodeCidr, r.podCidr]);
    expect(bySuffix["peer-kafka"].sourceRanges).toEqual(peers);
    expect(bySuffix["local-kafka"].sourceRanges).toEqual([REGIONS[1].nodeCidr, REGIONS[1].podCidr]);
    expect(rules.map((r) => r.suffix)).toEqual(["peer-kafka", "local-kafka", "guard-kafka"]);
  });

  it.each(["submariner", "istio"] as const)("in %s mode, opens no mesh port: no gateway, cable, VXLAN or east-west rule", (mesh) => {
    const rules = planRegionFirewall(REGIONS, 0, mesh);
    const ports = rules.filter((r) => r.action === "allow").flatMap((r) => r.ports);
    expect(ports).toEqual(Array(2).fill({ protocol: "tcp", ports: ["9091", "9092", "9093"] }));
    expect(rules.some((r) => r.ports.some((g) => g.protocol === "udp"))).toBe(false);
  });

  it("guards every Kafka port from anywhere, above GKE's Service rules and below the allows", () => {
    const guard = planRegionFirewall(REGIONS, 0, "istio").find((r) => r.action === "deny")!;
    expect(guard).toMatchObject({ sourceRanges: [ANYWHERE], priority: 900, log: true });
    expect(guard.targetTags).toBeUndefined();
    expect(guard.ports).toEqual([{ protocol: "tcp", ports: KAFKA_CROSS_REGION_PORTS.map((p) => String(p.port)).sort() }]);
    for (const allow of planRegionFirewall(REGIONS, 0, "istio").filter((r) => r.action === "allow")) {
      expect(allow.priority).toBeLessThan(guard.priority);
    }
  });

  it("refuses a region index outside the list", () => {
    expect(() => planRegionFirewall(REGIONS, 3, "istio")).toThrow(/no region at index 3/);
  });
});

describe("gkeKubeconfig", () => {
  it("points at the endpoint over HTTPS with the cluster CA and authenticates through the exec plugin only", () => {
    const config = parse(gkeKubeconfig({ contextName: "gke-us-west1", endpoint: "10.0.0.2", clusterCaCertificate: "Q0E=" }));
    expect(config["current-context"]).toBe("gke-us-west1");
    expect(config.clusters).toEqual([
      { name: "gke-us-west1", cluster: { server: "https://10.0.0.2", "certificate-authority-data": "Q0E=" } },
    ]);
    expect(config.users[0].user).toEqual({
      exec: {
        apiVersion: "client.authentication.k8s.io/v1beta1",
        command: "gke-gcloud-auth-plugin",
        installHint: expect.stringContaining("gke-gcloud-auth-plugin"),
        provideClusterInfo: true,
        interactiveMode: "Never",
      },
    });
    expect(config.contexts).toEqual([{ name: "gke-us-west1", context: { cluster: "gke-us-west1", user: "gke-us-west1" } }]);
  });
});

describe("KubeDnsStubDomains", () => {
  it("renders stubDomains with Lighthouse for clusterset.local, extra domains kept, in a stable order", () => {
    expect(stubDomainsJson("10.4.0.10")).toBe('{"clusterset.local":["10.4.0.10"]}');
    expect(stubDomainsJson("10.4.0.10", { "corp.example": ["10.200.0.2"] })).toBe(
      '{"clusterset.local":["10.4.0.10"],"corp.example":["10.200.0.2"]}',
    );
  });

  it("forces ownership of the key only when asked to", async () => {
    const { recorded } = await runComponent(() => {
      const provider = new k8s.Provider("k", { kubeconfig: "mock" });
      new KubeDnsStubDomains("plain", { provider, clusterSetDnsIp: pulumi.output("10.4.0.10") });
      new KubeDnsStubDomains("forced", { provider, clusterSetDnsIp: "10.4.0.11", force: true });
    });
    const plain = recorded.one("kubernetes:core/v1:ConfigMapPatch", "plain-kube-dns");
    expect(plain).toMatchObject({ parent: "plain", provider: "k" });
    expect(plain.inputs.metadata).toEqual({ namespace: "kube-system", name: "kube-dns" });
    const forced = recorded.one("kubernetes:core/v1:ConfigMapPatch", "forced-kube-dns");
    expect(forced.inputs.metadata).toEqual({
      namespace: "kube-system",
      name: "kube-dns",
      annotations: { "pulumi.com/patchForce": "true" },
    });
    expect(forced.inputs.data).toEqual({ stubDomains: '{"clusterset.local":["10.4.0.11"]}' });
    for (const patch of [plain, forced]) expect(schemaErrors({ ...patch, type: "kubernetes:core/v1:ConfigMap" })).toEqual([]);
  });
});

describe("PdSsdStorageClass", () => {
  it("takes a name and filesystem override, keeping pd-ssd, Retain and WaitForFirstConsumer", async () => {
    const { recorded } = await runComponent(() => {
      const provider = new k8s.Provider("k", { kubeconfig: "mock" });
      new PdSsdStorageClass("s", { provider, storageClassName: "kafka-logs", fsType: "ext4" });
    });
    const sc = recorded.one("kubernetes:storage.k8s.io/v1:StorageClass", "s-sc");
    expect(sc).toMatchObject({
      parent: "s",
      provider: "k",
      inputs: {
        metadata: { name: "kafka-logs" },
        parameters: { type: "pd-ssd", "csi.storage.k8s.io/fstype": "ext4" },
        reclaimPolicy: "Retain",
        volumeBindingMode: "WaitForFirstConsumer",
      },
    });
    expect(schemaErrors(sc)).toEqual([]);
  });
});

function clusterArgs(provider: gcp.Provider, overrides: Partial<GkeClusterArgs> = {}): GkeClusterArgs {
  return {
    project: "p-123456",
    region: REGIONS[1],
    network: "net",
    subnetwork: "subnet",
    podRangeName: "pods",
    serviceRangeName: "services",
    controlPlaneCidrs: [],
    kafkaPool: { machineType: "n2-standard-8", countPerRegion: 4 },
    systemPool: { machineType: "e2-standard-4", countPerRegion: 1 },
    kubernetesVersion: "1.35",
    kafkaNodeSysctls: kafkaNodeSysctls(planSocketBuffers([{ a: "x", b: "y", rttMs: 10, bandwidthBytesPerSecond: 1e9 }]).sysctls),
    provider,
    ...overrides,
  };
}

describe("GkeCluster", () => {
  it("warns when a pool's count does not divide over the zones, and rounds up rather than down", async () => {
    const { run, recorded } = await runComponent(() => {
      const provider = new gcp.Provider("gcp-us-central1", { project: "p-123456", region: "us-central1" });
      new GkeCluster("c", clusterArgs(provider));
    });
    expect(recorded.one("gcp:container/nodePool:NodePool", "c-kafka-pool").inputs).toMatchObject({
      nodeLocations: REGIONS[1].zones,
      nodeCount: 2,
    });
    expect(recorded.one("gcp:container/nodePool:NodePool", "c-system-pool").inputs).toMatchObject({
      nodeLocations: ["us-central1-a"],
      nodeCount: 1,
    });
    const warnings = run.diagnostics.filter((d) => d.severity === "warning").map((d) => d.message);
    expect(warnings).toEqual([
      expect.stringMatching(/nodePools\.kafka\.countPerRegion: 4 nodes do not divide over 3 zones of us-central1; .* gets 6/),
    ]);
  });

  it("takes the release channel and deletion protection from its arguments, with every child on the given provider", async () => {
    const { recorded } = await runComponent(() => {
      const provider = new gcp.Provider("gcp-us-central1", { project: "p-123456", region: "us-central1" });
      new GkeCluster("c", clusterArgs(provider, { releaseChannel: "STABLE", protectData: false }));
    });
    expect(recorded.one("gcp:container/cluster:Cluster", "c-control-plane").inputs).toMatchObject({
      releaseChannel: { channel: "STABLE" },
      deletionProtection: false,
      datapathProvider: "ADVANCED_DATAPATH",
      privateClusterConfig: { enablePrivateEndpoint: true },
    });
    const children = recorded.where((r) => r.custom && r.type.startsWith("gcp:"));
    expect(children.map((r) => r.provider)).toEqual(children.map(() => "gcp-us-central1"));
    expect(children.map((r) => r.parent)).toEqual(children.map(() => "c"));
  });

  it("lists every bad argument at once, by property path", async () => {
    const attempt = runComponent(() => {
      const provider = new gcp.Provider("gcp-us-central1", { project: "p-123456", region: "us-central1" });
      new GkeCluster(
        "bad",
        clusterArgs(provider, {
          region: { ...REGIONS[1], zones: ["us-east4-a"] },
          kafkaPool: { machineType: "n2-standard-8", countPerRegion: 0 },
        }),
      );
    });
    await expect(attempt).rejects.toMatchObject({
      errors: [
        { propertyPath: "kafkaPool.countPerRegion", reason: expect.stringContaining("positive integer") },
        { propertyPath: "region.zones[0]", reason: "us-east4-a is not in us-central1" },
      ],
    });
  });
});

describe("NetworkPeeringMesh", () => {
  it("peers two networks both ways, each from its own side's provider, the second after the first", async () => {
    const { recorded } = await runComponent(() => {
      const a = new gcp.Provider("gcp-a", { project: "p-123456", region: "europe-west1" });
      const b = new gcp.Provider("gcp-b", { project: "p-123456", region: "europe-west4" });
      new NetworkPeeringMesh("m", {
        networks: [
          { region: "europe-west1", selfLink: "link-a", provider: a },
          { region: "europe-west4", selfLink: "link-b", provider: b },
        ],
        exchangeSubnetRoutesWithPublicIp: true,
      });
    });
    const peerings = recorded.ofType("gcp:compute/networkPeering:NetworkPeering");
    expect(
      peerings.map((p) => [p.name, p.provider, p.inputs.network, p.inputs.peerNetwork, p.inputs.importSubnetRoutesWithPublicIp]),
    ).toEqual([
      ["m-europe-west1-to-region-1", "gcp-a", "link-a", "link-b", true],
      ["m-europe-west4-to-region-0", "gcp-b", "link-b", "link-a", true],
    ]);
  });

  it("refuses fewer than two networks", async () => {
    const attempt = runComponent(() => {
      const a = new gcp.Provider("gcp-a", { project: "p-123456", region: "europe-west1" });
      new NetworkPeeringMesh("m", { networks: [{ region: "europe-west1", selfLink: "link-a", provider: a }] });
    });
    await expect(attempt).rejects.toMatchObject({ errors: [{ propertyPath: "networks" }] });
  });
});

describe("usesPrivatelyUsedPublicRanges", () => {
  it("is false for RFC 1918 plans and true once a range is a public block used privately", () => {
    expect(usesPrivatelyUsedPublicRanges(REGIONS)).toBe(false);
    expect(usesPrivatelyUsedPublicRanges([...REGIONS.slice(0, 2), region(2, "us-west1", 16, { podCidr: "11.0.0.0/14" })])).toBe(true);
  });
});
