// The layers above the clouds, the same on both: the multi-cluster mesh, then the stretched Kafka cluster on it, then
// its observability (scrape objects, alerts, dashboards).
import * as pulumi from "@pulumi/pulumi";
import { ClustersetDnsHook, createMesh } from "../components/mesh";
import type { MeshLayer } from "../components/mesh/types";
import { StretchedKafka } from "../components/kafka";
import type { AmpClusterTarget } from "../components/aws/amazon-managed-prometheus";
import { KafkaObservability, kafkaMetricsSettings } from "../components/observability";
import { RegionalCluster } from "../components/platform";
import { StackSpec } from "../lib/config/spec";
import type { MachineShape } from "../lib/kafka/sizing";
import { istioNetworkModelOf } from "../lib/mesh/istio";
import { DerivedPlan } from "./common";

export interface WorkloadArgs {
  spec: StackSpec;
  derived: DerivedPlan;
  clusters: RegionalCluster[];
  /** Per region, the API server address the other clusters use (Submariner broker, Istio remote secrets). */
  apiServerEndpoints: pulumi.Input<string>[];
  /** GKE: adds the clusterset.local stub domain to kube-dns (Submariner). */
  configureClustersetDns?: ClustersetDnsHook;
  /** vCPUs and memory of a Kafka node. Default: the price catalog's shape of `spec.nodePools.kafka.machineType`. */
  kafkaMachineShape?: MachineShape;
  /** EKS with `observability.scrape: amazon-managed`: per region, the cluster the AMP collector scrapes. */
  amazonManagedPrometheus?: AmpClusterTarget[];
}

export interface Workload {
  mesh: MeshLayer;
  kafka: StretchedKafka;
  observability: KafkaObservability;
}

export function deployWorkload(args: WorkloadArgs): Workload {
  const { spec, derived, clusters } = args;
  const mesh = createMesh("mesh", {
    spec,
    clusters,
    apiServerEndpoints: args.apiServerEndpoints,
    istioNetworkModel: istioNetworkModelOf(spec),
    ...(args.configureClustersetDns ? { configureClustersetDns: args.configureClustersetDns } : {}),
  });
  const kafka = new StretchedKafka("kafka", {
    spec,
    clusters,
    mesh,
    socketBufferBytes: derived.socketBuffers.socketBufferBytes,
    clientNamespaces: spec.kafka.clientNamespaces,
    controllerVolumeSizeGiB: spec.kafka.controllerDiskSizeGiB,
    ...(args.kafkaMachineShape ? { machineShape: args.kafkaMachineShape } : {}),
    ...kafkaMetricsSettings(spec),
  });
  const observability = new KafkaObservability("observability", {
    spec,
    clusters,
    kafka,
    mesh,
    ...(spec.observability.scrape === "amazon-managed" && args.amazonManagedPrometheus
      ? { amazonManaged: args.amazonManagedPrometheus }
      : {}),
  });
  return { mesh, kafka, observability };
}
