// Pure decisions behind the EKS components: versions, IAM documents and policy lists, endpoint access,
// node-group settings, the io1 StorageClass parameters and the exec kubeconfig. No resource is created here.

/**
 * STANDARD: EKS upgrades the control plane at the end of standard support instead of billing extended support
 * (six times the 0.10 $/cluster-hour that the cost model assumes).
 */
export const EKS_SUPPORT_TYPE = "STANDARD";

/** Control-plane log types sent to CloudWatch: who called the API, and how they authenticated. */
export const EKS_LOG_TYPES: readonly string[] = ["audit", "authenticator"];
export const EKS_LOG_RETENTION_DAYS = 90;

/** AWS partition of a region, for ARNs of AWS managed policies. */
export function awsPartition(region: string): "aws" | "aws-us-gov" | "aws-cn" {
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("cn-")) return "aws-cn";
  return "aws";
}

/** ARN of an AWS managed policy, e.g. `AmazonEKSClusterPolicy` or `service-role/AmazonEBSCSIDriverPolicy`. */
export function managedPolicyArn(region: string, policy: string): string {
  return `arn:${awsPartition(region)}:iam::aws:policy/${policy}`;
}

/** The only managed policy of the cluster role: EKS manages nodes and ENIs with it. */
export const CLUSTER_ROLE_POLICIES: readonly string[] = ["AmazonEKSClusterPolicy"];

/**
 * Managed policies of the node role. ECR pull-only rather than read-only: nodes pull images and never list
 * repositories (the EKS user guide's node-role page recommends the pull-only policy). The CNI policy stays on the
 * node role because aws-node runs on the host network and must work before any pod identity does; with IMDS hop
 * limit 1 only host-network pods can reach these credentials.
 */
export const NODE_ROLE_POLICIES: readonly string[] = [
  "AmazonEKSWorkerNodePolicy",
  "AmazonEC2ContainerRegistryPullOnly",
  "AmazonEKS_CNI_Policy",
];

/** The EBS CSI controller's role: create, attach and delete volumes, nothing else. */
export const EBS_CSI_ROLE_POLICIES: readonly string[] = ["service-role/AmazonEBSCSIDriverPolicy"];

/** The service account of the EBS CSI controller installed by the aws-ebs-csi-driver add-on. */
export const EBS_CSI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "ebs-csi-controller-sa" } as const;

/** A trust policy letting one AWS service assume the role. */
export function serviceTrustPolicy(service: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}

/**
 * Trust policy of an EKS Pod Identity role, limited by session tags to one service account of one cluster:
 * any other pod that somehow got an association could not assume it.
 */
export function podIdentityTrustPolicy(target: { clusterName: string; namespace: string; serviceAccount: string }): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
          StringEquals: {
            "aws:RequestTag/eks-cluster-name": target.clusterName,
            "aws:RequestTag/kubernetes-namespace": target.namespace,
            "aws:RequestTag/kubernetes-service-account": target.serviceAccount,
          },
        },
      },
    ],
  });
}

export interface EndpointAccess {
  endpointPrivateAccess: true;
  endpointPublicAccess: boolean;
  /** Only set with public access: EKS defaults an unset list to 0.0.0.0/0. */
  publicAccessCidrs?: string[];
}

/**
 * The API endpoint is always reachable privately: from the VPC, and from peered VPCs once the control-plane security
 * group admits them (`apiServerIngressRules` in lib/cloud/eks/network.ts; the group EKS creates admits only itself). It is
 * public only for the configured CIDRs, and never public with an empty list, which EKS would read as 0.0.0.0/0.
 * With a public endpoint the endpoint's name resolves to public addresses, so the mesh control planes that dial it
 * come through their NAT gateways, and those addresses (`apiClientEgressIps`) are admitted too.
 */
export function endpointAccess(controlPlaneCidrs: readonly string[], apiClientEgressIps: readonly string[] = []): EndpointAccess {
  if (controlPlaneCidrs.length === 0) return { endpointPrivateAccess: true, endpointPublicAccess: false };
  return {
    endpointPrivateAccess: true,
    endpointPublicAccess: true,
    publicAccessCidrs: [...controlPlaneCidrs, ...apiClientEgressIps.map((ip) => `${ip}/32`)],
  };
}

/** AL2023 AMI type for an instance type: Graviton families (m7g, r8g, c7gn, im4gn, a1...) are ARM. */
export function amiTypeFor(machineType: string): "AL2023_x86_64_STANDARD" | "AL2023_ARM_64_STANDARD" {
  return /^([a-z]+\d+g[a-z]*|a1)\./.test(machineType) ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD";
}

/** The EKS node-group API spells Kubernetes taint effects in upper snake case. */
export function eksTaintEffect(
  effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute",
): "NO_SCHEDULE" | "PREFER_NO_SCHEDULE" | "NO_EXECUTE" {
  const effects = { NoSchedule: "NO_SCHEDULE", PreferNoSchedule: "PREFER_NO_SCHEDULE", NoExecute: "NO_EXECUTE" } as const;
  return effects[effect];
}

/** A fixed-size node group: Kafka nodes are capacity-planned, not autoscaled. */
export function fixedScaling(count: number): { desiredSize: number; minSize: number; maxSize: number } {
  return { desiredSize: count, minSize: count, maxSize: count };
}

/**
 * Largest packet a pod may send: inter-region VPC peering carries at most 8500 bytes (EC2 user guide, "Network
 * maximum transmission unit (MTU) for your EC2 instance", read 2026-11-30), below the VPC's 9001.
 */
export const PEERED_PATH_MTU_BYTES = 8500;

/**
 * vpc-cni add-on settings (the add-on's configuration schema, `aws eks describe-addon-configuration`):
 * - External SNAT: pods keep their own address towards peered VPCs (the NAT gateway translates internet traffic
 *   instead), which the EKS guide asks for when pods sit in private subnets behind a NAT gateway, and which the mesh
 *   needs so peers see pod addresses.
 * - `AWS_VPC_ENI_MTU` 8500: the ENIs, and the pods' interfaces with them (`POD_MTU` defaults to it), use the largest
 *   MTU inter-region peering carries, so a full-sized replication segment never needs a "fragmentation needed" that
 *   might not come back. It costs 6% of the frame inside a VPC.
 * - `enableNetworkPolicy` "true" (a string, as the EKS guide "Restrict Pod network traffic with Kubernetes network
 *   policies" writes it): the network policy agent enforces NetworkPolicies. VPC CNI 1.14 or later, EKS 1.25 or
 *   later; the add-on's default version for every version in lib/cloud/versions.ts is far newer.
 */
export function vpcCniConfiguration(): string {
  return JSON.stringify({
    env: { AWS_VPC_K8S_CNI_EXTERNALSNAT: "true", AWS_VPC_ENI_MTU: String(PEERED_PATH_MTU_BYTES) },
    enableNetworkPolicy: "true",
  });
}

/** Name of the io1 StorageClass for Kafka logs, the same in every cluster. */
export const KAFKA_STORAGE_CLASS_NAME = "kafka-io1";

/**
 * Parameters of the io1 StorageClass, as the aws-ebs-csi-driver reads them (docs/parameters.md): `iopsPerGB` is
 * parsed as an integer and multiplied by the claim size; encrypted with the account's default EBS key; XFS.
 */
export function io1StorageClassParameters(iopsPerGiB: number): Record<string, string> {
  if (!Number.isInteger(iopsPerGiB) || iopsPerGiB <= 0) throw new Error(`iopsPerGiB must be a positive integer (found ${iopsPerGiB})`);
  return {
    type: "io1",
    iopsPerGB: String(iopsPerGiB),
    encrypted: "true",
    "csi.storage.k8s.io/fstype": "xfs",
  };
}

export interface KubeconfigTarget {
  clusterName: string;
  region: string;
  endpoint: string;
  /** Base64 PEM of the cluster CA, as EKS returns it. */
  certificateAuthorityData: string;
}

/**
 * A kubeconfig whose credentials come from `aws eks get-token` at each use, so it holds no token and works for
 * whoever runs `pulumi up` with AWS credentials (and an access entry) for the cluster. JSON is valid YAML.
 */
export function renderKubeconfig(target: KubeconfigTarget): string {
  const name = target.clusterName;
  return JSON.stringify(
    {
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name, cluster: { server: target.endpoint, "certificate-authority-data": target.certificateAuthorityData } }],
      contexts: [{ name, context: { cluster: name, user: name } }],
      "current-context": name,
      users: [
        {
          name,
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1beta1",
              command: "aws",
              args: ["eks", "get-token", "--cluster-name", name, "--region", target.region, "--output", "json"],
              interactiveMode: "Never",
            },
          },
        },
      ],
    },
    null,
    2,
  );
}
