// GKE Managed Service for Prometheus on the three clusters when `observability.scrape` is gke-managed: managed
// collection turned on explicitly in each cluster's inputs, so the plan shows what installs the PodMonitoring/Rules CRDs.
import * as pulumi from "@pulumi/pulumi";
import type { StackSpec } from "../lib/config/validate";

export const GKE_CLUSTER_TYPE = "gcp:container/cluster:Cluster";

/**
 * With managed collection on, GKE runs the collectors in gmp-system and installs the monitoring.googleapis.com CRDs
 * (PodMonitoring, Rules, GlobalRules, ...) itself (GKE API MonitoringConfig.managedPrometheusConfig.enabled, "Enable
 * Managed Collection"). Set rather than left to GKE's version-dependent default, so the plan and the policy can rely on it.
 * The GKE cluster component takes no monitoring setting, so this adds it to the cluster's inputs.
 */
export function enableManagedPrometheus(args: pulumi.ResourceTransformationArgs): pulumi.ResourceTransformationResult | undefined {
  if (args.type !== GKE_CLUSTER_TYPE) return undefined;
  const props = args.props as { monitoringConfig?: Record<string, unknown> };
  return {
    props: { ...args.props, monitoringConfig: { ...(props.monitoringConfig ?? {}), managedPrometheus: { enabled: true } } },
    opts: args.opts,
  };
}

/** Registers the transformation for the whole stack when the spec scrapes with GKE managed Prometheus. */
export function applyManagedPrometheus(spec: StackSpec): void {
  if (spec.cloud === "gke" && spec.observability.scrape === "gke-managed")
    pulumi.runtime.registerStackTransformation(enableManagedPrometheus);
}
