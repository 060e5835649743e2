// Observability settings: the target's default scraper, and checks against the target, the mesh and the links.
import { profileOf } from "../../cloud";
import { Problem, configPath, error, warning } from "../../problems";
import type { Cloud } from "../../types";
import type { ObservabilityConfig, ObservabilitySpec, ParsedConfig, ScrapeModeConfig } from "../schema";

/** Scrape modes that are one cloud's managed service, and that cloud. */
const MANAGED_SCRAPE: Record<ScrapeModeConfig, { cloud: Cloud; service: string } | undefined> = {
  "gke-managed": { cloud: "gke", service: "GKE Managed Service for Prometheus" },
  "amazon-managed": { cloud: "eks", service: "Amazon Managed Service for Prometheus" },
  "prometheus-operator": undefined,
  none: undefined,
};

/**
 * The target's scraper when none is given (its profile's `defaultScrape`: one that works on a fresh cluster), and
 * kube-prometheus-stack by default wherever it is what installs the CRDs.
 */
export function resolveObservability(cloud: Cloud, o: ObservabilityConfig): ObservabilitySpec {
  const scrape = o.scrape ?? profileOf(cloud).defaultScrape;
  return {
    ...o,
    scrape,
    installKubePrometheusStack: o.installKubePrometheusStack ?? (scrape === "prometheus-operator" && !o.crdsPreinstalled),
  };
}

/** Kafka's default replica.lag.time.max.ms (as lib/observability/alerts.ts): an alert at or above it would never fire before the ISR shrinks. */
const REPLICA_LAG_TIME_MAX_MS = 30_000;

/** Observability settings against the cloud, the mesh and the links (lib/observability). */
export function checkObservability({ cloud, mesh, links, observability }: Partial<ParsedConfig>): Problem[] {
  if (!observability) return [];
  const problems: Problem[] = [];
  const path = (...segments: string[]) => configPath("observability", segments);
  const { envoyKafkaFilter: filter } = observability;
  const resolved = cloud !== undefined ? resolveObservability(cloud, observability) : undefined;
  const scrape = resolved?.scrape ?? observability.scrape;
  if (
    scrape === "prometheus-operator" &&
    resolved !== undefined &&
    !resolved.installKubePrometheusStack &&
    !observability.crdsPreinstalled
  ) {
    problems.push(
      error(
        path("scrape"),
        "prometheus-operator needs the operator's CRDs (monitoring.coreos.com), which a new cluster lacks: leave " +
          "installKubePrometheusStack on, or set crdsPreinstalled: true if something outside this stack installs them",
      ),
    );
  }
  if (observability.crdsPreinstalled && scrape !== "prometheus-operator") {
    problems.push(warning(path("crdsPreinstalled"), `only matters with scrape prometheus-operator (found ${scrape ?? "unset"})`));
  }
  const managedBy = scrape !== undefined ? MANAGED_SCRAPE[scrape] : undefined;
  if (managedBy && cloud !== undefined && cloud !== managedBy.cloud) {
    problems.push(error(path("scrape"), `${scrape} is ${managedBy.service}; this stack is ${cloud}`));
  }
  if (observability.installKubePrometheusStack === true && scrape !== "prometheus-operator") {
    problems.push(
      warning(
        path("installKubePrometheusStack"),
        `installs a Prometheus in every cluster that scrapes nothing of Kafka with scrape ${scrape}`,
      ),
    );
  }
  if (filter.enabled) {
    if (mesh !== undefined && mesh.mode !== "istio") {
      problems.push(error(path("envoyKafkaFilter", "enabled"), `needs mesh.mode istio (Envoy sidecars); this stack uses ${mesh.mode}`));
    }
    if (filter.proxyImage === undefined) {
      problems.push(
        error(
          path("envoyKafkaFilter", "proxyImage"),
          "is required when the filter is enabled: stock Istio proxy images lack Envoy's contrib Kafka filter (istio/istio#49241) and would reject the config",
        ),
      );
    }
  }
  if (filter.proxyImage !== undefined) {
    const image = filter.proxyImage;
    const tag = image.slice(image.lastIndexOf("/") + 1).split(":")[1];
    if (!image.includes("@sha256:") && (tag === undefined || tag === "" || tag === "latest")) {
      problems.push(error(path("envoyKafkaFilter", "proxyImage"), `"${image}" is not pinned: give a version tag or a digest`));
    }
  }
  const lag = observability.replicationLagAlertMs;
  if (lag !== undefined) {
    if (lag >= REPLICA_LAG_TIME_MAX_MS) {
      problems.push(
        error(
          path("replicationLagAlertMs"),
          `${lag} ms is not below replica.lag.time.max.ms (${REPLICA_LAG_TIME_MAX_MS} ms): followers leave the ISR before it could fire`,
        ),
      );
    }
    const worstRttMs = Math.max(0, ...(links ?? []).map((l) => l.rttMs));
    if (lag <= worstRttMs) {
      problems.push(
        warning(
          path("replicationLagAlertMs"),
          `${lag} ms is within the worst link RTT (${worstRttMs} ms): the alert would fire on healthy replication`,
        ),
      );
    }
  }
  return problems;
}
