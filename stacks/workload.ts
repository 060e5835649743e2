// The layers above the clouds, the same on both: the multi-cluster mesh, then the stretched Kafka cluster on it, then
// its observability (scrape objects, alerts, dashboards).
import * as pulumi from "@pulumi/pulumi";
import { ClustersetDnsHook, CreateMeshArgs, createMesh } from "../components/mesh";
import type { MeshLayer } from "../components/mesh/types";
import { StretchedKafka, StretchedKafkaArgs } from "../components/kafka";
import type { AmpClusterTarget } from "../components/aws/amazon-managed-prometheus";
import { KafkaObservability, kafkaMetricsSettings } from "../components/observability";
import { RegionalCluster } from "../components/platform";
import { profileOf } from "../lib/cloud";
import { StackSpec } from "../lib/config/spec";
import type { MachineShape } from "../lib/kafka/sizing";
import { machineTypeShape } from "../lib/prices";
import { resolveImages } from "../lib/images";
import { istioNetworkModelOf } from "../lib/mesh/istio";
import { observabilityPlan } from "../lib/observability";
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
  mesh: MeshLayer & pulumi.ComponentResource;
  kafka: StretchedKafka;
  observability: KafkaObservability;
}

/** The mesh layer's settings from the validated spec: the mode, and what the target's network allows. */
export function meshSettings(spec: StackSpec) {
  const { submarinerUnsupported, clustersetDnsHookRequired } = profileOf(spec.cloud).mesh;
  return {
    mode: spec.mesh.mode,
    network: { ...(submarinerUnsupported !== undefined ? { submarinerUnsupported } : {}), clustersetDnsHookRequired },
    istioNetworkModel: istioNetworkModelOf(spec),
  } satisfies Partial<CreateMeshArgs>;
}

/**
 * The Kafka component's settings from the validated spec: the regions, the kafka section and the Kafka nodes, with
 * the node shape given or, by default, the price catalog's shape of the machine type.
 */
export function stretchedKafkaSettings(spec: StackSpec, machineShape?: MachineShape) {
  const { kafka } = spec;
  const shape = machineShape ?? machineTypeShape(spec.cloud, spec.regions[0].name, spec.nodePools.kafka.machineType);
  return {
    regions: spec.regions,
    version: kafka.version,
    images: resolveImages(kafka.version, {
      ...(spec.images.registry !== undefined ? { registry: spec.images.registry } : {}),
      overrides: {
        ...(spec.images.kafka !== undefined ? { kafka: spec.images.kafka } : {}),
        ...(spec.images.curl !== undefined ? { curl: spec.images.curl } : {}),
      },
    }),
    brokersPerRegion: kafka.brokersPerRegion,
    controllersPerRegion: kafka.controllersPerRegion,
    topicDefaults: {
      partitions: kafka.defaultPartitions,
      replicationFactor: kafka.replicationFactor,
      minInsyncReplicas: kafka.minInsyncReplicas,
    },
    producer: kafka.producer,
    brokerVolumeSizeGiB: kafka.disk.sizeGiB,
    kafkaNodes: { machineType: spec.nodePools.kafka.machineType, countPerRegion: spec.nodePools.kafka.countPerRegion },
    ...(shape ? { machineShape: { vcpus: shape.vcpus, memoryGiB: shape.memoryGiB } } : {}),
    clientNamespaces: kafka.clientNamespaces,
    topics: kafka.topics,
    users: kafka.users,
    controllerVolumeSizeGiB: kafka.controllerDiskSizeGiB,
    protectData: spec.protectData,
  } satisfies Partial<StretchedKafkaArgs>;
}

export function deployWorkload(args: WorkloadArgs): Workload {
  const { spec, derived, clusters } = args;
  const mesh = createMesh("mesh", {
    ...meshSettings(spec),
    clusters,
    apiServerEndpoints: args.apiServerEndpoints,
    ...(args.configureClustersetDns ? { configureClustersetDns: args.configureClustersetDns } : {}),
  });
  const kafka = new StretchedKafka("kafka", {
    ...stretchedKafkaSettings(spec, args.kafkaMachineShape),
    clusters,
    mesh,
    socketBufferBytes: derived.socketBuffers.socketBufferBytes,
    ...kafkaMetricsSettings(spec),
  });
  const o = spec.observability;
  const observability = new KafkaObservability("observability", {
    plan: observabilityPlan(spec),
    monitoringNamespace: o.monitoringNamespace,
    monitorLabels: o.monitorLabels,
    installKubePrometheusStack: o.installKubePrometheusStack,
    envoyKafkaFilter: o.envoyKafkaFilter.enabled,
    clusters,
    kafka,
    mesh,
    ...(spec.observability.scrape === "amazon-managed" && args.amazonManagedPrometheus
      ? { amazonManaged: args.amazonManagedPrometheus }
      : {}),
  });
  return { mesh, kafka, observability };
}

/** The workload's top-level components, for the stack's destroy guard. */
export function workloadResources(w: Workload): pulumi.Resource[] {
  return [w.mesh, w.kafka, w.observability];
}
