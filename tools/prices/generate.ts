// `npm run prices:generate`: reads the pinned public price files (tools/prices/sources.ts) from the cache and writes
// lib/cloud/{gke,eks}/prices.generated.json. `--fetch` downloads missing files first; `--check` only compares.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import type { GeneratedPrices } from "../../lib/prices/generated";
import {
  AWS_FAMILIES,
  parseAutoscalerShapes,
  parseDocsNetworkTable,
  parseEc2InstancesInfo,
  parseKarpenterBandwidth,
  parseKarpenterPrices,
  readAws,
} from "./aws";
import { GCP_FAMILIES, parseBandwidthRules, readGcp } from "./gcp";
import {
  AWS_SOURCES,
  GCP_SOURCES,
  GoModuleFile,
  PinnedFile,
  allPinnedFiles,
  blobUrl,
  cachedPath,
  fetchHint,
  pseudoVersionDate,
  unreachable,
} from "./sources";
import { cacheRoot } from "../cache-dir";

// Not tools/run-stack.ts: that loads the catalogs this tool writes, which must not be needed to (re)generate them.
const REPO_ROOT = path.resolve(__dirname, "..", "..");

export const GENERATED_FILES = {
  gke: path.join(REPO_ROOT, "lib", "cloud", "gke", "prices.generated.json"),
  eks: path.join(REPO_ROOT, "lib", "cloud", "eks", "prices.generated.json"),
};

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The pinned file's bytes from the cache, refused when they are not the pinned bytes. */
function readPinned(file: PinnedFile): string {
  const bytes = fs.readFileSync(cachedPath(file));
  const got = sha256(bytes);
  if (got !== file.sha256) {
    throw new Error(`${cachedPath(file)}: SHA-256 ${got}, expected ${file.sha256} (${fetchHint(file)})`);
  }
  return bytes.toString("utf8");
}

/** The file's bytes from its module, downloaded with the machine's Go into a module cache of the price cache's own. */
function goModuleBytes(file: GoModuleFile): Buffer {
  const modCache = path.join(cacheRoot(), "prices", "gomod");
  const r = spawnSync("go", ["mod", "download", "-json", `${file.module}@${file.version}`], {
    cwd: path.dirname(modCache),
    env: { ...process.env, GOMODCACHE: modCache, GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local" },
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  const out = (() => {
    try {
      return JSON.parse(r.stdout ?? "") as { Dir?: string; Error?: string };
    } catch {
      return {};
    }
  })();
  if (r.status !== 0 || !out.Dir) throw new Error(`${fetchHint(file)}: ${out.Error ?? r.stderr ?? r.error}`);
  return fs.readFileSync(path.join(out.Dir, ...file.path.split("/")));
}

async function pinnedBytes(file: PinnedFile): Promise<Buffer> {
  switch (file.from) {
    case "github": {
      const response = await fetch(fetchHint(file));
      if (!response.ok) throw new Error(`${fetchHint(file)}: HTTP ${response.status}`);
      return Buffer.from(await response.arrayBuffer());
    }
    case "go-module":
      return goModuleBytes(file);
    default:
      return unreachable(file);
  }
}

async function fetchMissing(files: readonly PinnedFile[]): Promise<void> {
  for (const file of files) {
    const target = cachedPath(file);
    if (fs.existsSync(target)) continue;
    process.stderr.write(`fetching ${fetchHint(file)}\n`);
    const bytes = await pinnedBytes(file);
    // Nothing that is not the pinned file enters the cache.
    if (sha256(bytes) !== file.sha256) throw new Error(`${fetchHint(file)}: SHA-256 ${sha256(bytes)}, expected ${file.sha256}`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, bytes);
  }
}

/** The GKE catalog data from the pinned GCP files. */
export function generateGke(): GeneratedPrices {
  const rulesBySeries = Object.fromEntries(
    Object.entries(GCP_SOURCES.series).map(([series, file]) => [series, parseBandwidthRules(readPinned(file))]),
  );
  const read = readGcp(readPinned(GCP_SOURCES.pricing), rulesBySeries);
  const regions = new Set<string>();
  for (const machine of Object.values(read.machineTypes)) for (const region of Object.keys(machine.usdPerHour)) regions.add(region);
  for (const disk of Object.values(read.disks)) for (const region of Object.keys(disk.capacityUsd)) regions.add(region);
  return {
    sources: {
      gcpPricing: {
        url: blobUrl(GCP_SOURCES.pricing),
        asOf: read.asOf,
        note: "Cyclenerd/google-cloud-pricing-cost-calculator, generated from Google's Cloud Billing Catalog API; the date is the file's own about.generated",
      },
      gcpSeries: {
        url: GCP_SOURCES.seriesUrl,
        asOf: GCP_SOURCES.seriesAsOf,
        note: "default per-VM egress bandwidth per series (Compute Engine machine series docs, transcribed as SQL LIKE rules); Tier_1 networking not counted; the files carry no date, this is the pinned commit's",
      },
    },
    regionSources: Object.fromEntries([...regions].sort().map((region) => [region, "gcpPricing"])),
    shapeSource: "gcpPricing",
    bandwidthSources: ["gcpSeries"],
    families: [...GCP_FAMILIES],
    machineTypes: read.machineTypes,
    disks: read.disks,
  };
}

/** The EKS catalog data from the pinned AWS files (the regions these files price; docs/prices.md lists the rest). */
export function generateEks(): GeneratedPrices {
  const aws = parseKarpenterPrices(readPinned(AWS_SOURCES.pricesAws));
  const usGov = parseKarpenterPrices(readPinned(AWS_SOURCES.pricesUsGov));
  const allRegions = parseEc2InstancesInfo(readPinned(AWS_SOURCES.pricesAllRegions));
  const shapes = parseAutoscalerShapes(readPinned(AWS_SOURCES.shapes));
  const read = readAws({
    prices: [
      { id: "karpenterPricesAws", regions: aws.regions },
      { id: "karpenterPricesUsGov", regions: usGov.regions },
      // Older than Karpenter's files, so it prices only the regions they do not.
      { id: "ec2InstancesInfo", regions: allRegions.regions },
    ],
    shapes: shapes.shapes,
    baselineMegabits: parseKarpenterBandwidth(readPinned(AWS_SOURCES.baseline)),
    docsTable: parseDocsNetworkTable(readPinned(AWS_SOURCES.docsGp)),
    ids: { shapes: "autoscalerShapes", baseline: "karpenterBandwidth", docs: "ec2DocsGp" },
  });
  const pricesNote =
    "Karpenter's generated on-demand Linux prices (hack/code/prices_gen, AWS Pricing API); the date is the file's own 'generated at'";
  return {
    sources: {
      karpenterPricesAws: { url: blobUrl(AWS_SOURCES.pricesAws), asOf: aws.asOf, note: pricesNote },
      karpenterPricesUsGov: { url: blobUrl(AWS_SOURCES.pricesUsGov), asOf: usGov.asOf, note: pricesNote },
      ec2InstancesInfo: {
        url: blobUrl(AWS_SOURCES.pricesAllRegions),
        asOf: pseudoVersionDate(AWS_SOURCES.pricesAllRegions.version),
        note: `ec2instances.info's instances.json (vantage-sh/ec2instances.info, built from the AWS Price List API) as committed to the Go module ${AWS_SOURCES.pricesAllRegions.module}@${AWS_SOURCES.pricesAllRegions.version}; on-demand Linux, regions only (no Local or Wavelength Zones); used for the regions Karpenter's files do not price; the date is the module version's commit, the file states none`,
      },
      autoscalerShapes: {
        url: blobUrl(AWS_SOURCES.shapes),
        asOf: shapes.asOf,
        note: "Cluster Autoscaler's static instance list (vCPU, MemoryMb / 1024 = GiB); the date is its StaticListLastUpdateTime",
      },
      karpenterBandwidth: {
        url: blobUrl(AWS_SOURCES.baseline),
        asOf: AWS_SOURCES.baselineAsOf,
        note: "documented baseline bandwidth (Mbit/s) per instance type, generated from the EC2 instance-type docs; the date is the file's last change",
      },
      ec2DocsGp: {
        url: blobUrl(AWS_SOURCES.docsGp),
        asOf: AWS_SOURCES.docsGpAsOf,
        note: "stored copy of docs.aws.amazon.com/ec2/latest/instancetypes/gp.html, table #gp_network (baseline / burst Gbit/s); the date is the copy's last change",
      },
    },
    regionSources: read.regionSources,
    shapeSource: "autoscalerShapes",
    bandwidthSources: ["ec2DocsGp", "karpenterBandwidth"],
    families: [...AWS_FAMILIES],
    machineTypes: read.machineTypes,
    disks: {},
  };
}

export function serializeGenerated(generated: GeneratedPrices): string {
  return `${JSON.stringify(generated, null, 2)}\n`;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { fetch: { type: "boolean", default: false }, check: { type: "boolean", default: false } },
  });
  const files = allPinnedFiles();
  if (values.fetch) await fetchMissing(files);
  const missing = files.filter((f) => !fs.existsSync(cachedPath(f)));
  if (missing.length > 0) {
    process.stderr.write(
      `missing source files (run with --fetch, or download them to these paths):\n${missing
        .map((f) => `  ${fetchHint(f)}\n    -> ${cachedPath(f)}`)
        .join("\n")}\n`,
    );
    return 1;
  }
  const outputs = { gke: serializeGenerated(generateGke()), eks: serializeGenerated(generateEks()) };
  let stale = 0;
  for (const [cloud, text] of Object.entries(outputs) as Array<[keyof typeof GENERATED_FILES, string]>) {
    const file = GENERATED_FILES[cloud];
    const relative = path.relative(REPO_ROOT, file);
    if (values.check) {
      const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
      if (current === text) process.stdout.write(`${relative} matches the pinned sources\n`);
      else {
        process.stderr.write(`${relative} differs from what the pinned sources generate\n`);
        stale++;
      }
      continue;
    }
    fs.writeFileSync(file, text);
    process.stdout.write(`wrote ${relative}\n`);
  }
  return stale > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
