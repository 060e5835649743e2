// Block storage for Kafka logs in one EKS cluster: the EBS CSI driver with its own credentials, and the io1 class.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dataHolderOptions } from "../../lib/durability/protection";
import {
  EBS_CSI_ROLE_POLICIES,
  EBS_CSI_SERVICE_ACCOUNT,
  KAFKA_STORAGE_CLASS_NAME,
  io1StorageClassParameters,
  podIdentityTrustPolicy,
} from "../../lib/cloud/eks/eks";
import { serviceRole } from "./iam";
import { ebsStorageArgsProblems } from "../../lib/cloud/eks/args";

export interface EbsCsiStorageArgs {
  /** The cluster (its name output orders everything after it). Required. */
  clusterName: pulumi.Output<string>;
  /** Region of the provider (policy ARN partition). Required. */
  region: string;
  /** Provisioned IOPS per GiB of every Kafka volume; a whole number, at most 50. Required. */
  iopsPerGiB: number;
  /** The Pod Identity agent add-on: associations are useless before it runs. Required. */
  podIdentityAgent: pulumi.Resource;
  /** The add-on's controller needs nodes to schedule on; pass the node groups. Default: none. */
  nodeGroups?: pulumi.Resource[];
  /** Deploys the StorageClass into this cluster. Required. */
  k8sProvider: k8s.Provider;
  /** The region's AWS provider. Required. */
  provider: aws.Provider;
  /** Protect the StorageClass from deletion and replacement (lib/durability/protection.ts). Default true. */
  protectData?: boolean;
}

/**
 * The driver's controller gets AmazonEBSCSIDriverPolicy through EKS Pod Identity: a role that only
 * `kube-system/ebs-csi-controller-sa` of this cluster can assume, so nodes keep no EBS permissions. The
 * association exists before the add-on, since credentials are injected when a pod is created and a controller
 * started earlier would run without them until restarted.
 *
 * The class provisions io1 with IOPS proportional to size, encrypted, formatted XFS; it binds when a pod is
 * scheduled, so each volume is created in its broker's zone; volumes can grow; and a deleted claim keeps its
 * volume (Retain), because a Kafka log is not something to lose to a typo.
 */
export class EbsCsiStorage extends pulumi.ComponentResource {
  readonly addon: aws.eks.Addon;
  readonly storageClass: k8s.storage.v1.StorageClass;
  readonly storageClassName: pulumi.Output<string>;

  constructor(name: string, args: EbsCsiStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:aws:EbsCsiStorage", name, {}, opts);
    const problems = ebsStorageArgsProblems(args);
    if (problems.length > 0)
      throw new pulumi.InputPropertiesError({ message: `invalid arguments for EBS CSI storage ${name}`, errors: problems });
    const child = { parent: this, provider: args.provider };

    const role = serviceRole(
      `${name}-ebs-csi-role`,
      {
        assumeRolePolicy: args.clusterName.apply((clusterName) =>
          podIdentityTrustPolicy({
            clusterName,
            namespace: EBS_CSI_SERVICE_ACCOUNT.namespace,
            serviceAccount: EBS_CSI_SERVICE_ACCOUNT.name,
          }),
        ),
        policies: EBS_CSI_ROLE_POLICIES,
        region: args.region,
        description: "EBS CSI controller (EKS Pod Identity)",
      },
      child,
    );
    const association = new aws.eks.PodIdentityAssociation(
      `${name}-ebs-csi-identity`,
      {
        clusterName: args.clusterName,
        namespace: EBS_CSI_SERVICE_ACCOUNT.namespace,
        serviceAccount: EBS_CSI_SERVICE_ACCOUNT.name,
        roleArn: role.role.arn,
      },
      { ...child, dependsOn: [...role.attachments, args.podIdentityAgent] },
    );
    this.addon = new aws.eks.Addon(
      `${name}-aws-ebs-csi-driver`,
      { clusterName: args.clusterName, addonName: "aws-ebs-csi-driver" },
      { ...child, dependsOn: [association, args.podIdentityAgent, ...(args.nodeGroups ?? [])] },
    );

    this.storageClass = new k8s.storage.v1.StorageClass(
      `${name}-${KAFKA_STORAGE_CLASS_NAME}`,
      {
        metadata: { name: KAFKA_STORAGE_CLASS_NAME, labels: { "app.kubernetes.io/part-of": "geo-kafka" } },
        provisioner: "ebs.csi.aws.com",
        parameters: io1StorageClassParameters(args.iopsPerGiB),
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        reclaimPolicy: "Retain",
      },
      // The name is fixed and StorageClass parameters are immutable: a change must delete the old class first, which
      // protection refuses until `protectData` is false for that update (docs/durability.md).
      {
        parent: this,
        provider: args.k8sProvider,
        deleteBeforeReplace: true,
        ...dataHolderOptions("storage-class", args.protectData ?? true),
      },
    );
    this.storageClassName = this.storageClass.metadata.name;

    this.registerOutputs({ storageClassName: this.storageClassName });
  }
}
