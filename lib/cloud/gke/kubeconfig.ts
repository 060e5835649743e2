// The kubeconfig of one GKE cluster, authenticating through gke-gcloud-auth-plugin: no token or key is ever written.
import { stringify } from "yaml";

/** The exec credential plugin GKE requires since Kubernetes 1.26 (client-go auth providers were removed). */
export const GKE_AUTH_PLUGIN = "gke-gcloud-auth-plugin";
const INSTALL_HINT =
  "Install gke-gcloud-auth-plugin (gcloud components install gke-gcloud-auth-plugin) and run `gcloud auth login`; see https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl";

export interface KubeconfigArgs {
  /** Name of the cluster, user and context entries. */
  contextName: string;
  /** Host or IP of the control plane (the cluster's `endpoint`), without scheme. */
  endpoint: string;
  /** Base64 PEM of the cluster CA (`masterAuth.clusterCaCertificate`). */
  clusterCaCertificate: string;
}

/** Renders the kubeconfig as YAML text. */
export function gkeKubeconfig({ contextName, endpoint, clusterCaCertificate }: KubeconfigArgs): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: contextName, cluster: { server: `https://${endpoint}`, "certificate-authority-data": clusterCaCertificate } }],
    users: [
      {
        name: contextName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: GKE_AUTH_PLUGIN,
            installHint: INSTALL_HINT,
            provideClusterInfo: true,
            interactiveMode: "Never",
          },
        },
      },
    ],
    contexts: [{ name: contextName, context: { cluster: contextName, user: contextName } }],
    "current-context": contextName,
  });
}
