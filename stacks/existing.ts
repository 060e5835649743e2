// Stack existing: composition only. Three Kubernetes clusters that already exist, one provider each from its
// kubeconfig; no cloud resource. Each cluster gets its StorageClass where asked, then the mesh and Kafka go on top,
// as on the other targets.
import * as pulumi from "@pulumi/pulumi";
import { ExistingCluster } from "../components/existing/cluster";
import { RegionalCluster } from "../components/platform";
import { profileOf } from "../lib/cloud";
import type { ExistingStackSpec } from "../lib/config/spec";
import { DerivedPlan, commonOutputs, guardData } from "./common";
import { deployWorkload, workloadResources } from "./workload";

export function existingStack(spec: ExistingStackSpec, derived: DerivedPlan) {
  const { existing } = spec;
  const regions = spec.regions.map(
    (region, i) =>
      new ExistingCluster(`existing-${region.name}`, {
        region,
        kubeconfig: existing.clusters[i].kubeconfig,
        ...(existing.clusters[i].context !== undefined ? { context: existing.clusters[i].context } : {}),
        ...(existing.clusters[i].clusterIdentifier !== undefined ? { clusterIdentifier: existing.clusters[i].clusterIdentifier } : {}),
        protectData: spec.protectData,
        storageClass: existing.storageClass,
        ...(existing.kafkaNodeSelector !== undefined ? { kafkaNodeSelector: existing.kafkaNodeSelector } : {}),
        tolerateKafkaTaint: existing.tolerateKafkaTaint,
      }),
  );
  const clusters: RegionalCluster[] = regions.map((r) => r.regionalCluster);

  // The nodes are not this stack's: their kernel settings are the clusters' owners' to apply (docs/existing.md).
  const kafkaNodeSysctls = profileOf("existing").kafkaNodeSysctls(derived.socketBuffers.sysctls);
  void pulumi.log.warn(
    `existing: this stack does not manage the Kafka nodes; set on them ${Object.entries(kafkaNodeSysctls)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")} (outputs.existing.kafkaNodeSysctls)`,
  );

  const workload = deployWorkload({
    spec,
    derived,
    clusters,
    apiServerEndpoints: existing.clusters.map((c) => c.apiServer),
    kafkaMachineShape: existing.kafkaNodeShape,
  });
  const dataGuard = guardData(spec, [...regions, ...workloadResources(workload)]);

  return {
    outputs: {
      ...commonOutputs(spec, derived),
      kafka: workload.kafka.stackOutputs(),
      observability: workload.observability.stackOutputs(),
      existing: {
        clusters: regions.map((r, i) => ({
          region: r.regionalCluster.region.name,
          clusterId: r.regionalCluster.region.clusterId,
          apiServer: existing.clusters[i].apiServer,
          storageClassName: r.storageClassName,
        })),
        kafkaNodeSysctls,
      },
    },
    clusters,
    regions,
    workload,
    dataGuard,
  };
}
