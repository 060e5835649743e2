// Stack gke as recorded under mocks: networks, peering, firewall, clusters, node pools, providers, storage, DNS hook.
// Every "Done when" item of the GKE issue is asserted here on the recorded inputs.
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cidr, contains, overlaps } from "../lib/cidr";
import { RegionSpec, StackSpec } from "../lib/config/spec";
import { KAFKA_PORTS } from "../lib/ports";
import { planSocketBuffers } from "../lib/socket-buffers";
import { KAFKA_NODE_LABEL, KAFKA_NODE_TAINT, SYSTEM_NODE_LABEL } from "../lib/node-pools";
import { KAFKA_VM_MAX_MAP_COUNT } from "../lib/node-pools";
import { derivePlan } from "../stacks/common";
import { gkeStack } from "../stacks/gke";
import { RecordedResource, containsSecret, isSecretValue } from "../tools/mock-runtime";
import { Recorded, planStackOk, runComponent, setPath, stackConfig, stackSpec } from "./helpers/harness";
import { isKubernetesObject, schemaErrors } from "./helpers/k8s-schema";

const T = {
  network: "gcp:compute/network:Network",
  subnet: "gcp:compute/subnetwork:Subnetwork",
  peering: "gcp:compute/networkPeering:NetworkPeering",
  firewall: "gcp:compute/firewall:Firewall",
  router: "gcp:compute/router:Router",
  nat: "gcp:compute/routerNat:RouterNat",
  cluster: "gcp:container/cluster:Cluster",
  nodePool: "gcp:container/nodePool:NodePool",
  serviceAccount: "gcp:serviceaccount/account:Account",
  iamMember: "gcp:projects/iAMMember:IAMMember",
  storageClass: "kubernetes:storage.k8s.io/v1:StorageClass",
  k8sProvider: "pulumi:providers:kubernetes",
  gcpProvider: "pulumi:providers:gcp",
  configMapPatch: "kubernetes:core/v1:ConfigMapPatch",
} as const;

const KAFKA_TCP_PORTS = Object.values(KAFKA_PORTS);

/** The mocks' selfLink of a region's VPC (tools/mocks/gcp.ts). */
const networkLink = (region: string) => `mock-self-link:networks/mock-gke-${region}-network-vpc`;
const subnetLink = (region: string) => `mock-self-link:subnetworks/mock-gke-${region}-network-nodes`;

interface PortGroup {
  protocol: string;
  ports?: string[];
}

/** True when a firewall port list (`"9092"` or `"9000-9100"`) covers the port. */
function covers(group: PortGroup, protocol: string, port: number): boolean {
  if (group.protocol !== protocol && group.protocol !== "all") return false;
  if (!group.ports || group.ports.length === 0) return true;
  return group.ports.some((p) => {
    const [low, high] = p.split("-").map(Number);
    return high === undefined ? low === port : low <= port && port <= high;
  });
}

/** Region of the GkeRegion component a resource sits under (`gke-<region>`), if any. */
function regionAncestor(recorded: Recorded, resource: RecordedResource, regions: readonly RegionSpec[]): string | undefined {
  let current: RecordedResource | undefined = resource;
  while (current) {
    if (current.type === "geo-kafka:gcp:GkeRegion") return regions.find((r) => current!.name === `gke-${r.name}`)?.name;
    current = current.parent ? recorded.where((r) => r.name === current!.parent && !r.custom)[0] : undefined;
  }
  return undefined;
}

function kubeconfigOf(provider: RecordedResource): {
  clusters: Array<{ cluster: Record<string, string> }>;
  users: Array<{ user: Record<string, unknown> }>;
} {
  const kubeconfig = provider.inputs.kubeconfig;
  // Kept secret in state; the recorded input carries the SDK's secret marker around the text.
  if (!isSecretValue(kubeconfig)) throw new Error(`${provider.name}: kubeconfig is not a secret`);
  return parse(kubeconfig.value as string);
}

describe("stack gke (submariner, public endpoint limited to the configured CIDRs)", () => {
  let recorded: Recorded;
  let outputs: Record<string, unknown>;
  let spec: StackSpec;

  beforeAll(async () => {
    spec = stackSpec("gke");
    const { run, recorded: r } = await planStackOk("gke");
    recorded = r;
    outputs = run.outputs;
  });

  describe("networks", () => {
    it("creates one custom-mode VPC per region, each with its own region's provider", () => {
      expect(recorded.ofType(T.network).map((n) => [n.name, n.provider, n.inputs.autoCreateSubnetworks, n.inputs.routingMode])).toEqual(
        spec.regions.map((r) => [`gke-${r.name}-network-vpc`, `gcp-${r.name}`, false, "REGIONAL"]),
      );
    });

    it("gives each subnet the planned node range as primary and the pod and service ranges as secondary ranges", () => {
      const subnets = recorded.ofType(T.subnet);
      expect(subnets).toHaveLength(3);
      for (const region of spec.regions) {
        const subnet = recorded.one(T.subnet, `gke-${region.name}-network-nodes`);
        expect(subnet.provider).toBe(`gcp-${region.name}`);
        expect(subnet.inputs).toMatchObject({
          network: networkLink(region.name),
          region: region.name,
          ipCidrRange: region.nodeCidr,
          privateIpGoogleAccess: true,
          secondaryIpRanges: [
            { rangeName: "pods", ipCidrRange: region.podCidr },
            { rangeName: "services", ipCidrRange: region.serviceCidr },
          ],
        });
      }
    });

    it("has no two primary or secondary ranges overlapping, in any subnet", () => {
      const ranges = recorded
        .ofType(T.subnet)
        .flatMap((s) => [
          s.inputs.ipCidrRange as string,
          ...(s.inputs.secondaryIpRanges as Array<{ ipCidrRange: string }>).map((r) => r.ipCidrRange),
        ]);
      expect(ranges).toHaveLength(9);
      for (let i = 0; i < ranges.length; i++) {
        for (let j = i + 1; j < ranges.length; j++) {
          expect(overlaps(cidr(ranges[i]), cidr(ranges[j])), `${ranges[i]} vs ${ranges[j]}`).toBe(false);
        }
      }
    });

    it("peers every ordered pair of networks once, from the local network with the local region's provider", () => {
      const peerings = recorded.ofType(T.peering);
      expect(peerings).toHaveLength(6);
      const regionOfLink = (link: unknown) => spec.regions.find((r) => networkLink(r.name) === link)?.name;
      const pairs = peerings.map((p) => {
        const from = regionOfLink(p.inputs.network);
        expect(p.provider).toBe(`gcp-${from}`);
        return `${from}->${regionOfLink(p.inputs.peerNetwork)}`;
      });
      const expected = spec.regions.flatMap((a) => spec.regions.filter((b) => b !== a).map((b) => `${a.name}->${b.name}`));
      expect([...pairs].sort()).toEqual([...expected].sort());
    });

    it("exchanges subnet routes (pod and service secondary ranges included) and no custom or public-range routes", () => {
      for (const p of recorded.ofType(T.peering)) {
        expect(p.inputs).toMatchObject({
          exportCustomRoutes: false,
          importCustomRoutes: false,
          exportSubnetRoutesWithPublicIp: false,
          importSubnetRoutesWithPublicIp: false,
          stackType: "IPV4_ONLY",
        });
      }
    });

    it("gives each region a Cloud Router and a Cloud NAT for its own subnet's primary and secondary ranges", () => {
      for (const region of spec.regions) {
        const router = recorded.one(T.router, `gke-${region.name}-network-router`);
        expect(router).toMatchObject({
          provider: `gcp-${region.name}`,
          inputs: { network: networkLink(region.name), region: region.name },
        });
        const nat = recorded.one(T.nat, `gke-${region.name}-network-nat`);
        expect(nat.provider).toBe(`gcp-${region.name}`);
        expect(nat.inputs).toMatchObject({
          router: `mock-gke-${region.name}-network-router`,
          region: region.name,
          // A reserved address, so the other regions' control planes can authorize it before it is used.
          natIpAllocateOption: "MANUAL_ONLY",
          natIps: [`mock-self-link:addresses/mock-gke-${region.name}-nat-address`],
          sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
          subnetworks: [{ name: subnetLink(region.name), sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
        });
      }
    });
  });

  describe("firewall", () => {
    const clusterRanges = () => spec.regions.flatMap((r) => [r.nodeCidr, r.podCidr]).map(cidr);

    it("opens broker and controller ports to no source outside the clusters' node and pod ranges, 0.0.0.0/0 least of all", () => {
      const openers = recorded
        .ofType(T.firewall)
        .filter((f) =>
          ((f.inputs.allows as PortGroup[] | undefined) ?? []).some((g) => KAFKA_TCP_PORTS.some((port) => covers(g, "tcp", port))),
        );
      expect(openers.length).toBe(6);
      for (const rule of openers) {
        const sources = rule.inputs.sourceRanges as string[];
        expect(sources).not.toContain("0.0.0.0/0");
        for (const source of sources)
          expect(
            clusterRanges().some((range) => contains(range, cidr(source))),
            `${rule.name}: ${source}`,
          ).toBe(true);
      }
    });

    it("allows nothing at all from 0.0.0.0/0; the only rule naming it denies the Kafka ports", () => {
      const world = recorded.ofType(T.firewall).filter((f) => (f.inputs.sourceRanges as string[]).includes("0.0.0.0/0"));
      expect(world.map((f) => f.name).sort()).toEqual(spec.regions.map((r) => `gke-${r.name}-firewall-guard-kafka`).sort());
      for (const guard of world) {
        expect(guard.inputs.allows).toBeUndefined();
        expect(guard.inputs).toMatchObject({
          direction: "INGRESS",
          priority: 900,
          denies: [{ protocol: "tcp", ports: ["9091", "9092", "9093"] }],
          logConfig: { metadata: "INCLUDE_ALL_METADATA" },
        });
        // Above GKE's own Service rules (priority 1000), below this stack's allows (800).
        expect(guard.inputs.priority as number).toBeLessThan(1000);
      }
    });

    it("admits from the other regions' node and pod ranges exactly the Kafka ports, to the Kafka pool", () => {
      spec.regions.forEach((region, i) => {
        const rule = recorded.one(T.firewall, `gke-${region.name}-firewall-peer-kafka`);
        const peers = spec.regions.filter((_, j) => j !== i);
        expect(rule.provider).toBe(`gcp-${region.name}`);
        expect(rule.inputs).toMatchObject({
          network: networkLink(region.name),
          direction: "INGRESS",
          priority: 800,
          allows: [{ protocol: "tcp", ports: ["9091", "9092", "9093"] }],
          sourceRanges: peers.flatMap((p) => [p.nodeCidr, p.podCidr]),
          targetTags: ["geo-kafka-kafka-node"],
        });
      });
    });

    it("opens no Submariner port: no gateway, NAT-T, NAT discovery or VXLAN rule, and nothing but Kafka's TCP ports", () => {
      const names = recorded.ofType(T.firewall).map((f) => f.name.slice(f.name.indexOf("-firewall-") + "-firewall-".length));
      expect([...new Set(names)].sort()).toEqual(["guard-kafka", "local-kafka", "peer-kafka"]);
      for (const f of recorded.ofType(T.firewall)) {
        for (const group of [
          ...((f.inputs.allows as PortGroup[] | undefined) ?? []),
          ...((f.inputs.denies as PortGroup[] | undefined) ?? []),
        ]) {
          expect(group, f.name).toEqual({ protocol: "tcp", ports: ["9091", "9092", "9093"] });
        }
      }
    });

    it("keeps in-cluster Kafka clients to the cluster's own ranges", () => {
      for (const region of spec.regions) {
        expect(recorded.one(T.firewall, `gke-${region.name}-firewall-local-kafka`).inputs).toMatchObject({
          sourceRanges: [region.nodeCidr, region.podCidr],
          allows: [{ protocol: "tcp", ports: ["9091", "9092", "9093"] }],
          targetTags: ["geo-kafka-kafka-node"],
        });
      }
    });
  });

  describe("clusters", () => {
    it("creates three regional clusters located in the three configured regions and their zones", () => {
      // By name: clusters register in the order their inputs resolve (the broker cluster waits for the NAT addresses).
      const clusters = spec.regions.map((r) => recorded.one(T.cluster, `gke-${r.name}-cluster-control-plane`));
      expect(clusters.map((c) => [c.name, c.provider, c.inputs.name, c.inputs.location, c.inputs.nodeLocations])).toEqual(
        spec.regions.map((r) => [`gke-${r.name}-cluster-control-plane`, `gcp-${r.name}`, r.clusterId, r.name, r.zones]),
      );
      expect(recorded.ofType(T.cluster)).toHaveLength(3);
    });

    it("makes every cluster VPC-native on its own subnet's named secondary ranges", () => {
      for (const region of spec.regions) {
        expect(recorded.one(T.cluster, `gke-${region.name}-cluster-control-plane`).inputs).toMatchObject({
          network: networkLink(region.name),
          subnetwork: subnetLink(region.name),
          networkingMode: "VPC_NATIVE",
          ipAllocationPolicy: { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" },
        });
      }
    });

    it("hardens every cluster: private nodes, shielded nodes, workload identity, release channel, no client certificate", () => {
      for (const c of recorded.ofType(T.cluster)) {
        expect(c.inputs).toMatchObject({
          project: "acme-streaming-prod",
          enableShieldedNodes: true,
          workloadIdentityConfig: { workloadPool: "acme-streaming-prod.svc.id.goog" },
          releaseChannel: { channel: "REGULAR" },
          removeDefaultNodePool: true,
          initialNodeCount: 1,
          deletionProtection: true,
          masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
          addonsConfig: { gcePersistentDiskCsiDriverConfig: { enabled: true } },
          dnsConfig: { clusterDns: "KUBE_DNS" },
          nodeConfig: {
            shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
            workloadMetadataConfig: { mode: "GKE_METADATA" },
          },
        });
        expect((c.inputs.privateClusterConfig as Record<string, unknown>).enablePrivateNodes).toBe(true);
        // PSC-based control plane: no /28 taken from the address plan.
        expect((c.inputs.privateClusterConfig as Record<string, unknown>).masterIpv4CidrBlock).toBeUndefined();
      }
    });

    it("limits the public endpoint to the configured CIDRs, never to Google Cloud's public addresses", () => {
      for (const c of recorded.ofType(T.cluster)) {
        expect(c.inputs.privateClusterConfig).toEqual({
          enablePrivateNodes: true,
          enablePrivateEndpoint: false,
          masterGlobalAccessConfig: { enabled: true },
        });
        const index = spec.regions.findIndex((r) => c.name === `gke-${r.name}-cluster-control-plane`);
        // The configured CIDRs; on the broker cluster (the first) also every cluster's reserved NAT address, its own
        // included, since every Lighthouse agent dials the broker's public endpoint; on the others nothing more.
        const nat = (r: RegionSpec) => ({
          cidrBlock: `mock-address:gke-${r.name}-nat-address/32`,
          displayName: `geo-kafka NAT of ${r.name}`,
        });
        expect(c.inputs.masterAuthorizedNetworksConfig).toEqual({
          cidrBlocks: [
            { cidrBlock: "203.0.113.0/24", displayName: "geo-kafka:access.controlPlaneCidrs[0]" },
            ...(index === 0 ? spec.regions.map(nat) : []),
          ],
          gcpPublicCidrsAccessEnabled: false,
        });
      }
    });

    it("uses Dataplane V2, which enforces NetworkPolicies (Submariner no longer holds it on the legacy datapath)", () => {
      expect(recorded.ofType(T.cluster).map((c) => c.inputs.datapathProvider)).toEqual([
        "ADVANCED_DATAPATH",
        "ADVANCED_DATAPATH",
        "ADVANCED_DATAPATH",
      ]);
    });

    it("runs every node pool as its region's dedicated service account, holding only GKE's node role", () => {
      for (const region of spec.regions) {
        const sa = recorded.one(T.serviceAccount, `gke-${region.name}-cluster-nodes-sa`);
        expect(sa.inputs).toMatchObject({ accountId: `${region.clusterId}-nodes`, project: "acme-streaming-prod" });
        const email = `${region.clusterId}-nodes@mock-project.iam.gserviceaccount.invalid`;
        expect(recorded.one(T.iamMember, `gke-${region.name}-cluster-nodes-sa-role`).inputs).toEqual({
          project: "acme-streaming-prod",
          role: "roles/container.defaultNodeServiceAccount",
          member: `serviceAccount:${email}`,
        });
        for (const pool of ["kafka", "system"]) {
          const nodeConfig = recorded.one(T.nodePool, `gke-${region.name}-cluster-${pool}-pool`).inputs.nodeConfig as Record<
            string,
            unknown
          >;
          expect(nodeConfig).toMatchObject({
            serviceAccount: email,
            oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
            shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
            workloadMetadataConfig: { mode: "GKE_METADATA" },
            kubeletConfig: { insecureKubeletReadonlyPortEnabled: "FALSE" },
          });
        }
      }
    });
  });

  describe("node pools", () => {
    it("sizes the Kafka pool from config, one node per zone over the region's zones, reserved by label and taint", () => {
      for (const region of spec.regions) {
        const pool = recorded.one(T.nodePool, `gke-${region.name}-cluster-kafka-pool`);
        expect(pool.provider).toBe(`gcp-${region.name}`);
        expect(pool.inputs).toMatchObject({
          cluster: `mock-id:gke-${region.name}-cluster-control-plane`,
          location: region.name,
          nodeLocations: region.zones,
          nodeCount: 1,
          upgradeSettings: { strategy: "SURGE", maxSurge: 1, maxUnavailable: 0 },
          nodeConfig: {
            machineType: "n2-standard-16",
            labels: { [KAFKA_NODE_LABEL.key]: KAFKA_NODE_LABEL.value },
            taints: [{ key: KAFKA_NODE_TAINT.key, value: KAFKA_NODE_TAINT.value, effect: "NO_SCHEDULE" }],
            tags: ["geo-kafka-kafka-node"],
          },
        });
        expect((pool.inputs.nodeLocations as string[]).length * (pool.inputs.nodeCount as number)).toBe(
          spec.nodePools.kafka.countPerRegion,
        );
      }
    });

    it("raises each Kafka pool's socket-buffer sysctls to at least the computed buffer, and vm.max_map_count", () => {
      const plan = planSocketBuffers(spec.links);
      const maxOf = (triple: string) => Number(triple.split(" ")[2]);
      for (const pool of recorded.where((r) => r.type === T.nodePool && r.name.endsWith("-kafka-pool"))) {
        const sysctls = ((pool.inputs.nodeConfig as Record<string, unknown>).linuxNodeConfig as { sysctls: Record<string, string> })
          .sysctls;
        expect(sysctls).toEqual({ ...plan.sysctls, "vm.max_map_count": String(KAFKA_VM_MAX_MAP_COUNT) });
        expect(Number(sysctls["net.core.rmem_max"])).toBeGreaterThanOrEqual(plan.socketBufferBytes);
        expect(Number(sysctls["net.core.wmem_max"])).toBeGreaterThanOrEqual(plan.socketBufferBytes);
        expect(maxOf(sysctls["net.ipv4.tcp_rmem"])).toBeGreaterThanOrEqual(plan.socketBufferBytes);
        expect(maxOf(sysctls["net.ipv4.tcp_wmem"])).toBeGreaterThanOrEqual(plan.socketBufferBytes);
        expect(Number(sysctls["vm.max_map_count"])).toBeGreaterThan(65_530);
      }
      expect(plan.socketBufferBytes).toBe(81_250_000);
    });

    it("spreads the two-node system pool over two zones, labelled and untainted, with no kernel changes", () => {
      for (const region of spec.regions) {
        const pool = recorded.one(T.nodePool, `gke-${region.name}-cluster-system-pool`);
        expect(pool.inputs).toMatchObject({
          location: region.name,
          nodeLocations: region.zones.slice(0, 2),
          nodeCount: 1,
          nodeConfig: {
            machineType: "e2-standard-4",
            labels: { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value },
            tags: ["geo-kafka-system-node"],
          },
        });
        const nodeConfig = pool.inputs.nodeConfig as Record<string, unknown>;
        expect(nodeConfig.taints).toBeUndefined();
        expect(nodeConfig.linuxNodeConfig).toBeUndefined();
      }
    });
  });

  describe("Kubernetes providers, storage and objects", () => {
    it("builds one Kubernetes provider per cluster from its endpoint and CA, authenticating with gke-gcloud-auth-plugin", () => {
      const providers = recorded.ofType(T.k8sProvider);
      expect(providers.map((p) => p.name).sort()).toEqual(spec.regions.map((r) => `gke-${r.name}-k8s`).sort());
      for (const region of spec.regions) {
        const provider = recorded.one(T.k8sProvider, `gke-${region.name}-k8s`);
        const control = `gke-${region.name}-cluster-control-plane`;
        expect(provider.inputs.clusterIdentifier).toBe(`mock-id:${control}`);
        const config = kubeconfigOf(provider);
        expect(config.clusters[0].cluster).toEqual({
          server: `https://mock-endpoint.${control}.invalid`,
          "certificate-authority-data": Buffer.from(`mock-ca-certificate:${control}`).toString("base64"),
        });
        expect(config.users[0].user).toEqual({
          exec: expect.objectContaining({ command: "gke-gcloud-auth-plugin", provideClusterInfo: true }),
        });
        expect(JSON.stringify(provider.inputs.kubeconfig)).not.toMatch(/token|client-key|password/);
      }
    });

    it("binds each pd-ssd StorageClass to its own cluster's provider", () => {
      const classes = recorded.ofType(T.storageClass);
      expect(classes).toHaveLength(3);
      for (const region of spec.regions) {
        const sc = recorded.one(T.storageClass, `gke-${region.name}-storage-sc`);
        expect(sc.provider).toBe(`gke-${region.name}-k8s`);
        const server = kubeconfigOf(recorded.one(T.k8sProvider, sc.provider!)).clusters[0].cluster.server;
        expect(server).toBe(`https://mock-endpoint.gke-${region.name}-cluster-control-plane.invalid`);
        expect(sc.inputs).toEqual({
          apiVersion: "storage.k8s.io/v1",
          kind: "StorageClass",
          metadata: { name: "geo-kafka-pd-ssd", labels: { "app.kubernetes.io/part-of": "geo-kafka" } },
          provisioner: "pd.csi.storage.gke.io",
          parameters: { type: "pd-ssd", "replication-type": "none", "csi.storage.k8s.io/fstype": "xfs" },
          volumeBindingMode: "WaitForFirstConsumer",
          allowVolumeExpansion: true,
          reclaimPolicy: "Retain",
        });
      }
    });

    it("validates every recorded Kubernetes object against the Kubernetes OpenAPI schemas", () => {
      const objects = recorded.where(isKubernetesObject);
      expect(objects.length).toBeGreaterThanOrEqual(3);
      expect(objects.flatMap(schemaErrors)).toEqual([]);
    });
  });

  it("gives every GCP resource an explicit provider of its own region", () => {
    const gcpResources = recorded.where((r) => r.type.startsWith("gcp:"));
    // Per region: NAT address, VPC, subnet, router, NAT, 3 firewall rules (Kafka from peers, Kafka from itself, the
    // guard), service account, IAM binding, cluster, 2 pools; plus 6 peerings.
    expect(gcpResources).toHaveLength(3 * 13 + 6);
    for (const r of gcpResources) {
      const region =
        r.type === T.peering
          ? spec.regions.find((s) => networkLink(s.name) === r.inputs.network)?.name
          : r.type === "gcp:compute/address:Address"
            ? spec.regions.find((s) => r.name === `gke-${s.name}-nat-address`)?.name
            : regionAncestor(recorded, r, spec.regions);
      expect(region, r.name).toBeDefined();
      expect(r.provider, r.name).toBe(`gcp-${region}`);
    }
    expect(recorded.ofType(T.gcpProvider).map((p) => p.inputs.region)).toEqual(spec.regions.map((r) => r.name));
  });

  it("exports cluster names, locations and endpoints, and no secret", () => {
    const gke = outputs.gke as { clusters: Array<Record<string, unknown>> };
    expect(gke.clusters.map((c) => [c.name, c.location, c.endpoint, c.privateEndpointOnly, c.kafkaNodes, c.systemNodes])).toEqual(
      spec.regions.map((r) => [r.clusterId, r.name, `mock-endpoint.gke-${r.name}-cluster-control-plane.invalid`, false, 3, 2]),
    );
    expect(containsSecret(outputs)).toBe(false);
  });
});

describe("stack gke in istio mode", () => {
  let recorded: Recorded;

  beforeAll(async () => {
    const config = stackConfig("gke");
    setPath(config, "mesh", ["mode"], "istio");
    recorded = (await planStackOk("gke", config)).recorded;
  });

  it("uses Dataplane V2", () => {
    expect(recorded.ofType(T.cluster).map((c) => c.inputs.datapathProvider)).toEqual([
      "ADVANCED_DATAPATH",
      "ADVANCED_DATAPATH",
      "ADVANCED_DATAPATH",
    ]);
  });

  it("opens no Istio port between regions (one network: sidecars dial remote pods on Kafka's ports), and no health-check rule", () => {
    const names = recorded.ofType(T.firewall).map((f) => f.name.slice(f.name.indexOf("-firewall-") + "-firewall-".length));
    expect([...new Set(names)].sort()).toEqual(["guard-kafka", "local-kafka", "peer-kafka"]);
  });

  it("authorizes on each public endpoint the other regions' NAT addresses (every istiod watches every other API)", () => {
    const spec = stackSpec("gke");
    for (const c of recorded.ofType(T.cluster)) {
      const index = spec.regions.findIndex((r) => c.name === `gke-${r.name}-cluster-control-plane`);
      const blocks = (c.inputs.masterAuthorizedNetworksConfig as { cidrBlocks: Array<{ cidrBlock: string }> }).cidrBlocks;
      expect(blocks.map((b) => b.cidrBlock)).toEqual([
        "203.0.113.0/24",
        ...spec.regions.filter((_, j) => j !== index).map((r) => `mock-address:gke-${r.name}-nat-address/32`),
      ]);
    }
  });

  it("still opens no Kafka port beyond the clusters' ranges", () => {
    for (const f of recorded.ofType(T.firewall)) {
      const allows = (f.inputs.allows as PortGroup[] | undefined) ?? [];
      if (allows.some((g) => KAFKA_TCP_PORTS.some((port) => covers(g, "tcp", port)))) {
        expect(f.inputs.sourceRanges as string[]).not.toContain("0.0.0.0/0");
      }
      if ((f.inputs.sourceRanges as string[]).includes("0.0.0.0/0")) expect(allows).toEqual([]);
    }
  });
});

describe("stack gke without control plane CIDRs", () => {
  it("disables the public endpoint entirely and authorizes no external network", async () => {
    const config = stackConfig("gke");
    setPath(config, "access", ["controlPlaneCidrs"], []);
    const { run, recorded } = await planStackOk("gke", config);
    for (const c of recorded.ofType(T.cluster)) {
      expect(c.inputs.privateClusterConfig).toMatchObject({ enablePrivateNodes: true, enablePrivateEndpoint: true });
      expect(c.inputs.masterAuthorizedNetworksConfig).toEqual({ cidrBlocks: [], gcpPublicCidrsAccessEnabled: false });
    }
    const clusters = (run.outputs.gke as { clusters: Array<{ privateEndpointOnly: boolean }> }).clusters;
    expect(clusters.map((c) => c.privateEndpointOnly)).toEqual([true, true, true]);
  });
});

describe("the Submariner DNS hook of stack gke", () => {
  it("patches only kube-dns's stubDomains, in each region's cluster, through that cluster's provider", async () => {
    const spec = stackSpec("gke");
    // The stack wires the hook to the mesh: each cluster's stub domain points at its own Lighthouse DNS Service.
    const { recorded } = await runComponent(() => gkeStack(spec, derivePlan(spec)));
    const patches = recorded.ofType(T.configMapPatch);
    expect(patches).toHaveLength(3);
    spec.regions.forEach((region) => {
      const patch = recorded.one(T.configMapPatch, `gke-${region.name}-clusterset-dns-kube-dns`);
      expect(patch.provider).toBe(`gke-${region.name}-k8s`);
      const dnsService = recorded.where(
        (r) => r.type === "kubernetes:core/v1:Service" && r.provider === patch.provider && r.name.includes("clusterset-dns"),
      );
      expect(dnsService).toHaveLength(1);
      expect(patch.inputs).toEqual({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { namespace: "kube-system", name: "kube-dns" },
        data: { stubDomains: JSON.stringify({ "clusterset.local": [`mock-cluster-ip:${dnsService[0].name}`] }) },
      });
      // A patch is a partial ConfigMap: it must still be a valid ConfigMap.
      expect(schemaErrors({ ...patch, type: "kubernetes:core/v1:ConfigMap" })).toEqual([]);
    });
  });
});
