// Amazon Managed Service for Prometheus for one region: a workspace, an agentless managed collector (scraper) reading
// the Kafka pods of that region's EKS cluster, the alert rules as a rule group namespace, and the access the
// collector needs inside the cluster (an EKS access entry for its role, a Role to discover pods in the Kafka namespace).
import type * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { RuleGroup, ScrapeTarget, ampScrapeConfiguration, renderRuleFile } from "../../lib/observability";

/** The Kubernetes user the AMP collector's role is mapped to (AWS's documented name for it). */
export const AMP_COLLECTOR_USER = "aps-collector-user";

/** One EKS cluster as the managed collector needs it. */
export interface AmpClusterTarget {
  /** The region's AWS provider: the workspace and the collector must be in the cluster's region. */
  provider: aws.Provider;
  clusterArn: pulumi.Input<string>;
  clusterName: pulumi.Input<string>;
  /** Private subnets of the cluster (at least two zones); the collector puts an ENI in each. */
  subnetIds: pulumi.Input<string>[];
  /** Security groups for those ENIs; the cluster's own lets them reach pods. */
  securityGroupIds: pulumi.Input<string>[];
}

export interface AmazonManagedPrometheusArgs {
  /** The region's EKS cluster and AWS provider. Required. */
  target: AmpClusterTarget;
  /** The region's Kubernetes provider (the Role and RoleBinding). Required. */
  k8sProvider: k8s.Provider;
  /** Cluster id, for names and the workspace alias. Required. */
  clusterId: string;
  /** What to scrape (the Kafka namespace, pod labels, metrics port). Required. */
  scrapeTarget: ScrapeTarget;
  /** Alert rules evaluated in the workspace. Required (may be empty). */
  ruleGroups: readonly RuleGroup[];
  /** The Kafka namespace must exist before the Role in it. Required. */
  dependsOn: pulumi.Resource[];
}

export class AmazonManagedPrometheus extends pulumi.ComponentResource {
  readonly workspace: aws.amp.Workspace;
  readonly scraper: aws.amp.Scraper;

  constructor(name: string, args: AmazonManagedPrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:observability:AmazonManagedPrometheus", name, {}, opts);
    // Loaded here, not at the top: stacks/workload.ts imports this layer on gke too, and the AWS SDK is large.
    const aws: typeof import("@pulumi/aws") = require("@pulumi/aws");
    const awsOpts: pulumi.CustomResourceOptions = { parent: this, provider: args.target.provider };
    this.workspace = new aws.amp.Workspace(
      `${name}-workspace`,
      // The collector tags its destination workspace; declaring the tag keeps later diffs quiet (pulumi-aws amp.Scraper docs).
      { alias: `geo-kafka-${args.clusterId}`, tags: { AMPAgentlessScraper: "" } },
      awsOpts,
    );
    this.scraper = new aws.amp.Scraper(
      `${name}-scraper`,
      {
        alias: `geo-kafka-${args.clusterId}`,
        source: {
          eks: { clusterArn: args.target.clusterArn, subnetIds: args.target.subnetIds, securityGroupIds: args.target.securityGroupIds },
        },
        destination: { amp: { workspaceArn: this.workspace.arn } },
        scrapeConfiguration: ampScrapeConfiguration(args.scrapeTarget),
      },
      awsOpts,
    );
    new aws.amp.RuleGroupNamespace(
      `${name}-rules`,
      { workspaceId: this.workspace.id, name: "geo-kafka", data: renderRuleFile(args.ruleGroups) },
      awsOpts,
    );
    // The collector authenticates with its service-linked role; map it to a user with just pod discovery rights.
    new aws.eks.AccessEntry(
      `${name}-access`,
      { clusterName: args.target.clusterName, principalArn: this.scraper.roleArn, userName: AMP_COLLECTOR_USER, type: "STANDARD" },
      awsOpts,
    );
    const k8sOpts = { parent: this, provider: args.k8sProvider, dependsOn: args.dependsOn };
    const meta = { name: "amp-collector", namespace: args.scrapeTarget.namespace, labels: { "app.kubernetes.io/part-of": "geo-kafka" } };
    // A Role, not AWS's sample ClusterRole: the scrape configuration discovers pods in the Kafka namespace only.
    const role = new k8s.rbac.v1.Role(
      `${name}-collector-role`,
      { metadata: meta, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }] },
      k8sOpts,
    );
    new k8s.rbac.v1.RoleBinding(
      `${name}-collector-binding`,
      {
        metadata: meta,
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: AMP_COLLECTOR_USER }],
      },
      k8sOpts,
    );
    this.registerOutputs({ workspaceArn: this.workspace.arn, prometheusEndpoint: this.workspace.prometheusEndpoint });
  }
}
