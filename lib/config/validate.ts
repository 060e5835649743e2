// Turns raw stack configuration into a typed StackSpec, or into the complete list of what is wrong.
// Every problem names its config path; nothing here creates a resource or reads Pulumi state. The checks live in
// ./checks/ by concern, the target-specific ones in each target's profile (lib/cloud/).
import { profileOf } from "../cloud";
import { checkStackPlacement } from "../kafka/placement-from-spec";
import { Problem, configPath, error, errorsOf } from "../problems";
import { findLink, regionPairs } from "../topology";
import type { Cloud } from "../types";
import { checkKafka } from "./checks/kafka";
import { checkKafkaAccess } from "./checks/kafka-access";
import { checkLinks } from "./checks/links";
import { checkObservability, resolveObservability } from "./checks/observability";
import { checkImages } from "./checks/images";
import { checkKubernetesVersion } from "./checks/kubernetes-version";
import { checkPrices } from "./checks/prices";
import { planRanges } from "./checks/ranges";
import { checkRegions, defaultClusterId } from "./checks/regions";
import { checkAccess, checkTraffic } from "./checks/traffic-access";
import { zodProblems } from "./decode";
import { CONFIG_KEYS, ConfigKey, ParsedConfig, REQUIRED_KEYS, configSchemas } from "./schema";
import type { CommonStackSpec, SpecOf, StackSpec } from "./spec";

export { decodeConfigValue, rawConfigFromMap } from "./decode";
export { defaultClusterId } from "./checks/regions";
export { resolveObservability } from "./checks/observability";

export type ValidationResult = { ok: true; spec: StackSpec; problems: Problem[] } | { ok: false; problems: Problem[] };

/**
 * Validates the raw configuration of one stack.
 * `raw` maps each top-level key present in the stack (without the `geo-kafka:` prefix) to its value.
 */
export function validateConfig(raw: Readonly<Record<string, unknown>>): ValidationResult {
  const problems: Problem[] = [];
  const parsed: Partial<ParsedConfig> = {};

  for (const key of Object.keys(raw).sort()) {
    if (!(CONFIG_KEYS as string[]).includes(key)) {
      problems.push(error(configPath(key), `unknown setting; known settings are ${CONFIG_KEYS.join(", ")}`));
    }
  }
  for (const key of CONFIG_KEYS) {
    const present = Object.prototype.hasOwnProperty.call(raw, key);
    if (!present && REQUIRED_KEYS.includes(key)) {
      problems.push(error(configPath(key), "is required"));
      continue;
    }
    const result = configSchemas[key].safeParse(raw[key]);
    if (result.success) (parsed as Record<ConfigKey, unknown>)[key] = result.data;
    else problems.push(...zodProblems(key, result.error));
  }

  problems.push(...checkRegions(parsed));
  const ranges = planRanges(parsed, problems);
  problems.push(...checkLinks(parsed));
  problems.push(...checkKafka(parsed));
  problems.push(...checkKafkaAccess(parsed));
  problems.push(...checkTraffic(parsed));
  problems.push(...checkPrices(parsed));
  problems.push(...checkAccess(parsed));
  problems.push(...checkKubernetesVersion(parsed));
  problems.push(...checkImages(parsed));
  if (parsed.cloud) problems.push(...profileOf(parsed.cloud).configProblems(parsed));
  problems.push(...checkObservability(parsed));

  if (errorsOf(problems).length > 0 || ranges === undefined) return { ok: false, problems };
  const config = parsed as ParsedConfig;
  const { network, nodePools, mesh, kafka, traffic, prices, access, images, protectData, kubernetesVersion } = config;
  const common: CommonStackSpec = {
    network,
    nodePools,
    mesh,
    kafka,
    traffic,
    prices,
    access,
    images,
    protectData,
    ...(kubernetesVersion !== undefined ? { kubernetesVersion } : {}),
    observability: resolveObservability(config.cloud, config.observability),
    regions: config.regions.map((r, index) => ({
      index,
      name: r.name,
      zones: r.zones,
      clusterId: r.clusterId ?? defaultClusterId(config.cloud, r.name),
      ...ranges[index],
    })),
    links: regionPairs(config.regions.map((r) => r.name)).map(({ a, b }) => {
      const link = findLink(config.links, a, b)!;
      return {
        a,
        b,
        rttMs: link.rttMs,
        bandwidthBytesPerSecond: link.bandwidthBytesPerSecond,
        ...(link.perFlowCapBytesPerSecond !== undefined ? { perFlowCapBytesPerSecond: link.perFlowCapBytesPerSecond } : {}),
      };
    }),
  };
  const spec = specFor(config.cloud, common, config);
  // Checks that need the whole, typed spec of one target (subnet plans, name limits).
  problems.push(...targetSpecProblems(spec));
  // Rack-aware placement must leave every partition min.insync.replicas and the quorum a majority after losing a region.
  if (errorsOf(problems).length === 0) {
    for (const message of checkStackPlacement(spec).problems) problems.push(error(configPath("kafka"), message));
  }
  if (errorsOf(problems).length > 0) return { ok: false, problems };
  return { ok: true, spec, problems };
}

function specFor<C extends Cloud>(cloud: C, common: CommonStackSpec, config: ParsedConfig): SpecOf<C> {
  return profileOf(cloud).toSpec(common, config);
}

function targetSpecProblems<C extends Cloud>(spec: SpecOf<C>): Problem[] {
  return profileOf<C>(spec.cloud as C).specProblems(spec);
}
