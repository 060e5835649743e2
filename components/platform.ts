// What a cloud stack hands the workload layers (mesh, Kafka) for each region: one cluster and how to use it.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { RegionSpec } from "../lib/config/spec";

/** One region's Kubernetes cluster, as the layers above it need it. */
export interface RegionalCluster {
  region: RegionSpec;
  /** The provider for this cluster; pass it to every object deployed into it. */
  provider: k8s.Provider;
  /** StorageClass for Kafka log volumes (pd-ssd / io1, Retain, WaitForFirstConsumer, XFS). */
  storageClassName: pulumi.Input<string>;
  /** Where Kafka pods go, and the toleration they need. */
  kafkaNodeSelector: Record<string, string>;
  kafkaTolerations: k8s.types.input.core.v1.Toleration[];
  /** Resources that must exist before workloads are scheduled (node pools, CSI add-on). */
  dependsOn: pulumi.Resource[];
  /**
   * The node pool (or node group) Kafka runs on, where the stack manages it: Kafka's StatefulSets roll only after every
   * region's Kafka nodes have finished updating. Absent on clusters the stack does not manage.
   */
  kafkaNodes?: pulumi.Resource;
}
