// Pure planning for GKE clusters and node pools: zone spread, taints, network tags, kernel settings, names.
// Nothing here creates a resource; the components in this folder call it and the tests check it directly.
import { createHash } from "node:crypto";
import { KAFKA_NODE_TAINT } from "../../node-pools";

/** GCE network tags on the nodes of each pool: firewall rules target pools by these, never the whole network. */
export const KAFKA_NODE_TAG = "geo-kafka-kafka-node";
export const SYSTEM_NODE_TAG = "geo-kafka-system-node";

/** GKE's release channel until the config schema has a key for it (see docs/gke.md). */
export const DEFAULT_RELEASE_CHANNEL = "REGULAR";
export type ReleaseChannel = "RAPID" | "REGULAR" | "STABLE" | "EXTENDED";

/** GKE cluster names: a lower-case letter, then letters, digits or '-', at most 40 characters. */
export const GKE_CLUSTER_NAME_MAX = 40;
/** IAM service account ids: 6-30 characters. */
export const SERVICE_ACCOUNT_ID_MAX = 30;

export interface ZoneSpread {
  /** Zones that get nodes. */
  nodeLocations: string[];
  /** GKE sizes a regional pool per zone: this many nodes in each of `nodeLocations`. */
  nodeCountPerZone: number;
  /** Nodes the pool will really have: `nodeLocations.length * nodeCountPerZone`. */
  totalNodes: number;
  /** True when `totalNodes` is more than asked for, because the count does not divide over the zones. */
  roundedUp: boolean;
}

/**
 * Spreads a per-region node count over a region's zones the way GKE can express it (the same count in each zone).
 * Fewer nodes than zones: one node in each of the first zones. A multiple of the zone count: an even spread.
 * Anything else cannot be expressed exactly, so the count is rounded up to the next multiple (never fewer nodes).
 */
export function spreadOverZones(countPerRegion: number, zones: readonly string[]): ZoneSpread {
  if (!Number.isInteger(countPerRegion) || countPerRegion < 1)
    throw new Error(`node count must be a positive integer (got ${countPerRegion})`);
  if (zones.length === 0) throw new Error("a node pool needs at least one zone");
  if (countPerRegion <= zones.length) {
    return { nodeLocations: zones.slice(0, countPerRegion), nodeCountPerZone: 1, totalNodes: countPerRegion, roundedUp: false };
  }
  const nodeCountPerZone = Math.ceil(countPerRegion / zones.length);
  const totalNodes = nodeCountPerZone * zones.length;
  return { nodeLocations: [...zones], nodeCountPerZone, totalNodes, roundedUp: totalNodes !== countPerRegion };
}

/** Kubernetes taint effects to the GKE API's enum. */
const GKE_TAINT_EFFECT = {
  NoSchedule: "NO_SCHEDULE",
  PreferNoSchedule: "PREFER_NO_SCHEDULE",
  NoExecute: "NO_EXECUTE",
} as const;

export function gkeTaintEffect(effect: keyof typeof GKE_TAINT_EFFECT): string {
  return GKE_TAINT_EFFECT[effect];
}

/** The taint that keeps everything but Kafka off the Kafka pool, in the GKE API's form. */
export function kafkaPoolTaint(): { key: string; value: string; effect: string } {
  return { key: KAFKA_NODE_TAINT.key, value: KAFKA_NODE_TAINT.value, effect: gkeTaintEffect(KAFKA_NODE_TAINT.effect) };
}

/**
 * Dataplane V2 (eBPF, with NetworkPolicy enforcement) in both mesh modes. Submariner's datapath needed the legacy
 * iptables kube-proxy, but on gke Submariner is service discovery only (no gateway, no route agent; docs/mesh.md),
 * so nothing holds the clusters on the legacy datapath, which enforces no NetworkPolicy without Calico. The datapath
 * cannot be changed on an existing cluster: moving an old cluster over replaces it (docs/gke.md).
 */
export const DATAPATH_PROVIDER = "ADVANCED_DATAPATH";

/** The GKE cluster's name: the mesh cluster id, so `subctl`/istioctl output and the GCP console agree. */
export function gkeClusterName(clusterId: string): string {
  return clusterId.length <= GKE_CLUSTER_NAME_MAX ? clusterId : clusterId.slice(0, GKE_CLUSTER_NAME_MAX).replace(/-+$/, "");
}

/**
 * Account id of the nodes' service account: `<cluster id>-nodes` when that fits in 30 characters, otherwise a prefix
 * of the cluster id plus a short hash of it, so two long ids never share an account.
 */
export function nodeServiceAccountId(clusterId: string): string {
  const wanted = `${clusterId}-nodes`;
  if (wanted.length <= SERVICE_ACCOUNT_ID_MAX) return wanted;
  const hash = createHash("sha256").update(clusterId).digest("hex").slice(0, 6);
  const suffix = `-${hash}-nodes`;
  const prefix = clusterId.slice(0, SERVICE_ACCOUNT_ID_MAX - suffix.length).replace(/-+$/, "");
  return `${prefix}${suffix}`;
}

/** The workload identity pool of a project. */
export function workloadPool(project: string): string {
  return `${project}.svc.id.goog`;
}

/** Days of the week in RFC 5545 spelling, from the first region's maintenance day on. */
const MAINTENANCE_DAYS = ["TU", "WE", "TH", "FR", "SA", "SU", "MO"] as const;
/** A Tuesday: the first occurrence of the first region's window (any past date works; GKE takes the time of day from it). */
const MAINTENANCE_FIRST_DAY = Date.UTC(2026, 0, 6);
export const MAINTENANCE_START_HOUR_UTC = 1;
/**
 * Twelve hours once a week: GKE asks for at least 48 hours of maintenance availability in any 32 days, counting only
 * windows of four hours or more (GKE "Configure maintenance windows and exclusions", read 2026-12-07); 32 days hold at
 * least four of each weekday.
 */
export const MAINTENANCE_WINDOW_HOURS = 12;

/**
 * The weekly maintenance window of the region at `regionIndex`: one weekday per region, so GKE's own upgrades (control
 * plane, system pool, and at end of support the Kafka pool) never run in two regions on the same day.
 */
export function maintenanceWindow(regionIndex: number): { startTime: string; endTime: string; recurrence: string } {
  if (!Number.isInteger(regionIndex) || regionIndex < 0 || regionIndex >= MAINTENANCE_DAYS.length)
    throw new Error(`no maintenance day for region index ${regionIndex} (at most ${MAINTENANCE_DAYS.length} regions)`);
  const start = MAINTENANCE_FIRST_DAY + regionIndex * 24 * 3600 * 1000 + MAINTENANCE_START_HOUR_UTC * 3600 * 1000;
  const end = start + MAINTENANCE_WINDOW_HOURS * 3600 * 1000;
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, "Z");
  return { startTime: iso(start), endTime: iso(end), recurrence: `FREQ=WEEKLY;BYDAY=${MAINTENANCE_DAYS[regionIndex]}` };
}

/** Name of the cluster's maintenance exclusion for node upgrades. */
export const NODE_UPGRADE_EXCLUSION_NAME = "geo-kafka-nodes-upgraded-by-hand";
/**
 * A fixed start, so plans do not depend on the clock; the exclusion then runs until the running version's end of
 * support, renewed at each minor. Fixed past starts are what GoogleCloudPlatform/cluster-toolkit's GKE module used
 * (its PR #5910, 2026-07); that GKE accepts one on a new cluster is not verified here.
 */
export const NODE_UPGRADE_EXCLUSION_START = "2026-12-07T00:00:00Z";

/**
 * The cluster's exclusion of node upgrades (and control-plane minor upgrades) until the end of support of the running
 * version (GKE "Maintenance windows and exclusions": scope NO_MINOR_OR_NODE_UPGRADES, end time behaviour
 * UNTIL_END_OF_SUPPORT). A node-pool exclusion would do this for the Kafka pool alone, but the google provider sends
 * that field only when a pool is created, so deployed pools would never get it. Patch upgrades of the control plane go
 * on in the region's window; at end of support GKE upgrades anyway, in the window.
 */
export function nodeUpgradeExclusion(): {
  exclusionName: string;
  startTime: string;
  exclusionOptions: { scope: string; endTimeBehavior: string };
} {
  return {
    exclusionName: NODE_UPGRADE_EXCLUSION_NAME,
    startTime: NODE_UPGRADE_EXCLUSION_START,
    exclusionOptions: { scope: "NO_MINOR_OR_NODE_UPGRADES", endTimeBehavior: "UNTIL_END_OF_SUPPORT" },
  };
}
