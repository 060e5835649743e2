// The Kubernetes provider of one GKE cluster, built from its endpoint and CA; credentials come from
// gke-gcloud-auth-plugin on the machine running Pulumi, so the state never holds a token.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { gkeKubeconfig } from "../../lib/cloud/gke/kubeconfig";

export interface GkeKubernetesProviderArgs {
  /** Name of the kubeconfig context (the cluster's name). */
  contextName: string;
  /** Control plane address (`endpoint` of the cluster). */
  endpoint: pulumi.Input<string>;
  /** Base64 PEM of the cluster CA. */
  clusterCaCertificate: pulumi.Input<string>;
  /**
   * Stable identity of the cluster (its GCP id). The provider, and everything deployed with it, is replaced only when
   * this changes, not when the endpoint or CA text does (a CA rotation must not redeploy Kafka).
   */
  clusterIdentifier: pulumi.Input<string>;
}

/** A k8s.Provider for one cluster; pass it explicitly to every object deployed there. */
export function gkeKubernetesProvider(name: string, args: GkeKubernetesProviderArgs, opts?: pulumi.CustomResourceOptions): k8s.Provider {
  // It holds no credential (the exec plugin fetches one), but the endpoint and CA have no business in plain state.
  const kubeconfig = pulumi.secret(
    pulumi
      .all([args.endpoint, args.clusterCaCertificate])
      .apply(([endpoint, clusterCaCertificate]) => gkeKubeconfig({ contextName: args.contextName, endpoint, clusterCaCertificate })),
  );
  return new k8s.Provider(
    name,
    {
      kubeconfig,
      clusterIdentifier: args.clusterIdentifier,
      // Server-side apply lets the DNS hook patch one key of a GKE-owned ConfigMap (ConfigMapPatch).
      enableServerSideApply: true,
    },
    opts,
  );
}
