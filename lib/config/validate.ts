// Turns raw stack configuration into a typed StackSpec, or into the complete list of what is wrong.
// Every problem names its config path; nothing here creates a resource or reads Pulumi state.
import { ZodError } from "zod";
import { eksSpecProblems } from "../aws-network";
import { checkStackPlacement } from "../kafka/placement-from-spec";
import { ClusterRanges, RangeKind, cidr, overlaps, parseCidr, planClusterRanges } from "../cidr";
import { PROJECT, Problem, configPath, error, errorsOf, warning } from "../problems";
import { diskPrices, machineTypePrice } from "../prices";
import { KNOWN_REGIONS, isKnownRegion } from "./regions";
import { RegionLink, findLink, pairKey, regionPairs } from "../topology";
import { Cloud, DISK_TYPES_BY_CLOUD } from "../types";
import {
  CONFIG_KEYS,
  ConfigKey,
  ObservabilityConfig,
  ObservabilitySpec,
  ParsedConfig,
  REQUIRED_KEYS,
  ScrapeModeConfig,
  configSchemas,
} from "./schema";

export interface RegionSpec {
  /** Position in `regions`, stable across the program. */
  index: number;
  name: string;
  zones: string[];
  /** DNS label naming this region's cluster in the mesh. */
  clusterId: string;
  nodeCidr: string;
  podCidr: string;
  serviceCidr: string;
}

/** The validated, defaulted configuration every other part of the program works from. */
export interface StackSpec extends Omit<ParsedConfig, "regions" | "links" | "observability"> {
  regions: RegionSpec[];
  /** One link per region pair, oriented in `regions` order. */
  links: RegionLink[];
  observability: ObservabilitySpec;
}

/**
 * Scraping that works on a fresh cluster of each cloud, with nothing installed beforehand: GKE installs the
 * monitoring.googleapis.com CRDs itself when managed collection is enabled on the cluster; on EKS the Prometheus
 * Operator's CRDs come with the kube-prometheus-stack release this default turns on (docs/observability.md).
 */
export const OBSERVABILITY_DEFAULT_SCRAPE: Record<Cloud, ScrapeModeConfig> = {
  gke: "gke-managed",
  eks: "prometheus-operator",
};

/** The cloud's scraper when none is given; kube-prometheus-stack by default wherever it is what installs the CRDs. */
export function resolveObservability(cloud: Cloud, o: ObservabilityConfig): ObservabilitySpec {
  const scrape = o.scrape ?? OBSERVABILITY_DEFAULT_SCRAPE[cloud];
  return {
    ...o,
    scrape,
    installKubePrometheusStack: o.installKubePrometheusStack ?? (scrape === "prometheus-operator" && !o.crdsPreinstalled),
  };
}

/**
 * Pulumi hands structured config to programs as JSON text and plain strings as they are;
 * a value that is not JSON is therefore the string itself.
 */
export function decodeConfigValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The keys of this project's namespace (`geo-kafka:*`), prefix removed, values decoded. */
export function rawConfigFromMap(all: Readonly<Record<string, string>>): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  const prefix = `${PROJECT}:`;
  for (const [key, text] of Object.entries(all)) {
    if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = decodeConfigValue(text);
  }
  return raw;
}

export type ValidationResult = { ok: true; spec: StackSpec; problems: Problem[] } | { ok: false; problems: Problem[] };

export const REQUIRED_REGION_COUNT = 3;

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** io1 limits: 50 provisioned IOPS per GiB, 64,000 per volume, 4-16,384 GiB, at least 100 IOPS. */
export const IO1_MAX_IOPS_PER_GIB = 50;
export const IO1_MAX_IOPS_PER_VOLUME = 64_000;
const IO1_MIN_IOPS = 100;
const IO1_SIZE_GIB = { min: 4, max: 16_384 };
const PD_SSD_SIZE_GIB = { min: 10, max: 65_536 };

function zodProblems(key: string, err: ZodError): Problem[] {
  return err.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      const keys = (issue as { keys: string[] }).keys;
      return error(
        configPath(key, [...issue.path.map(toSegment), keys[0]]),
        `unknown setting${keys.length > 1 ? "s" : ""} ${keys.map((k) => `"${k}"`).join(", ")}`,
      );
    }
    return error(configPath(key, issue.path.map(toSegment)), issue.message);
  });
}

function toSegment(p: PropertyKey): string | number {
  return typeof p === "number" ? p : String(p);
}

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
  problems.push(...checkTraffic(parsed));
  problems.push(...checkPrices(parsed));
  problems.push(...checkAccess(parsed));
  problems.push(...checkMesh(parsed));
  problems.push(...checkCloud(parsed));
  problems.push(...checkObservability(parsed));

  if (errorsOf(problems).length > 0 || ranges === undefined) return { ok: false, problems };
  const config = parsed as ParsedConfig;
  const spec: StackSpec = {
    ...config,
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
  // Checks that need the whole, typed spec of one cloud (subnet plans, GKE name limits).
  problems.push(...(spec.cloud === "eks" ? eksSpecProblems(spec) : gkeSpecProblems(spec)));
  // Rack-aware placement must leave every partition min.insync.replicas and the quorum a majority after losing a region.
  if (errorsOf(problems).length === 0) {
    for (const message of checkStackPlacement(spec).problems) problems.push(error(configPath("kafka"), message));
  }
  if (errorsOf(problems).length > 0) return { ok: false, problems };
  return { ok: true, spec, problems };
}

/** GKE cluster names are at most 40 characters. */
export const GKE_MAX_CLUSTER_NAME = 40;

function gkeSpecProblems(spec: StackSpec): Problem[] {
  const problems: Problem[] = [];
  spec.regions.forEach((region, i) => {
    if (region.clusterId.length > GKE_MAX_CLUSTER_NAME) {
      problems.push(
        error(
          configPath("regions", [i, "clusterId"]),
          `GKE cluster names are at most ${GKE_MAX_CLUSTER_NAME} characters ("${region.clusterId}" has ${region.clusterId.length})`,
        ),
      );
    }
  });
  return problems;
}

export function defaultClusterId(cloud: Cloud, region: string): string {
  return `${cloud}-${region}`;
}

function checkRegions({ cloud, regions }: Partial<ParsedConfig>): Problem[] {
  if (!regions) return [];
  const problems: Problem[] = [];
  if (regions.length !== REQUIRED_REGION_COUNT) {
    problems.push(error(configPath("regions"), `must list exactly ${REQUIRED_REGION_COUNT} regions (found ${regions.length})`));
  }
  const seen = new Map<string, number>();
  const clusterIds = new Map<string, number>();
  regions.forEach((region, i) => {
    const first = seen.get(region.name);
    if (first !== undefined) {
      problems.push(error(configPath("regions", [i, "name"]), `duplicates regions[${first}] ("${region.name}")`));
    } else {
      seen.set(region.name, i);
    }
    if (cloud && !isKnownRegion(cloud, region.name)) {
      const known = KNOWN_REGIONS[cloud];
      problems.push(
        error(
          configPath("regions", [i, "name"]),
          `"${region.name}" is not a ${cloud} region such as ${known.example} (the ${known.names.length} regions of ${known.source} as of ${known.asOf}, listed in lib/config/regions.ts)`,
        ),
      );
    }
    const zoneSeen = new Set<string>();
    region.zones.forEach((zone, z) => {
      if (!zone.startsWith(region.name)) {
        problems.push(error(configPath("regions", [i, "zones", z]), `zone "${zone}" is not in region ${region.name}`));
      }
      if (zoneSeen.has(zone)) problems.push(error(configPath("regions", [i, "zones", z]), `zone "${zone}" is listed twice`));
      zoneSeen.add(zone);
    });
    const clusterId = region.clusterId ?? (cloud ? defaultClusterId(cloud, region.name) : undefined);
    if (clusterId !== undefined) {
      if (!DNS_LABEL.test(clusterId)) {
        problems.push(
          error(
            configPath("regions", [i, "clusterId"]),
            `"${clusterId}" is not a DNS label (lower-case letters, digits and '-', at most 63)`,
          ),
        );
      }
      const other = clusterIds.get(clusterId);
      if (other !== undefined)
        problems.push(error(configPath("regions", [i, "clusterId"]), `duplicates the cluster id of regions[${other}]`));
      clusterIds.set(clusterId, i);
    }
  });
  return problems;
}

const RANGE_KINDS: readonly RangeKind[] = ["nodeCidr", "podCidr", "serviceCidr"];

/** Checks given ranges, plans the missing ones from the base range, and refuses any overlap. */
function planRanges({ cloud, regions, network }: Partial<ParsedConfig>, problems: Problem[]): ClusterRanges[] | undefined {
  if (!regions || !network) return undefined;
  let ok = true;
  const base = parseCidr(network.baseCidr);
  if (!base.ok) {
    problems.push(error(configPath("network", ["baseCidr"]), base.message));
    ok = false;
  }
  const given: Array<Partial<ClusterRanges>> = regions.map((region, i) => {
    const ranges: Partial<ClusterRanges> = {};
    for (const kind of RANGE_KINDS) {
      const text = region[kind];
      if (text === undefined) continue;
      if (kind === "podCidr" && cloud === "eks") {
        problems.push(
          error(configPath("regions", [i, kind]), "on eks pods take addresses from the VPC range (AWS VPC CNI); set nodeCidr instead"),
        );
        ok = false;
        continue;
      }
      const parsed = parseCidr(text);
      if (parsed.ok) ranges[kind] = parsed.cidr.text;
      else {
        problems.push(error(configPath("regions", [i, kind]), parsed.message));
        ok = false;
      }
    }
    return ranges;
  });
  if (!ok || !base.ok) return undefined;

  // Given ranges must already be disjoint; planning never creates an overlap.
  const all: Array<{ path: string; text: string }> = [];
  given.forEach((ranges, i) => {
    for (const kind of RANGE_KINDS) {
      const text = ranges[kind];
      if (text !== undefined) all.push({ path: configPath("regions", [i, kind]), text });
    }
  });
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      if (overlaps(cidr(all[i].text), cidr(all[j].text))) {
        problems.push(error(all[j].path, `${all[j].text} overlaps ${all[i].text} (${all[i].path})`));
        ok = false;
      }
    }
  }
  if (!ok) return undefined;

  // On EKS the VPC CNI gives pods addresses from the VPC range: the pod range is the node range, not a block of its own.
  const podsShareNodeRange = cloud === "eks";
  const plan = planClusterRanges(
    network.baseCidr,
    given.map((g) => ({ given: g })),
    network,
    podsShareNodeRange ? ["podCidr"] : [],
  );
  if (!plan.ok) {
    problems.push(error(configPath("network", ["baseCidr"]), plan.message));
    return undefined;
  }
  const clusters = podsShareNodeRange ? plan.clusters.map((c) => ({ ...c, podCidr: c.nodeCidr })) : plan.clusters;
  if (cloud === "eks") problems.push(...checkEksRanges(clusters));
  return clusters;
}

const RFC1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(cidr);

/** AWS limits: a VPC block is /16 to /28; the EKS service range is RFC 1918, /12 to /24. */
function checkEksRanges(clusters: readonly ClusterRanges[]): Problem[] {
  const problems: Problem[] = [];
  clusters.forEach((c, i) => {
    const node = cidr(c.nodeCidr);
    if (node.prefixLength < 16 || node.prefixLength > 28) {
      problems.push(
        error(
          configPath("regions", [i, "nodeCidr"]),
          `${c.nodeCidr} cannot be a VPC range: AWS allows /16 to /28 (set it, or network.nodePrefixLength)`,
        ),
      );
    }
    const service = cidr(c.serviceCidr);
    if (
      service.prefixLength < 12 ||
      service.prefixLength > 24 ||
      !RFC1918.some((r) => r.first <= service.first && service.last <= r.last)
    ) {
      problems.push(
        error(
          configPath("regions", [i, "serviceCidr"]),
          `${c.serviceCidr} cannot be an EKS service range: it must be /12 to /24 inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`,
        ),
      );
    }
  });
  return problems;
}

function checkLinks({ regions, links }: Partial<ParsedConfig>): Problem[] {
  if (!links) return [];
  const problems: Problem[] = [];
  const names = new Set(regions?.map((r) => r.name) ?? []);
  const seen = new Map<string, number>();
  links.forEach((link, i) => {
    const [a, b] = link.between;
    if (a === b) problems.push(error(configPath("links", [i, "between"]), `joins region "${a}" to itself`));
    if (regions) {
      link.between.forEach((name, k) => {
        if (!names.has(name))
          problems.push(error(configPath("links", [i, "between", k]), `"${name}" is not one of the configured regions`));
      });
    }
    const key = pairKey(a, b);
    const first = seen.get(key);
    if (first !== undefined) problems.push(error(configPath("links", [i, "between"]), `duplicates links[${first}] (${a} - ${b})`));
    else seen.set(key, i);
  });
  if (regions) {
    for (const { a, b } of regionPairs([...names])) {
      if (!findLink(links, a, b))
        problems.push(
          error(configPath("links"), `no link between ${a} and ${b}; every region pair needs rttMs and bandwidthBytesPerSecond`),
        );
    }
  }
  links.forEach((link, i) => {
    if (link.perFlowCapBytesPerSecond !== undefined && link.perFlowCapBytesPerSecond > link.bandwidthBytesPerSecond) {
      problems.push(warning(configPath("links", [i, "perFlowCapBytesPerSecond"]), "is above the link bandwidth and has no effect"));
    }
  });
  return problems;
}

function checkKafka({ cloud, regions, kafka }: Partial<ParsedConfig>): Problem[] {
  if (!kafka) return [];
  const problems: Problem[] = [];
  const path = (...segments: Array<string | number>) => configPath("kafka", segments);
  const regionCount = regions?.length ?? REQUIRED_REGION_COUNT;

  if (kafka.brokersPerRegion < 1) problems.push(error(path("brokersPerRegion"), `must be at least 1 (found ${kafka.brokersPerRegion})`));
  if (kafka.controllersPerRegion < 1)
    problems.push(
      error(
        path("controllersPerRegion"),
        `must be at least 1 so the quorum survives losing a region (found ${kafka.controllersPerRegion})`,
      ),
    );
  if (kafka.replicationFactor > regionCount) {
    problems.push(
      error(
        path("replicationFactor"),
        `${kafka.replicationFactor} is above the number of regions (${regionCount}); rack = region allows one replica per region`,
      ),
    );
  }
  if (kafka.minInsyncReplicas > kafka.replicationFactor - 1) {
    problems.push(
      error(
        path("minInsyncReplicas"),
        `must be between 1 and replicationFactor - 1 = ${kafka.replicationFactor - 1} so writes continue when a region is lost (found ${kafka.minInsyncReplicas})`,
      ),
    );
  } else if (kafka.minInsyncReplicas === 1) {
    problems.push(warning(path("minInsyncReplicas"), "1 acknowledges writes held by a single region; losing it loses them"));
  }
  if (kafka.producer.acks !== "all") {
    problems.push(
      warning(
        path("producer", "acks"),
        `acks=${kafka.producer.acks} does not wait for min.insync.replicas; acknowledged writes can be lost`,
      ),
    );
  }
  if (kafka.brokersPerRegion >= 1 && kafka.replicationFactor <= regionCount && kafka.defaultPartitions % regionCount !== 0) {
    problems.push(
      warning(
        path("defaultPartitions"),
        `${kafka.defaultPartitions} is not a multiple of ${regionCount}; leaders cannot spread evenly over the regions`,
      ),
    );
  }

  kafka.topics.forEach((topic, i) => {
    const rf = topic.replicationFactor ?? kafka.replicationFactor;
    if (rf > regionCount) {
      problems.push(
        error(
          path("topics", i, "replicationFactor"),
          `${rf} is above the number of regions (${regionCount}); rack = region allows one replica per region`,
        ),
      );
    } else if (rf <= kafka.minInsyncReplicas) {
      problems.push(
        error(
          path("topics", i, "replicationFactor"),
          `${rf} leaves no room to lose a region with min.insync.replicas=${kafka.minInsyncReplicas}`,
        ),
      );
    }
  });

  if (cloud) {
    const allowed = DISK_TYPES_BY_CLOUD[cloud];
    if (!(allowed as readonly string[]).includes(kafka.disk.type)) {
      problems.push(error(path("disk", "type"), `"${kafka.disk.type}" is not a disk type for ${cloud}; use ${allowed.join(" or ")}`));
    }
  }
  const { type, sizeGiB, iopsPerGiB } = kafka.disk;
  if (type === "io1") {
    if (sizeGiB < IO1_SIZE_GIB.min || sizeGiB > IO1_SIZE_GIB.max) {
      problems.push(error(path("disk", "sizeGiB"), `io1 volumes are ${IO1_SIZE_GIB.min} to ${IO1_SIZE_GIB.max} GiB (found ${sizeGiB})`));
    }
    if (iopsPerGiB === undefined) {
      problems.push(error(path("disk", "iopsPerGiB"), "io1 needs provisioned IOPS: set iopsPerGiB (at most 50)"));
    } else {
      if (iopsPerGiB > IO1_MAX_IOPS_PER_GIB) {
        problems.push(error(path("disk", "iopsPerGiB"), `io1 allows at most ${IO1_MAX_IOPS_PER_GIB} IOPS per GiB (found ${iopsPerGiB})`));
      }
      const iops = Math.round(iopsPerGiB * sizeGiB);
      if (iops > IO1_MAX_IOPS_PER_VOLUME) {
        problems.push(
          error(
            path("disk", "iopsPerGiB"),
            `${iopsPerGiB} IOPS/GiB x ${sizeGiB} GiB = ${iops} IOPS, above io1's ${IO1_MAX_IOPS_PER_VOLUME} per volume`,
          ),
        );
      } else if (iops < IO1_MIN_IOPS) {
        problems.push(error(path("disk", "iopsPerGiB"), `${iops} IOPS is below io1's minimum of ${IO1_MIN_IOPS}`));
      }
    }
  } else if (type === "pd-ssd") {
    if (sizeGiB < PD_SSD_SIZE_GIB.min || sizeGiB > PD_SSD_SIZE_GIB.max) {
      problems.push(
        error(path("disk", "sizeGiB"), `pd-ssd disks are ${PD_SSD_SIZE_GIB.min} to ${PD_SSD_SIZE_GIB.max} GiB (found ${sizeGiB})`),
      );
    }
    if (iopsPerGiB !== undefined) {
      problems.push(error(path("disk", "iopsPerGiB"), "pd-ssd performance follows its size; provisioned IOPS apply to io1 only"));
    }
  }
  return problems;
}

function checkTraffic({ traffic }: Partial<ParsedConfig>): Problem[] {
  if (!traffic) return [];
  const has = (v: unknown) => v !== undefined;
  if (has(traffic.messagesPerSecond) === has(traffic.messageSizeBytes)) {
    return [error(configPath("traffic", ["messagesPerSecond"]), "give exactly one of messagesPerSecond and messageSizeBytes")];
  }
  return [];
}

function checkPrices({ cloud, regions, nodePools, kafka, prices }: Partial<ParsedConfig>): Problem[] {
  if (!cloud || !regions || !prices) return [];
  const problems: Problem[] = [];
  // A region the cloud does not have is refused by checkRegions; asking its prices would only repeat that.
  for (const region of regions.filter((r) => isKnownRegion(cloud, r.name))) {
    if (nodePools) {
      for (const pool of ["kafka", "system"] as const) {
        const { machineType } = nodePools[pool];
        if (!machineTypePrice(cloud, region.name, machineType, prices)) {
          problems.push(
            error(
              configPath("nodePools", [pool, "machineType"]),
              `no catalog price for ${machineType} in ${region.name}; set geo-kafka:prices.machineTypes["${machineType}"] ($/hour)`,
            ),
          );
        }
      }
    }
    if (kafka && (DISK_TYPES_BY_CLOUD[cloud] as readonly string[]).includes(kafka.disk.type)) {
      const disk = diskPrices(cloud, region.name, kafka.disk.type, prices);
      if (!disk) {
        problems.push(
          error(
            configPath("kafka", ["disk", "type"]),
            `no catalog price for ${kafka.disk.type} in ${region.name}; set geo-kafka:prices.diskUsdPerGiBMonth`,
          ),
        );
      } else if (kafka.disk.iopsPerGiB !== undefined && !disk.iopsPerMonth) {
        problems.push(
          error(
            configPath("kafka", ["disk", "iopsPerGiB"]),
            `no catalog price for provisioned IOPS in ${region.name}; set geo-kafka:prices.iopsUsdPerMonth`,
          ),
        );
      }
    }
  }
  return dedupe(problems);
}

function checkAccess({ access }: Partial<ParsedConfig>): Problem[] {
  if (!access) return [];
  const problems: Problem[] = [];
  access.controlPlaneCidrs.forEach((text, i) => {
    const parsed = parseCidr(text);
    if (!parsed.ok) problems.push(error(configPath("access", ["controlPlaneCidrs", i]), parsed.message));
    else if (parsed.cidr.prefixLength === 0) {
      problems.push(warning(configPath("access", ["controlPlaneCidrs", i]), "opens the Kubernetes API endpoints to the whole internet"));
    }
  });
  return problems;
}

function checkCloud({ cloud, gcp }: Partial<ParsedConfig>): Problem[] {
  if (cloud === "gke" && gcp === undefined) return [error(configPath("gcp", ["project"]), "stack gke needs the GCP project id")];
  if (cloud === "eks" && gcp !== undefined) return [warning(configPath("gcp"), "is ignored on eks")];
  return [];
}

function checkMesh({ cloud, mesh }: Partial<ParsedConfig>): Problem[] {
  if (cloud === "eks" && mesh?.mode === "submariner") {
    return [
      error(
        configPath("mesh", ["mode"]),
        "submariner does not support the AWS VPC CNI that EKS nodes use (submariner-io/submariner#2265); use istio on eks",
      ),
    ];
  }
  return [];
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.severity}|${p.path}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Kafka's default replica.lag.time.max.ms (as lib/observability/alerts.ts): an alert at or above it would never fire before the ISR shrinks. */
const REPLICA_LAG_TIME_MAX_MS = 30_000;

/** Observability settings against the cloud, the mesh and the links (lib/observability). */
function checkObservability({ cloud, mesh, links, observability }: Partial<ParsedConfig>): Problem[] {
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
  if (scrape === "gke-managed" && cloud !== undefined && cloud !== "gke") {
    problems.push(error(path("scrape"), `gke-managed is GKE Managed Service for Prometheus; this stack is ${cloud}`));
  }
  if (scrape === "amazon-managed" && cloud !== undefined && cloud !== "eks") {
    problems.push(error(path("scrape"), `amazon-managed is Amazon Managed Service for Prometheus; this stack is ${cloud}`));
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
