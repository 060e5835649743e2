// The observability layer as plain data, derived once from the stack spec: who scrapes, the alert threshold that
// follows from the links, the rule groups, the dashboard. components/observability creates objects from it.
import type { StackSpec } from "../config/spec";
import { KAFKA_NAMESPACE } from "../kafka/addresses";
import { AlertInputs, RuleGroup, globalAlertGroups, localAlertGroups, replicationLagThresholdMs } from "./alerts";
import { Dashboard, buildDashboard } from "./dashboard";
import { ScrapeMode } from "./scrape";

export * from "./alerts";
export * from "./dashboard";
export * from "./envoy-filter";
export * from "./jmx-exporter";
export * from "./kube-prometheus-stack";
export * from "./promql";
export * from "./scrape";
export * from "./versions";

export interface ObservabilityPlan {
  scrape: ScrapeMode;
  /** The longest round trip between two regions, ms. */
  worstRttMs: number;
  replicationLagThresholdMs: number;
  /** Rules every region's evaluator runs on its own series. */
  localRuleGroups: RuleGroup[];
  /** Rules that need all regions in one query (GMP GlobalRules only). */
  globalRuleGroups: RuleGroup[];
  dashboard: Dashboard;
  /** The dashboard as the ConfigMap carries it. */
  dashboardJson: string;
}

export function observabilityPlan(spec: Pick<StackSpec, "observability" | "links" | "regions" | "kafka">): ObservabilityPlan {
  const worstRttMs = Math.max(...spec.links.map((l) => l.rttMs));
  const threshold = replicationLagThresholdMs(worstRttMs, spec.observability.replicationLagAlertMs);
  const alertInputs: AlertInputs = {
    brokersPerRegion: spec.kafka.brokersPerRegion,
    controllersPerRegion: spec.kafka.controllersPerRegion,
    regionCount: spec.regions.length,
    replicationLagThresholdMs: threshold,
    namespace: KAFKA_NAMESPACE,
    // GMP's `cluster` label is the GKE cluster name, which is the cluster id (validation keeps ids within GKE's limit).
    globalScope: `cluster=~"${spec.regions.map((r) => r.clusterId).join("|")}"`,
  };
  const dashboard = buildDashboard({
    regions: spec.regions.map((r) => r.name),
    namespace: KAFKA_NAMESPACE,
    replicationLagThresholdMs: threshold,
  });
  return {
    scrape: spec.observability.scrape,
    worstRttMs,
    replicationLagThresholdMs: threshold,
    localRuleGroups: localAlertGroups(alertInputs),
    globalRuleGroups: globalAlertGroups(alertInputs),
    dashboard,
    dashboardJson: JSON.stringify(dashboard, null, 2),
  };
}
