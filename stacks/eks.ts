// Stack eks: composition only, in the order of stacks/gke.ts: one AWS provider per region; each region's network,
// then its cluster, node groups and storage on that provider; the VPC peerings; the mesh and Kafka on top; outputs.
// Two shapes differ from gke on purpose: the NAT address lives in AwsNetwork (GKE reserves its addresses before any
// region, for the clusters' authorized networks), and each peering is its own top-level VpcPeering (moving either
// under another parent would replace live resources in existing stacks).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { VpcPeering } from "../components/aws/peering";
import { EksRegion } from "../components/aws/region";
import { RegionalCluster } from "../components/platform";
import { peerRanges, planVpcSubnets } from "../lib/cloud/eks/network";
import { profileOf } from "../lib/cloud";
import { apiServerClients } from "../lib/mesh/access";
import { AwsNetwork } from "../components/aws/network";
import type { EksStackSpec } from "../lib/config/spec";
import { regionPairs } from "../lib/topology";
import { DerivedPlan, commonOutputs, guardData } from "./common";
import { deployWorkload, workloadResources } from "./workload";

export function eksStack(spec: EksStackSpec, derived: DerivedPlan) {
  const providers = spec.regions.map(
    (region) =>
      new aws.Provider(`aws-${region.name}`, {
        region: region.name as aws.Region,
        defaultTags: { tags: { "geo-kafka:region": region.name } },
      }),
  );

  // Networks first: each cluster's API admits the clusters whose mesh control planes watch it (Istio multi-primary:
  // every other region), by their NAT addresses on a public endpoint and by their VPC ranges on the private one.
  const networks = spec.regions.map(
    (region, i) =>
      new AwsNetwork(`eks-${region.name}-network`, { plan: planVpcSubnets(region.nodeCidr, region.zones), provider: providers[i] }),
  );

  const apiClients = apiServerClients(spec.mesh.mode, spec.regions.length);
  // Region after region: each region's Kafka node group (and system node group) updates only after the previous region's.
  const regions: EksRegion[] = [];
  spec.regions.forEach((region, i) =>
    regions.push(
      new EksRegion(`eks-${region.name}`, {
        region,
        network: networks[i],
        apiClientEgressIps: apiClients[i].map((j) => networks[j].natPublicIp),
        apiClientRanges: apiClients[i].map((j) => ({ region: spec.regions[j].name, cidr: spec.regions[j].nodeCidr })),
        peers: peerRanges(spec.regions, region),
        mesh: spec.mesh.mode,
        kafkaPool: spec.nodePools.kafka,
        systemPool: spec.nodePools.system,
        socketSysctls: derived.socketBuffers.sysctls,
        kafkaNodeSysctls: profileOf("eks").kafkaNodeSysctls(derived.socketBuffers.sysctls),
        iopsPerGiB: spec.kafka.disk.iopsPerGiB,
        controlPlaneCidrs: spec.access.controlPlaneCidrs,
        protectData: spec.protectData,
        kubernetesVersion: spec.kubernetesVersion,
        ...(i > 0
          ? { kafkaNodesAfter: [regions[i - 1].kafkaNodes.nodeGroup], systemNodesAfter: [regions[i - 1].systemNodes.nodeGroup] }
          : {}),
        provider: providers[i],
      }),
    ),
  );

  // Full mesh: the earlier region of each pair requests, the later one accepts.
  const byName = new Map(regions.map((r, i) => [r.region.name, { region: r, provider: providers[i] }]));
  const peerings = regionPairs(spec.regions.map((r) => r.name)).map(({ a, b }) => {
    const side = (name: string) => {
      const { region, provider } = byName.get(name)!;
      return {
        region: name,
        provider,
        vpcId: region.network.vpc.id,
        cidr: region.region.nodeCidr,
        routeTableIds: region.network.privateRouteTables.map((t) => t.id),
      };
    };
    return new VpcPeering(`peering-${a}-${b}`, { requester: side(a), accepter: side(b) });
  });

  // Workloads wait for the routes to and from their own region.
  const clusters: RegionalCluster[] = regions.map((r) =>
    r.regionalCluster(peerings.filter((p) => p.regions.includes(r.region.name)).flatMap((p) => p.routes)),
  );

  const workload = deployWorkload({
    spec,
    derived,
    clusters,
    apiServerEndpoints: regions.map((r) => r.cluster.cluster.endpoint),
    // The AMP collector scrapes through ENIs in the clusters' private subnets, with the cluster security group.
    amazonManagedPrometheus: regions.map((r, i) => ({
      provider: providers[i],
      clusterArn: r.cluster.cluster.arn,
      clusterName: r.cluster.clusterName,
      subnetIds: r.network.privateSubnets.map((s) => s.id),
      securityGroupIds: [r.cluster.clusterSecurityGroupId],
    })),
  });
  const dataGuard = guardData(spec, [...providers, ...networks, ...regions, ...peerings, ...workloadResources(workload)]);

  return {
    outputs: {
      ...commonOutputs(spec, derived),
      kafka: workload.kafka.stackOutputs(),
      observability: workload.observability.stackOutputs(),
      eks: pulumi.output({
        kubernetesVersion: regions[0].cluster.cluster.version,
        clusters: regions.map((r) => ({
          region: r.region.name,
          clusterName: r.cluster.clusterName,
          endpoint: r.cluster.cluster.endpoint,
          vpcId: r.network.vpc.id,
          vpcCidr: r.region.nodeCidr,
          natPublicIp: r.network.natPublicIp,
          storageClassName: r.storage.storageClassName,
        })),
        peeringConnectionIds: peerings.map((p) => p.connection.id),
      }),
    },
    providers,
    clusters,
    /** Per-region components. */
    regions,
    peerings,
    workload,
    dataGuard,
  };
}
