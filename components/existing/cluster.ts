// One existing Kubernetes cluster as the layers above need it: a provider from its kubeconfig (kept secret), the
// StorageClass for Kafka's volumes (used as it is, or created here), and where Kafka pods go. Nothing else is created.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dataHolderOptions } from "../../lib/durability/protection";
import type { RegionSpec } from "../../lib/config/spec";
import { KAFKA_NODE_LABEL, KAFKA_NODE_TAINT } from "../../lib/node-pools";
import type { RegionalCluster } from "../platform";

export interface ExistingClusterArgs {
  /** The region this cluster serves, with its cluster id and ranges. Required. */
  region: RegionSpec;
  /** The kubeconfig's contents; wrapped as a secret here, so neither the state nor a preview shows it. Required. */
  kubeconfig: pulumi.Input<string>;
  /** Context of the kubeconfig. Default: its current-context. */
  context?: string;
  /**
   * The provider's `clusterIdentifier`: a changed kubeconfig updates the provider in place, a changed identifier
   * replaces it with every object deployed through it (pulumi-kubernetes DiffConfig). Default: the region's clusterId.
   */
  clusterIdentifier?: string;
  /** Protect the provider and the StorageClass created here (lib/durability/protection.ts). Default true. */
  protectData?: boolean;
  /**
   * The StorageClass of Kafka's volumes: its `name`, and with `create` the provisioner and parameters of one this
   * component creates (Retain, WaitForFirstConsumer, expandable). Required.
   */
  storageClass: { name: string; create?: { provisioner: string; parameters: Record<string, string> } };
  /** Node labels that select the Kafka nodes. Default: KAFKA_NODE_LABEL (`geo-kafka/pool: kafka`). */
  kafkaNodeSelector?: Record<string, string>;
  /** Whether Kafka pods tolerate KAFKA_NODE_TAINT (`geo-kafka/dedicated=kafka:NoSchedule`). Default true. */
  tolerateKafkaTaint?: boolean;
}

export class ExistingCluster extends pulumi.ComponentResource {
  readonly provider: k8s.Provider;
  readonly storageClass?: k8s.storage.v1.StorageClass;
  readonly storageClassName: pulumi.Output<string>;
  /** What the mesh, Kafka and observability layers deploy onto. */
  readonly regionalCluster: RegionalCluster;

  constructor(name: string, args: ExistingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:existing:ExistingCluster", name, {}, opts);
    const protectData = args.protectData ?? true;
    const problems: Array<{ propertyPath: string; reason: string }> = [];
    if (args.storageClass.name.trim() === "") problems.push({ propertyPath: "storageClass.name", reason: "must name a StorageClass" });
    if (args.storageClass.create && args.storageClass.create.provisioner.trim() === "")
      problems.push({ propertyPath: "storageClass.create.provisioner", reason: "must name a CSI provisioner" });
    if (args.kafkaNodeSelector && Object.keys(args.kafkaNodeSelector).length === 0)
      problems.push({
        propertyPath: "kafkaNodeSelector",
        reason: "is empty: Kafka pods would land on any node; omit it for the default label",
      });
    if (problems.length > 0)
      throw new pulumi.InputPropertiesError({ message: `invalid arguments for existing cluster ${name}`, errors: problems });

    this.provider = new k8s.Provider(
      `${name}-k8s`,
      {
        kubeconfig: pulumi.secret(args.kubeconfig),
        ...(args.context !== undefined ? { context: args.context } : {}),
        clusterIdentifier: args.clusterIdentifier ?? args.region.clusterId,
        // As on the other targets: server-side apply, so field ownership is shared with what else manages the cluster.
        enableServerSideApply: true,
      },
      { parent: this, ...dataHolderOptions("kubernetes-provider", protectData) },
    );

    const create = args.storageClass.create;
    if (create) {
      this.storageClass = new k8s.storage.v1.StorageClass(
        `${name}-storage`,
        {
          metadata: { name: args.storageClass.name, labels: { "app.kubernetes.io/part-of": "geo-kafka" } },
          provisioner: create.provisioner,
          parameters: create.parameters,
          // Bound in the zone the scheduler picked for the broker; kept when the claim goes; expandable in place.
          volumeBindingMode: "WaitForFirstConsumer",
          allowVolumeExpansion: true,
          reclaimPolicy: "Retain",
        },
        { parent: this, provider: this.provider, ...dataHolderOptions("storage-class", protectData) },
      );
      this.storageClassName = this.storageClass.metadata.name;
    } else {
      this.storageClassName = pulumi.output(args.storageClass.name);
    }

    const tolerate = args.tolerateKafkaTaint ?? true;
    this.regionalCluster = {
      region: args.region,
      provider: this.provider,
      storageClassName: this.storageClassName,
      kafkaNodeSelector: args.kafkaNodeSelector ?? { [KAFKA_NODE_LABEL.key]: KAFKA_NODE_LABEL.value },
      kafkaTolerations: tolerate
        ? [{ key: KAFKA_NODE_TAINT.key, operator: "Equal", value: KAFKA_NODE_TAINT.value, effect: KAFKA_NODE_TAINT.effect }]
        : [],
      dependsOn: this.storageClass ? [this.storageClass] : [],
    };
    this.registerOutputs({ storageClassName: this.storageClassName });
  }
}
