// The upgrade paths the Kubernetes lab walks: edits of a stack file a user makes between two `pulumi up`s, and how a
// changed object reaches the cluster (in place, or replaced because the plan marks the changed path replace-on-change).
import { stringify } from "yaml";
import { profileOf } from "../cloud";
import type { Cloud } from "../types";

const NS = "geo-kafka";

/** A stack file's `config:` map (fully qualified keys, YAML values). */
export type StackConfig = Record<string, unknown>;

export interface UpgradeEdit {
  /** Short name of the change, as reported. */
  change: string;
  /** The top-level config keys the edit changes (without the project prefix). */
  keys: readonly string[];
  /** Whether the edit applies to a config (a Kubernetes version only where a later one is supported). */
  appliesTo?: (config: StackConfig) => boolean;
  /** What the edit does to the shipped config, in the words a reviewer reads. */
  describe: (config: StackConfig) => string;
  apply: (config: StackConfig) => StackConfig;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});

/** Defaults the edits start from when the stack file leaves a key out (README configuration reference). */
const DEFAULT_PARTITIONS = 72;

function kafka(config: StackConfig): Obj {
  return obj(config[`${NS}:kafka`]);
}

function withKafka(config: StackConfig, patch: (k: Obj) => Obj): StackConfig {
  return { ...config, [`${NS}:kafka`]: patch(structuredClone(kafka(config))) };
}

function diskSize(config: StackConfig): number {
  return Number(obj(kafka(config).disk).sizeGiB);
}

function partitions(config: StackConfig): number {
  return Number(kafka(config).defaultPartitions ?? DEFAULT_PARTITIONS);
}

/** The next patch release of an `x.y.z` version (the supported range is one minor: lib/config/kafka-version.ts). */
export function nextPatch(version: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!m) throw new Error(`kafka.version ${version} is not x.y.z`);
  return `${m[1]}.${m[2]}.${Number(m[3]) + 1}`;
}

function scrapeOf(config: StackConfig): string {
  return String(obj(config[`${NS}:observability`]).scrape ?? defaultScrape(config));
}

function kafkaPool(config: StackConfig): Obj {
  return obj(obj(config[`${NS}:nodePools`]).kafka);
}

function withKafkaPool(config: StackConfig, patch: (pool: Obj) => Obj): StackConfig {
  const pools = structuredClone(obj(config[`${NS}:nodePools`]));
  return { ...config, [`${NS}:nodePools`]: { ...pools, kafka: patch(obj(pools.kafka)) } };
}

/** The machine type twice the size in the same family (`n2-standard-8` -> `-16`, `m5.2xlarge` -> `m5.4xlarge`). */
export function doubledMachineType(machineType: string): string {
  const gcp = /^(.*-)(\d+)$/.exec(machineType);
  if (gcp) return `${gcp[1]}${Number(gcp[2]) * 2}`;
  const aws = /^([a-z0-9-]+)\.(\d*)xlarge$/.exec(machineType);
  if (aws) return `${aws[1]}.${Number(aws[2] || 1) * 2}xlarge`;
  throw new Error(`no doubled size known for machine type ${machineType}`);
}

/** What the upgrade walk knows of Kubernetes versions: each target's supported minors, oldest first. */
export type KubernetesVersionsOf = (cloud: string) => readonly string[] | undefined;

/** The next supported minor after the config's (or the target's default), if the list has one. */
function nextKubernetesVersion(
  config: StackConfig,
  versionsOf: KubernetesVersionsOf,
  defaults: Record<string, string>,
): string | undefined {
  const cloud = String(config[`${NS}:cloud`]);
  const versions = versionsOf(cloud) ?? [];
  const current = String(config[`${NS}:kubernetesVersion`] ?? defaults[cloud] ?? "");
  const i = versions.indexOf(current);
  return i >= 0 ? versions[i + 1] : undefined;
}

/**
 * The edits of an upgrade run, each applied on its own to the shipped config. `versionsOf` and `defaultVersions` give
 * each target's supported Kubernetes minors and default (lib/cloud/versions.ts).
 */
export function upgradeEdits(
  defaultKafkaVersion: string,
  versionsOf: KubernetesVersionsOf = () => undefined,
  defaultVersions: Record<string, string> = {},
): UpgradeEdit[] {
  const versionOf = (c: StackConfig) => String(kafka(c).version ?? defaultKafkaVersion);
  const brokers = (c: StackConfig) => Number(kafka(c).brokersPerRegion ?? 3);
  const nodes = (c: StackConfig) => Number(kafkaPool(c).countPerRegion);
  return [
    {
      change: "bigger Kafka disk",
      keys: ["kafka"],
      describe: (c) => `kafka.disk.sizeGiB ${diskSize(c)} -> ${Math.round(diskSize(c) * 1.5)}`,
      apply: (c) => withKafka(c, (k) => ({ ...k, disk: { ...obj(k.disk), sizeGiB: Math.round(diskSize(c) * 1.5) } })),
    },
    {
      change: "one more default partition",
      keys: ["kafka"],
      describe: (c) => `kafka.defaultPartitions ${partitions(c)} -> ${partitions(c) + 1}`,
      apply: (c) => withKafka(c, (k) => ({ ...k, defaultPartitions: partitions(c) + 1 })),
    },
    {
      change: "Kafka patch version",
      keys: ["kafka"],
      describe: (c) => `kafka.version ${versionOf(c)} -> ${nextPatch(versionOf(c))}`,
      apply: (c) => withKafka(c, (k) => ({ ...k, version: nextPatch(versionOf(c)) })),
    },
    {
      change: "different RTT",
      keys: ["links"],
      describe: () => "every links[].rttMs doubled (bigger socket buffers and sysctls)",
      apply: (c) => ({
        ...c,
        [`${NS}:links`]: (c[`${NS}:links`] as Obj[]).map((l) => ({ ...l, rttMs: Number(l.rttMs) * 2 })),
      }),
    },
    {
      change: "observability switched",
      keys: ["observability"],
      describe: (c) => `observability.scrape ${scrapeOf(c)} -> ${scrapeOf(c) === "none" ? defaultScrape(c) : "none"}`,
      apply: (c) => ({
        ...c,
        [`${NS}:observability`]: {
          ...obj(c[`${NS}:observability`]),
          scrape: scrapeOf(c) === "none" ? defaultScrape(c) : "none",
        },
      }),
    },
    {
      change: "one more broker per region",
      keys: ["kafka", "nodePools"],
      describe: (c) =>
        `kafka.brokersPerRegion ${brokers(c)} -> ${brokers(c) + 1}` +
        (nodes(c) <= brokers(c) ? `, nodePools.kafka.countPerRegion ${nodes(c)} -> ${brokers(c) + 1} (one broker per node)` : ""),
      apply: (c) => {
        const grown = withKafka(c, (k) => ({ ...k, brokersPerRegion: brokers(c) + 1 }));
        return nodes(c) <= brokers(c) ? withKafkaPool(grown, (p) => ({ ...p, countPerRegion: brokers(c) + 1 })) : grown;
      },
    },
    {
      change: "Kafka node machine type",
      keys: ["nodePools"],
      // Existing clusters' machine type is a label: their pods are sized from existing.kafkaNodeShape.
      appliesTo: (c) => cloudOf(c) !== "existing",
      describe: (c) =>
        `nodePools.kafka.machineType ${String(kafkaPool(c).machineType)} -> ${doubledMachineType(String(kafkaPool(c).machineType))}`,
      apply: (c) => withKafkaPool(c, (p) => ({ ...p, machineType: doubledMachineType(String(p.machineType)) })),
    },
    {
      change: "Kubernetes version",
      keys: ["kubernetesVersion"],
      appliesTo: (c) => nextKubernetesVersion(c, versionsOf, defaultVersions) !== undefined,
      describe: (c) =>
        `kubernetesVersion ${String(c[`${NS}:kubernetesVersion`] ?? defaultVersions[cloudOf(c)])} -> ${nextKubernetesVersion(c, versionsOf, defaultVersions)}`,
      apply: (c) => ({ ...c, [`${NS}:kubernetesVersion`]: nextKubernetesVersion(c, versionsOf, defaultVersions) }),
    },
  ];
}

function cloudOf(config: StackConfig): Cloud {
  return String(config[`${NS}:cloud`]) as Cloud;
}

/** The target's scraper when the stack file names none (its profile's `defaultScrape`). */
function defaultScrape(config: StackConfig): string {
  return profileOf(cloudOf(config)).defaultScrape;
}

/** The stack file text of an edited config (the format of Pulumi.<stack>.yaml, for `npm run plan -- --config`). */
export function stackFileText(config: StackConfig): string {
  return stringify({ config }, { lineWidth: 0 });
}

/** Leaf paths (`spec.template.spec.containers[0].image`) whose values differ between two objects. */
export function changedPaths(before: unknown, after: unknown, prefix = ""): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isObj = (v: unknown) => v !== null && typeof v === "object";
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: string[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) out.push(...changedPaths(before[i], after[i], `${prefix}[${i}]`));
    return out;
  }
  if (isObj(before) && isObj(after) && !Array.isArray(before) && !Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before as Obj), ...Object.keys(after as Obj)])].sort();
    return keys.flatMap((k) => changedPaths((before as Obj)[k], (after as Obj)[k], prefix ? `${prefix}.${k}` : k));
  }
  return [prefix];
}

/**
 * Whether Pulumi replaces a resource for these changed paths: some path lies under one of its `replaceOnChanges`
 * patterns (`spec.volumeClaimTemplates`, `spec.a[*].b`, `*` for any change).
 */
export function replacedBy(changed: readonly string[], replaceOnChanges: readonly string[]): string[] {
  const patterns = replaceOnChanges.map((p) => {
    if (p === "*") return /^/;
    const escaped = p
      .split(/(\[\*\]|\*)/)
      .map((part) => (part === "[*]" ? "\\[\\d+\\]" : part === "*" ? "[^.\\[]+" : part.replace(/[.[\]]/g, (c) => `\\${c}`)))
      .join("");
    return new RegExp(`^${escaped}(?:$|[.[])`);
  });
  return changed.filter((path) => patterns.some((re) => re.test(path)));
}
