// The StorageClass for Kafka log volumes on one GKE cluster: zonal pd-ssd through the PD CSI driver, XFS, bound where
// the broker is scheduled, expandable in place, and kept when the claim goes (a broker's log is not disposable).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dataHolderOptions } from "../../lib/durability/protection";

export const PD_CSI_PROVISIONER = "pd.csi.storage.gke.io";
export const DEFAULT_STORAGE_CLASS_NAME = "geo-kafka-pd-ssd";

export interface PdSsdStorageClassArgs {
  /** Provider of the cluster the class belongs to. */
  provider: k8s.Provider;
  /** Name of the StorageClass. Default `geo-kafka-pd-ssd`. */
  storageClassName?: string;
  /** Filesystem of the volumes. Default `xfs` (long-standing Kafka advice for log volumes). */
  fsType?: "xfs" | "ext4";
  /** Protect the class from deletion and replacement (lib/durability/protection.ts). Default true. */
  protectData?: boolean;
}

export class PdSsdStorageClass extends pulumi.ComponentResource {
  readonly storageClass: k8s.storage.v1.StorageClass;
  readonly storageClassName: pulumi.Output<string>;

  constructor(name: string, args: PdSsdStorageClassArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:gcp:PdSsdStorageClass", name, {}, opts);
    this.storageClass = new k8s.storage.v1.StorageClass(
      `${name}-sc`,
      {
        metadata: { name: args.storageClassName ?? DEFAULT_STORAGE_CLASS_NAME, labels: { "app.kubernetes.io/part-of": "geo-kafka" } },
        provisioner: PD_CSI_PROVISIONER,
        parameters: {
          type: "pd-ssd",
          // Zonal disks: Kafka replicates across regions itself; a regional PD would pay for a second copy per write.
          "replication-type": "none",
          "csi.storage.k8s.io/fstype": args.fsType ?? "xfs",
        },
        // The disk is created in the zone the scheduler picked for the broker, not in a random zone first.
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        reclaimPolicy: "Retain",
      },
      { parent: this, provider: args.provider, ...dataHolderOptions("storage-class", args.protectData ?? true) },
    );
    this.storageClassName = this.storageClass.metadata.name;
    this.registerOutputs({ storageClassName: this.storageClassName });
  }
}
