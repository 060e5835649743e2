// Price catalogs: generated from pinned public sources (tools/prices/), every entry sourced and dated, every region
// of each cloud covered or listed in docs/prices.md, and a type or region without a price refused at its config path.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { KNOWN_REGIONS } from "../lib/config/regions";
import { EKS_GENERATED, EKS_PRICES } from "../lib/cloud/eks/prices";
import { GKE_GENERATED, GKE_PRICES } from "../lib/cloud/gke/prices";
import { GeneratedPrices, mergeRegions, regionsFromGenerated } from "../lib/prices/generated";
import type { CloudPriceCatalog, PriceEntry } from "../lib/prices/types";
import {
  parseAutoscalerShapes,
  parseDocsNetworkTable,
  parseEc2InstancesInfo,
  parseKarpenterBandwidth,
  parseKarpenterPrices,
  readAws,
} from "../tools/prices/aws";
import { bandwidthFor, likeToRegExp, parseBandwidthRules, pricingYmlDate, readGcp } from "../tools/prices/gcp";
import { GENERATED_FILES, generateEks, generateGke, serializeGenerated } from "../tools/prices/generate";
import { allPinnedFiles, blobUrl, cachedPath, fetchHint, pseudoVersionCommit, pseudoVersionDate } from "../tools/prices/sources";
import { REPO_ROOT, runStack } from "../tools/run-stack";
import { planStack, runTool, setPath, stackConfig } from "./helpers/harness";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const EUROPE = path.join(REPO_ROOT, "test", "fixtures", "prices", "gke-europe.yaml");
const UNPRICED_IN_REGION = path.join(REPO_ROOT, "test", "fixtures", "bad-config", "unpriced-machine-type-in-region.yaml");
const PRICES_DOC = fs.readFileSync(path.join(REPO_ROOT, "docs", "prices.md"), "utf8");

type CostEstimatePrices = { prices: Array<{ item: string; usd: number; source: string }> };

/**
 * Every machine of every region is in the estimate's price list, from the generated file's `sourceId` at the generated
 * price; returns the list by item for further checks.
 */
function expectGeneratedMachinePrices(
  costEstimate: unknown,
  generated: GeneratedPrices,
  sourceId: string,
  regions: readonly string[],
  machines: readonly string[],
): Record<string, CostEstimatePrices["prices"][number]> {
  const byItem = Object.fromEntries((costEstimate as CostEstimatePrices).prices.map((p) => [p.item, p]));
  for (const region of regions) {
    for (const machine of machines) {
      const used = byItem[`${machine} (${region})`];
      expect(used, `${machine} ${region}`).toBeDefined();
      expect(used.source).toBe(generated.sources[sourceId].url);
      expect(used.usd).toBe(generated.machineTypes[machine].usdPerHour[region]);
    }
  }
  return byItem;
}

function allEntries(catalog: CloudPriceCatalog): Array<[string, PriceEntry]> {
  const entries: Array<[string, PriceEntry]> = [];
  for (const [region, prices] of Object.entries(catalog.regions)) {
    for (const [name, entry] of Object.entries(prices.machineTypes)) entries.push([`${region} ${name}`, entry]);
    for (const [name, disk] of Object.entries(prices.disks)) {
      entries.push([`${region} ${name} capacity`, disk.capacity]);
      if (disk.iops) entries.push([`${region} ${name} iops`, disk.iops]);
    }
  }
  for (const key of ["controlPlane", "interRegion", "interZone", "natHour", "natData"] as const) entries.push([key, catalog[key]]);
  return entries;
}

describe("catalog entries", () => {
  it.each([
    ["gke", GKE_PRICES],
    ["eks", EKS_PRICES],
  ] as const)("%s: every entry has a source, an ISO as-of date and a positive price; machines have a shape", (_cloud, catalog) => {
    const entries = allEntries(catalog);
    expect(entries.length).toBeGreaterThan(100);
    for (const [where, entry] of entries) {
      expect(entry.source, where).toMatch(/^https:\/\//);
      expect(entry.asOf, where).toMatch(ISO_DATE);
      expect(entry.usd, where).toBeGreaterThan(0);
    }
    for (const [region, prices] of Object.entries(catalog.regions)) {
      for (const [name, m] of Object.entries(prices.machineTypes)) {
        expect(m.vcpus * m.memoryGiB * m.egressGbps, `${region} ${name}`).toBeGreaterThan(0);
        if (m.baselineEgressGbps !== undefined) expect(m.baselineEgressGbps, `${region} ${name}`).toBeLessThan(m.egressGbps);
      }
    }
  });

  it("generated entries cite a source pinned to a commit, with that source's own date", () => {
    for (const generated of [GKE_GENERATED, EKS_GENERATED]) {
      for (const [id, source] of Object.entries(generated.sources)) {
        // A full commit, or the 12 hex digits a Go pseudo-version pins (GitHub resolves both).
        expect(source.url, id).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+\/(blob|tree)\/([0-9a-f]{40}|[0-9a-f]{12})\//);
        expect(source.asOf, id).toMatch(ISO_DATE);
      }
    }
    const entry = GKE_PRICES.regions["europe-west1"].machineTypes["n2-standard-16"];
    expect(entry.source).toBe(GKE_GENERATED.sources.gcpPricing.url);
    expect(entry.asOf).toBe("2026-07-30");
    expect(entry.note).toContain("rule 'n2-%-16'");
  });

  it("keeps only the listed families, and every shape of them", () => {
    expect(GKE_GENERATED.families).toEqual(["c3", "c3d", "c4", "e2", "n2", "n2d", "n4", "t2d"]);
    expect(EKS_GENERATED.families).toEqual(["i3en", "i4i", "m5", "m6g", "m6i", "m7i", "r5", "r6g", "r6i", "r7i"]);
    const family = (name: string, sep: string) => name.slice(0, name.indexOf(sep));
    for (const name of Object.keys(GKE_GENERATED.machineTypes)) expect(GKE_GENERATED.families).toContain(family(name, "-"));
    for (const name of Object.keys(EKS_GENERATED.machineTypes)) expect(EKS_GENERATED.families).toContain(family(name, "."));
    for (const f of GKE_GENERATED.families)
      expect(
        Object.keys(GKE_GENERATED.machineTypes).some((n) => n.startsWith(`${f}-`)),
        f,
      ).toBe(true);
    for (const f of EKS_GENERATED.families)
      expect(
        Object.keys(EKS_GENERATED.machineTypes).some((n) => n.startsWith(`${f}.`)),
        f,
      ).toBe(true);
  });
});

describe("region coverage", () => {
  it("gke: every Compute Engine region has machine types and pd-ssd", () => {
    for (const region of KNOWN_REGIONS.gke.names) {
      expect(Object.keys(GKE_PRICES.regions[region]?.machineTypes ?? {}).length, region).toBeGreaterThan(50);
      expect(GKE_PRICES.regions[region].disks["pd-ssd"], region).toBeDefined();
    }
  });

  // The regions no pinned source prices (docs/prices.md lists them, with how to price them).
  const EKS_UNPRICED = ["ap-east-2", "ap-southeast-6", "cn-north-1", "cn-northwest-1"];

  it("eks: every AWS region but the documented few has every kept type, from one source per region", () => {
    const priced = KNOWN_REGIONS.eks.names.filter((r) => !EKS_UNPRICED.includes(r));
    expect(priced.length).toBeGreaterThan(30);
    for (const region of priced) {
      const machines = EKS_PRICES.regions[region]?.machineTypes ?? {};
      expect(Object.keys(machines).length, region).toBeGreaterThan(50);
      expect(new Set(Object.values(machines).map((m) => m.source)).size, region).toBe(1);
    }
    for (const region of EKS_UNPRICED) expect(EKS_PRICES.regions[region], region).toBeUndefined();
    // Karpenter's newer files win where they price a region; the all-region file fills in the rest.
    expect(EKS_GENERATED.regionSources["us-east-1"]).toBe("karpenterPricesAws");
    expect(EKS_GENERATED.regionSources["us-gov-west-1"]).toBe("karpenterPricesUsGov");
    expect(EKS_GENERATED.regionSources["eu-west-1"]).toBe("ec2InstancesInfo");
    const section = PRICES_DOC.slice(PRICES_DOC.indexOf("## AWS regions without catalog prices"));
    for (const region of EKS_UNPRICED) expect(section, region).toContain(`\`${region}\``);
  });

  it("eks: generated regions price every shape of the families; io1 is priced where a source was read", () => {
    expect(Object.keys(EKS_PRICES.regions["us-east-1"].machineTypes).length).toBe(Object.keys(EKS_GENERATED.machineTypes).length);
    for (const region of ["us-east-1", "us-east-2", "us-west-2"]) expect(EKS_PRICES.regions[region].disks.io1?.iops, region).toBeDefined();
    expect(EKS_PRICES.regions["us-gov-west-1"].disks.io1).toBeUndefined();
  });
});

describe("spot checks against the sources", () => {
  it.each([
    // pricing.yml at fd66b26: compute.instance.<type>.cost.<region>.hour, compute.storage.ssd.cost.<region>.month
    ["gke", "us-central1", "n2-standard-8", 0.388472],
    ["gke", "europe-west4", "n2-standard-8", 0.427664],
    ["gke", "us-east4", "n2-standard-16", 0.875024],
    ["gke", "us-central1", "e2-standard-4", 0.13402284],
    // Karpenter zz_generated.pricing_aws.go (generated 2026-07-20)
    ["eks", "us-east-1", "m5.2xlarge", 0.384],
    ["eks", "us-east-1", "r7i.2xlarge", 0.5292],
    ["eks", "us-east-1", "i4i.2xlarge", 0.686],
    // ec2instances.info instances.json in github.com/cristim/ec2-instances-info@v0.0.0-20250528091325-32acf84f42eb
    ["eks", "eu-west-1", "m5.2xlarge", 0.428],
    ["eks", "eu-central-1", "r5.4xlarge", 1.216],
    ["eks", "ap-northeast-1", "i4i.2xlarge", 0.805],
    ["eks", "sa-east-1", "r6g.2xlarge", 0.6432],
    ["eks", "us-west-2", "r5.4xlarge", 1.008],
  ] as const)("%s %s %s = %f $/h", (cloud, region, machine, usd) => {
    const catalog = cloud === "gke" ? GKE_PRICES : EKS_PRICES;
    expect(catalog.regions[region].machineTypes[machine].usd).toBe(usd);
  });

  it("shapes and egress: n2-standard-4 keeps its documented 10 Gbit/s, c3-standard-44 32, m6i.2xlarge 3.125 / 12.5", () => {
    const n2 = GKE_PRICES.regions["us-central1"].machineTypes;
    expect([n2["n2-standard-4"].vcpus, n2["n2-standard-4"].memoryGiB, n2["n2-standard-4"].egressGbps]).toEqual([4, 16, 10]);
    expect(n2["n2-standard-16"].egressGbps).toBe(32);
    expect(n2["c3-standard-44"].egressGbps).toBe(32);
    expect(n2["c3-standard-88"].egressGbps).toBe(62);
    const m6i = EKS_PRICES.regions["us-east-1"].machineTypes["m6i.2xlarge"];
    expect([m6i.vcpus, m6i.memoryGiB, m6i.baselineEgressGbps, m6i.egressGbps]).toEqual([8, 32, 3.125, 12.5]);
    expect(EKS_PRICES.regions["us-east-1"].machineTypes["r5.4xlarge"].egressGbps).toBe(5);
  });

  it("pd-ssd per region", () => {
    expect(GKE_PRICES.regions["us-central1"].disks["pd-ssd"].capacity.usd).toBe(0.17);
    expect(GKE_PRICES.regions["us-east4"].disks["pd-ssd"].capacity.usd).toBe(0.187);
    expect(GKE_PRICES.regions["europe-north1"].disks["pd-ssd"].capacity.usd).toBe(0.187);
  });

  const cached = allPinnedFiles().every((f) => fs.existsSync(cachedPath(f)));
  it.skipIf(!cached)("regenerating from the pinned sources in the cache gives the committed files byte for byte", () => {
    expect(serializeGenerated(generateGke())).toBe(fs.readFileSync(GENERATED_FILES.gke, "utf8"));
    expect(serializeGenerated(generateEks())).toBe(fs.readFileSync(GENERATED_FILES.eks, "utf8"));
  });

  it.skipIf(!cached)("npm run prices:generate -- --check agrees", async () => {
    const run = await runTool("prices/generate", ["--check"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("lib/cloud/gke/prices.generated.json matches the pinned sources");
  });

  it("npm run prices:generate without the source files exits 1 and says where to get each one", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "geo-kafka-prices-"));
    const saved = process.env.GEO_KAFKA_CACHE_DIR;
    process.env.GEO_KAFKA_CACHE_DIR = empty;
    try {
      const run = await runTool("prices/generate", []);
      expect(run.code).toBe(1);
      for (const file of allPinnedFiles()) {
        expect(run.stderr).toContain(fetchHint(file));
        expect(run.stderr).toContain(cachedPath(file, path.join(empty)));
      }
    } finally {
      if (saved === undefined) delete process.env.GEO_KAFKA_CACHE_DIR;
      else process.env.GEO_KAFKA_CACHE_DIR = saved;
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe("GCP source readers", () => {
  it("SQL LIKE: % is any run, _ one character, case-insensitive, anchored", () => {
    expect(likeToRegExp("c3-%-4%").test("c3-standard-44")).toBe(true);
    expect(likeToRegExp("c3-%-4%").test("c3-highcpu-4-lssd")).toBe(true);
    expect(likeToRegExp("c3-%-4%").test("c3d-standard-4")).toBe(false);
    expect(likeToRegExp("n2-%-2").test("n2-standard-32")).toBe(false);
    expect(likeToRegExp("e2-micr_").test("E2-MICRO")).toBe(true);
    expect(likeToRegExp("a.b%").test("axb")).toBe(false);
  });

  const SQL = `/* C3 */
UPDATE instances SET
series      = 'c3',
bandwidth   = '32',
spot        = '1'
WHERE name LIKE 'c3-%';

UPDATE instances SET bandwidth = '23'  WHERE name LIKE 'c3-%-4%';
UPDATE instances SET bandwidth = '32', tier1 = '50'  WHERE name LIKE 'c3-%-44%';
UPDATE instances SET tier1 = '50'  WHERE name LIKE 'c3-%-88%';
/* UPDATE instances SET bandwidth = '1' WHERE name LIKE 'c3-%'; */`;

  it("reads bandwidth rules in file order; the last matching rule wins, as the statements run in order", () => {
    const rules = parseBandwidthRules(SQL);
    expect(rules).toEqual([
      { pattern: "c3-%", gbps: 32 },
      { pattern: "c3-%-4%", gbps: 23 },
      { pattern: "c3-%-44%", gbps: 32 },
    ]);
    expect(bandwidthFor("c3-standard-4", rules)?.gbps).toBe(23);
    expect(bandwidthFor("c3-standard-44", rules)?.gbps).toBe(32);
    expect(bandwidthFor("c3-standard-88", rules)?.gbps).toBe(32);
    expect(bandwidthFor("n2-standard-8", rules)).toBeUndefined();
  });

  const YML = `---
about:
  generated: Thu Jul 30 06:13:17 2026
compute:
  instance:
    c3-standard-4:
      cost:
        europe-west1:
          hour: 0.2
          month: 146
        us-central1:
          hour: 0.18
      cpu: 4
      ram: 16
    m3-ultramem-32:
      cost:
        us-central1:
          hour: 6.2
      cpu: 32
      ram: 976
  storage:
    ssd:
      cost:
        us-central1:
          month: 0.17
      type: pd-ssd
`;

  it("reads kept families only, with shape, egress, $/hour per region and pd-ssd per region", () => {
    expect(pricingYmlDate({ about: { generated: "Thu Jul  3 06:13:17 2026" } })).toBe("2026-07-03");
    const read = readGcp(YML, { c3: parseBandwidthRules(SQL) });
    expect(read.asOf).toBe("2026-07-30");
    expect(Object.keys(read.machineTypes)).toEqual(["c3-standard-4"]);
    expect(read.machineTypes["c3-standard-4"]).toMatchObject({
      vcpus: 4,
      memoryGiB: 16,
      egressGbps: 23,
      usdPerHour: { "europe-west1": 0.2, "us-central1": 0.18 },
    });
    expect(read.disks["pd-ssd"]).toEqual({ capacityUnit: "GiB-month", capacityUsd: { "us-central1": 0.17 } });
  });

  it("refuses a kept type that no bandwidth rule covers, naming it", () => {
    expect(() => readGcp(YML, {})).toThrow(/c3-standard-4: no bandwidth rule in instances\/series\/c3\.sql/);
  });
});

describe("AWS source readers", () => {
  const PRICES = `package pricing

// generated at 2026-07-20T13:44:30Z for us-east-1

var InitialOnDemandPricesAWS = map[string]map[ec2types.InstanceType]float64{
	// us-east-1
	"us-east-1": {
		// m5 family
		"m5.2xlarge": 0.384000, "m5.large": 0.096000,
		// r7i family
		"r7i.2xlarge": 0.529200,
		// t3 family
		"t3.large": 0.083200,
	},
}
`;
  const SHAPES = `var StaticListLastUpdateTime = "2026-01-22"
var InstanceTypes = map[string]*InstanceType{
	"m5.2xlarge": {
		InstanceType: "m5.2xlarge",
		VCPU:         8,
		MemoryMb:     32768,
		GPU:          0,
	},
	"m5.large": {
		InstanceType: "m5.large",
		VCPU:         2,
		MemoryMb:     8192,
		GPU:          0,
	},
	"r7i.2xlarge": {
		InstanceType: "r7i.2xlarge",
		VCPU:         8,
		MemoryMb:     65536,
		GPU:          0,
	},
}`;
  const BANDWIDTH = `	InstanceTypeBandwidthMegabits = map[string]int64{
		// c1.medium has vague bandwidth information, bandwidth is Moderate
		"m5.large":             750,
		"m5.2xlarge":           2500,
		"r7i.2xlarge":          3125,
	}`;
  const DOCS = `<h2 id="gp_network">Network specifications</h2><table><thead><tr><th>Instance type</th></tr></thead>
        <tr>
            <td tabindex="-1">m5.large <sup>1</sup></td>
            <td tabindex="-1">0.75 / 10.0</td>
        </tr>
        <tr>
            <td tabindex="-1">m5.12xlarge</td>
            <td tabindex="-1">12</td>
        </tr>
    </table>`;

  it("parses Karpenter prices, Autoscaler shapes, Karpenter baselines and the docs' network table", () => {
    expect(parseKarpenterPrices(PRICES)).toEqual({
      asOf: "2026-07-20",
      regions: { "us-east-1": { "m5.2xlarge": 0.384, "m5.large": 0.096, "r7i.2xlarge": 0.5292, "t3.large": 0.0832 } },
    });
    expect(parseAutoscalerShapes(SHAPES).shapes["r7i.2xlarge"]).toEqual({ vcpus: 8, memoryGiB: 64 });
    expect(parseKarpenterBandwidth(BANDWIDTH)).toEqual({ "m5.large": 750, "m5.2xlarge": 2500, "r7i.2xlarge": 3125 });
    expect(parseDocsNetworkTable(DOCS)).toEqual({ "m5.large": { baselineGbps: 0.75, burstGbps: 10 }, "m5.12xlarge": { baselineGbps: 12 } });
  });

  it("takes the docs' baseline / burst where it has the type, else the baseline for both; refuses a type with no shape", () => {
    const inputs = {
      prices: [{ id: "p", regions: parseKarpenterPrices(PRICES).regions }],
      shapes: parseAutoscalerShapes(SHAPES).shapes,
      baselineMegabits: parseKarpenterBandwidth(BANDWIDTH),
      docsTable: parseDocsNetworkTable(DOCS),
      ids: { shapes: "s", baseline: "b", docs: "d" },
    };
    const read = readAws(inputs);
    expect(Object.keys(read.machineTypes)).toEqual(["m5.2xlarge", "m5.large", "r7i.2xlarge"]);
    expect(read.machineTypes["m5.large"]).toMatchObject({ vcpus: 2, memoryGiB: 8, egressGbps: 10, baselineEgressGbps: 0.75 });
    expect(read.machineTypes["r7i.2xlarge"]).toMatchObject({ egressGbps: 3.125, usdPerHour: { "us-east-1": 0.5292 } });
    expect(read.machineTypes["r7i.2xlarge"].baselineEgressGbps).toBeUndefined();
    expect(read.machineTypes["t3.large"]).toBeUndefined();
    expect(read.regionSources).toEqual({ "us-east-1": "p" });
    expect(() => readAws(inputs)).not.toThrow();
    expect(() => readAws({ ...inputs, shapes: {} })).toThrow(/m5\.2xlarge: no shape in s/);
    expect(() => readAws({ ...inputs, baselineMegabits: {} })).toThrow(/m5\.2xlarge: no bandwidth in d or b/);
  });
});

describe("ec2instances.info reader and the order of AWS price files", () => {
  const INSTANCES = JSON.stringify([
    {
      instance_type: "m5.2xlarge",
      pricing: {
        "eu-west-1": { linux: { ondemand: "0.428" } },
        "us-east-1": { linux: { ondemand: "0.384" } },
        "us-east-1-atl-1": { linux: { ondemand: "0.461" } },
        "us-west-2-wl1-sea1": { linux: { ondemand: "0.48" } },
        "ap-south-2": { linux: { ondemand: "N/A" } },
        "me-south-1": { mswin: { ondemand: "0.8" } },
      },
    },
    { instance_type: "t3.large", pricing: { "eu-west-1": { linux: { ondemand: "0.0912" } } } },
    { instance_type: "m5.large", pricing: { "us-gov-west-1": { linux: { ondemand: "0.12" } } } },
  ]);

  it("keeps on-demand Linux prices of the kept families in regions, not Local or Wavelength Zones", () => {
    expect(parseEc2InstancesInfo(INSTANCES).regions).toEqual({
      "eu-west-1": { "m5.2xlarge": 0.428 },
      "us-east-1": { "m5.2xlarge": 0.384 },
      "us-gov-west-1": { "m5.large": 0.12 },
    });
    expect(() => parseEc2InstancesInfo("{}")).toThrow(/not a list/);
  });

  it("the first file that prices a region is its only source: a later file neither adds to it nor overrides it", () => {
    const read = readAws({
      prices: [
        { id: "newer", regions: { "us-east-1": { "m5.2xlarge": 0.4 } } },
        { id: "all", regions: parseEc2InstancesInfo(INSTANCES).regions },
      ],
      shapes: { "m5.2xlarge": { vcpus: 8, memoryGiB: 32 }, "m5.large": { vcpus: 2, memoryGiB: 8 } },
      baselineMegabits: { "m5.2xlarge": 2500, "m5.large": 750 },
      docsTable: {},
      ids: { shapes: "s", baseline: "b", docs: "d" },
    });
    expect(read.regionSources).toEqual({ "eu-west-1": "all", "us-east-1": "newer", "us-gov-west-1": "all" });
    expect(read.machineTypes["m5.2xlarge"].usdPerHour).toEqual({ "eu-west-1": 0.428, "us-east-1": 0.4 });
  });

  it("a Go module pin names its commit and date from the pseudo-version, and refuses a tag", () => {
    const version = "v0.0.0-20250528091325-32acf84f42eb";
    expect(pseudoVersionCommit(version)).toBe("32acf84f42eb");
    expect(pseudoVersionDate(version)).toBe("2025-05-28");
    expect(pseudoVersionDate("v1.2.4-0.20240102030405-abcdefabcdef")).toBe("2024-01-02");
    expect(() => pseudoVersionCommit("v1.2.3")).toThrow(/not a pseudo-version/);
    const file = { from: "go-module" as const, module: "github.com/o/r", version, path: "data/x.json", sha256: "" };
    expect(blobUrl(file)).toBe("https://github.com/o/r/blob/32acf84f42eb/data/x.json");
    expect(cachedPath(file, "/c")).toBe(`/c/prices/go/github.com/o/r@${version}/data/x.json`);
  });
});

describe("generated data into catalog regions", () => {
  const generated: GeneratedPrices = {
    sources: {
      p: { url: "https://example.org/p", asOf: "2026-01-02", note: "" },
      b: { url: "https://example.org/b", asOf: "2025-01-01", note: "" },
    },
    regionSources: { r1: "p", r2: "p" },
    shapeSource: "p",
    bandwidthSources: ["b"],
    families: ["x"],
    machineTypes: { "x-1": { vcpus: 1, memoryGiB: 4, egressGbps: 2, bandwidthRule: "rule x", usdPerHour: { r1: 0.5 } } },
    disks: { "pd-ssd": { capacityUnit: "GiB-month", capacityUsd: { r1: 0.1, r2: 0.2 } } },
  };

  it("spreads machine types and disks over their regions, citing the region's price source", () => {
    const regions = regionsFromGenerated(generated);
    expect(Object.keys(regions)).toEqual(["r1", "r2"]);
    expect(regions.r1.machineTypes["x-1"]).toMatchObject({ usd: 0.5, unit: "hour", source: "https://example.org/p", asOf: "2026-01-02" });
    expect(regions.r1.machineTypes["x-1"].note).toContain("rule x (b = https://example.org/b (2025-01-01))");
    expect(regions.r2.machineTypes).toEqual({});
    expect(regions.r2.disks["pd-ssd"].capacity).toMatchObject({ usd: 0.2, unit: "GiB-month" });
  });

  it("merges hand-kept entries under generated ones, per region and name", () => {
    const byHand = {
      r1: { machineTypes: { "x-1": { ...regionsFromGenerated(generated).r1.machineTypes["x-1"], usd: 9 } }, disks: {} },
      r3: { machineTypes: {}, disks: { "pd-ssd": regionsFromGenerated(generated).r1.disks["pd-ssd"] } },
    };
    const merged = mergeRegions(regionsFromGenerated(generated), byHand);
    expect(Object.keys(merged)).toEqual(["r1", "r2", "r3"]);
    expect(merged.r1.machineTypes["x-1"].usd).toBe(0.5);
    expect(merged.r3.disks["pd-ssd"].capacity.usd).toBe(0.1);
  });
});

describe("a type or region without a price", () => {
  it("a catalogued type in a region its source does not price: refused at the machine type's path, with both names", async () => {
    const result = await runStack({ stack: "gke", configFile: UNPRICED_IN_REGION });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.path, p.message])).toEqual([
      [
        "geo-kafka:nodePools.kafka.machineType",
        'no catalog price for n2-standard-16 in europe-north2; set geo-kafka:prices.machineTypes["n2-standard-16"] ($/hour)',
      ],
    ]);
  });

  /** The eks stack with its regions renamed (zones a-c, links following the names). */
  function eksIn(names: [string, string, string]): Record<string, unknown> {
    const config = stackConfig("eks");
    const regions = config["geo-kafka:regions"] as Array<{ name: string; zones: string[] }>;
    const renamed = Object.fromEntries(regions.map((r, i) => [r.name, names[i]]));
    regions.forEach((r, i) => Object.assign(r, { name: names[i], zones: ["a", "b", "c"].map((z) => `${names[i]}${z}`) }));
    const links = config["geo-kafka:links"] as Array<{ between: string[] }>;
    for (const link of links) link.between = link.between.map((r) => renamed[r]);
    return config;
  }

  it("an AWS region outside the catalog: every unpriced item refused at its path", async () => {
    const result = await planStack("eks", eksIn(["us-east-1", "us-east-2", "ap-southeast-6"]));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const messages = result.problems.map((p) => `${p.path}: ${p.message}`);
    expect(messages).toContain(
      'geo-kafka:nodePools.kafka.machineType: no catalog price for r5.4xlarge in ap-southeast-6; set geo-kafka:prices.machineTypes["r5.4xlarge"] ($/hour)',
    );
    expect(messages).toContain(
      "geo-kafka:kafka.disk.type: no catalog price for io1 in ap-southeast-6; set geo-kafka:prices.diskUsdPerGiBMonth",
    );
  });

  it("eks in three European regions: instances priced from the catalog; io1, which no source prices there, refused until set", async () => {
    const config = eksIn(["eu-west-1", "eu-central-1", "eu-north-1"]);
    const refused = await planStack("eks", config);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.problems.map((p) => p.path).every((p) => p === "geo-kafka:kafka.disk.type")).toBe(true);
    setPath(config, "prices", ["diskUsdPerGiBMonth"], 0.138);
    setPath(config, "prices", ["iopsUsdPerMonth"], 0.072);
    const result = await planStack("eks", config);
    expect(result.ok, result.ok ? "" : JSON.stringify(result.problems)).toBe(true);
    if (!result.ok) return;
    const byItem = expectGeneratedMachinePrices(
      result.run.outputs.costEstimate,
      EKS_GENERATED,
      "ec2InstancesInfo",
      ["eu-west-1", "eu-central-1", "eu-north-1"],
      ["r5.4xlarge", "m5.xlarge"],
    );
    expect(byItem["r5.4xlarge (eu-central-1)"].usd).toBe(1.216);
  });

  it("an override prices what the catalog lacks in a region (the shape still comes from the catalog)", async () => {
    const config = (parse(fs.readFileSync(UNPRICED_IN_REGION, "utf8")) as { config: Record<string, unknown> }).config;
    setPath(config, "prices", ["machineTypes"], { "n2-standard-16": 0.9 });
    expect((await planStack("gke", config)).ok).toBe(true);
  });
});

describe("the gke example in three European regions", () => {
  it("validates and plans with catalog prices only (no override), from the generated source", async () => {
    const result = await runStack({ stack: "gke", configFile: EUROPE });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const estimate = result.run.outputs.costEstimate as CostEstimatePrices & { totalUsdPerMonth: number };
    expect(estimate.totalUsdPerMonth).toBeGreaterThan(0);
    const byItem = expectGeneratedMachinePrices(
      estimate,
      GKE_GENERATED,
      "gcpPricing",
      ["europe-west1", "europe-west4", "europe-north1"],
      ["n2-standard-16", "e2-standard-4"],
    );
    expect(estimate.prices.every((p) => !p.source.startsWith("stack config"))).toBe(true);
    expect(byItem["n2-standard-16 (europe-west1)"].usd).toBe(0.854672);
  });
});
