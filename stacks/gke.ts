// Stack gke: composition only. One GCP provider per region; each region's network, firewall, cluster and storage
// receive theirs explicitly, then the regional networks are peered as a full mesh, and the mesh and Kafka go on top.
import * as gcp from "@pulumi/gcp";
import { PRIVATE_RANGES, cidr, insideAny } from "../lib/cidr";
import { profileOf } from "../lib/cloud";
import { apiServerClients } from "../lib/mesh/access";
import type { GkeStackSpec, RegionSpec } from "../lib/config/spec";
import { GkeRegion } from "../components/gcp/region";
import { NetworkPeeringMesh } from "../components/gcp/peering";
import { RegionalCluster } from "../components/platform";
import { DerivedPlan, commonOutputs, guardData } from "./common";
import { deployWorkload, workloadResources } from "./workload";

/** True when some cluster range is a privately used public range, which peering exchanges only when told to. */
export function usesPrivatelyUsedPublicRanges(regions: readonly RegionSpec[]): boolean {
  return regions
    .flatMap((r) => [r.nodeCidr, r.podCidr, r.serviceCidr])
    .map(cidr)
    .some((range) => !insideAny(PRIVATE_RANGES, range));
}

export function gkeStack(spec: GkeStackSpec, derived: DerivedPlan) {
  const project = spec.gcp.project;
  const providers = spec.regions.map(
    (region) =>
      new gcp.Provider(`gcp-${region.name}`, {
        project,
        region: region.name,
        defaultLabels: { "geo-kafka-region": region.name },
      }),
  );

  // Reserved NAT addresses, known before any cluster: with a public endpoint, a cluster authorizes the NAT addresses of
  // the clusters whose mesh dials its API (Submariner: every cluster on the broker's, none elsewhere; Istio: the others).
  const natAddresses = spec.regions.map(
    (region, i) =>
      new gcp.compute.Address(
        `gke-${region.name}-nat-address`,
        { region: region.name, addressType: "EXTERNAL", description: `geo-kafka ${region.clusterId}: Cloud NAT egress` },
        { provider: providers[i] },
      ),
  );

  const apiClients = apiServerClients(spec.mesh.mode, spec.regions.length);
  // Region after region: each region's Kafka pool (and system pool) updates only after the previous region's has finished.
  const regions: GkeRegion[] = [];
  spec.regions.forEach((region, index) =>
    regions.push(
      new GkeRegion(`gke-${region.name}`, {
        natAddressSelfLink: natAddresses[index].selfLink,
        apiClientEgressIps: apiClients[index].map((j) => ({ region: spec.regions[j].name, ip: natAddresses[j].address })),
        project,
        regions: spec.regions,
        index,
        mesh: spec.mesh.mode,
        controlPlaneCidrs: spec.access.controlPlaneCidrs,
        releaseChannel: spec.gcp.releaseChannel,
        managedPrometheus: spec.observability.scrape === "gke-managed",
        nodePools: spec.nodePools,
        kafkaNodeSysctls: profileOf("gke").kafkaNodeSysctls(derived.socketBuffers.sysctls),
        protectData: spec.protectData,
        kubernetesVersion: spec.kubernetesVersion,
        ...(index > 0 ? { kafkaPoolAfter: [regions[index - 1].gke.kafkaPool], systemPoolAfter: [regions[index - 1].gke.systemPool] } : {}),
        provider: providers[index],
      }),
    ),
  );

  const peering = new NetworkPeeringMesh("gke-peering", {
    networks: regions.map((r, i) => ({ region: r.region.name, selfLink: r.network.networkSelfLink, provider: providers[i] })),
    exchangeSubnetRoutesWithPublicIp: usesPrivatelyUsedPublicRanges(spec.regions),
  });

  // Brokers of one region talk to the others from their first start, so workloads also wait for the peering mesh.
  const clusters: RegionalCluster[] = regions.map((r) => ({
    ...r.regionalCluster,
    dependsOn: [...r.regionalCluster.dependsOn, peering],
  }));

  const workload = deployWorkload({
    spec,
    derived,
    clusters,
    apiServerEndpoints: regions.map((r) => r.gke.endpoint),
    configureClustersetDns: (index, lighthouseDnsIp) => [regions[index].addClusterSetStubDomain(lighthouseDnsIp)],
  });
  const dataGuard = guardData(spec, [...providers, ...natAddresses, ...regions, peering, ...workloadResources(workload)]);

  return {
    outputs: {
      ...commonOutputs(spec, derived),
      kafka: workload.kafka.stackOutputs(),
      observability: workload.observability.stackOutputs(),
      gke: {
        clusters: regions.map((r) => ({
          region: r.region.name,
          clusterId: r.region.clusterId,
          name: r.gke.clusterName,
          location: r.region.name,
          endpoint: r.gke.endpoint,
          privateEndpointOnly: r.gke.privateEndpointOnly,
          kafkaNodes: r.gke.kafkaSpread.totalNodes,
          systemNodes: r.gke.systemSpread.totalNodes,
          storageClassName: r.storage.storageClassName,
        })),
        networks: regions.map((r) => ({ region: r.region.name, selfLink: r.network.networkSelfLink })),
      },
    },
    providers,
    clusters,
    /** Per-region components; `addClusterSetStubDomain` on each is the Submariner DNS hook. */
    regions,
    peering,
    workload,
    dataGuard,
  };
}
