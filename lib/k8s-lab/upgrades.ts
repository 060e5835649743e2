// The upgrade paths the Kubernetes lab walks: edits of a stack file a user makes between two `pulumi up`s, and how a
// changed object reaches the cluster (in place, or replaced because the plan marks the changed path replace-on-change).
import { stringify } from "yaml";

const NS = "geo-kafka";

/** A stack file's `config:` map (fully qualified keys, YAML values). */
export type StackConfig = Record<string, unknown>;

export interface UpgradeEdit {
  /** Short name of the change, as reported. */
  change: string;
  /** What the edit does to the shipped config, in the words a reviewer reads. */
  describe: (config: StackConfig) => string;
  apply: (config: StackConfig) => StackConfig;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});

/** Defaults the edits start from when the stack file leaves a key out (README configuration reference). */
const DEFAULT_PARTITIONS = 72;
const DEFAULT_SCRAPE = { gke: "gke-managed", eks: "prometheus-operator" } as const;

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
  const cloud = String(config[`${NS}:cloud`]) as keyof typeof DEFAULT_SCRAPE;
  return String(obj(config[`${NS}:observability`]).scrape ?? DEFAULT_SCRAPE[cloud]);
}

/** The five edits of an upgrade run, each applied on its own to the shipped config. */
export function upgradeEdits(defaultKafkaVersion: string): UpgradeEdit[] {
  const versionOf = (c: StackConfig) => String(kafka(c).version ?? defaultKafkaVersion);
  return [
    {
      change: "bigger Kafka disk",
      describe: (c) => `kafka.disk.sizeGiB ${diskSize(c)} -> ${Math.round(diskSize(c) * 1.5)}`,
      apply: (c) => withKafka(c, (k) => ({ ...k, disk: { ...obj(k.disk), sizeGiB: Math.round(diskSize(c) * 1.5) } })),
    },
    {
      change: "one more default partition",
      describe: (c) => `kafka.defaultPartitions ${partitions(c)} -> ${partitions(c) + 1}`,
      apply: (c) => withKafka(c, (k) => ({ ...k, defaultPartitions: partitions(c) + 1 })),
    },
    {
      change: "Kafka patch version",
      describe: (c) => `kafka.version ${versionOf(c)} -> ${nextPatch(versionOf(c))}`,
      apply: (c) => withKafka(c, (k) => ({ ...k, version: nextPatch(versionOf(c)) })),
    },
    {
      change: "different RTT",
      describe: () => "every links[].rttMs doubled (bigger socket buffers and sysctls)",
      apply: (c) => ({
        ...c,
        [`${NS}:links`]: (c[`${NS}:links`] as Obj[]).map((l) => ({ ...l, rttMs: Number(l.rttMs) * 2 })),
      }),
    },
    {
      change: "observability switched",
      describe: (c) => `observability.scrape ${scrapeOf(c)} -> ${scrapeOf(c) === "none" ? DEFAULT_SCRAPE[cloudOf(c)] : "none"}`,
      apply: (c) => ({
        ...c,
        [`${NS}:observability`]: {
          ...obj(c[`${NS}:observability`]),
          scrape: scrapeOf(c) === "none" ? DEFAULT_SCRAPE[cloudOf(c)] : "none",
        },
      }),
    },
  ];
}

function cloudOf(config: StackConfig): keyof typeof DEFAULT_SCRAPE {
  return String(config[`${NS}:cloud`]) as keyof typeof DEFAULT_SCRAPE;
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
