// The pinned inputs of `npm run prices:generate`: which public files, at which commit or Go module version, with which
// SHA-256. A re-fetch at the same pin gives the same bytes, so the generated catalogs are reproducible; moving a pin (and its
// hashes) is how the catalogs are refreshed. The files themselves are third-party data and live in the cache only.
import * as path from "node:path";
import { cacheRoot } from "../cache-dir";

/** One file of a public GitHub repository at a fixed commit. */
export interface GitHubFile {
  from: "github";
  repo: string;
  commit: string;
  path: string;
  sha256: string;
}

/**
 * One file of a published Go module version: the Go module proxy serves the version's tree, and the checksum
 * database makes that tree immutable, so the version pins the bytes as a commit does (a pseudo-version names its
 * commit's first 12 hex digits and its time).
 */
export interface GoModuleFile {
  from: "go-module";
  /** Module path; for a github.com module, the repository. */
  module: string;
  version: string;
  path: string;
  sha256: string;
}

export type PinnedFile = GitHubFile | GoModuleFile;

/** Where a person can read the file: the repository's own address at the pinned commit. */
export function blobUrl(file: PinnedFile): string {
  switch (file.from) {
    case "github":
      return `https://github.com/${file.repo}/blob/${file.commit}/${file.path}`;
    case "go-module":
      return `https://${file.module}/blob/${pseudoVersionCommit(file.version)}/${file.path}`;
    default:
      return unreachable(file);
  }
}

/** How `--fetch` gets the file, as shown to a person: a URL, or the `go mod download` that brings the module. */
export function fetchHint(file: PinnedFile): string {
  switch (file.from) {
    case "github":
      return `https://raw.githubusercontent.com/${file.repo}/${file.commit}/${file.path}`;
    case "go-module":
      return `go mod download ${file.module}@${file.version} (then ${file.path} of the module)`;
    default:
      return unreachable(file);
  }
}

/** `<cache>/prices/<owner>/<repo>/<commit>/<path>`, or `<cache>/prices/go/<module>@<version>/<path>`. */
export function cachedPath(file: PinnedFile, root: string = cacheRoot()): string {
  switch (file.from) {
    case "github":
      return path.join(root, "prices", ...file.repo.split("/"), file.commit, ...file.path.split("/"));
    case "go-module":
      return path.join(root, "prices", "go", ...`${file.module}@${file.version}`.split("/"), ...file.path.split("/"));
    default:
      return unreachable(file);
  }
}

const PSEUDO_VERSION = /^v\d+\.\d+\.\d+-(?:0\.)?(\d{4})(\d{2})(\d{2})\d{6}-([0-9a-f]{12})$/;

/** The commit a pseudo-version names (its first 12 hex digits); throws on a tagged version. */
export function pseudoVersionCommit(version: string): string {
  const m = PSEUDO_VERSION.exec(version);
  if (!m) throw new Error(`${version}: not a pseudo-version, so it names no commit`);
  return m[4];
}

/** The UTC date of a pseudo-version's commit, YYYY-MM-DD. */
export function pseudoVersionDate(version: string): string {
  const m = PSEUDO_VERSION.exec(version);
  if (!m) throw new Error(`${version}: not a pseudo-version, so it states no date`);
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** The exhaustive-switch guard over `PinnedFile`: a new kind makes `tsc` name every switch to extend. */
export function unreachable(file: never): never {
  throw new Error(`unknown pinned file ${JSON.stringify(file)}`);
}

const PRICING_REPO = "Cyclenerd/google-cloud-pricing-cost-calculator";
const MACHINE_TYPES_REPO = "Cyclenerd/google-cloud-compute-machine-types";
const MACHINE_TYPES_COMMIT = "6df0dc708acd757a325024ea0508e1b32850533d";

const SERIES_SHA256: Record<string, string> = {
  c3: "487a41e622f9cba3530d6b6faed3b10012a86fac13ebe1284c321963630ab5d5",
  c3d: "8138d609aabeb9f474b044669811579b33dda4f22d57ad093a9bb7b78edc31da",
  c4: "1b0ed5bb38fe04f8526169d36df4b0b95cb8b719efd8856ce82e01c8485bf7dc",
  e2: "e03a16fc940645d080fe51420deed31fdfcced088a72cc31402329d0aa60ba7a",
  n2: "ef9a2b0dc20d4edfbc4ac2c34e6574fcdca139df6a8138066934550a6f812e7f",
  n2d: "3d48391f6094ffb2539b477d227a11c522f6adffaab88a7b61777ae41bec8d10",
  n4: "12c81a17aaf6834ce08b10520aac13a3f8e49c2a59547fbd1d545687b0062da4",
  t2d: "a6be2d376c604e4d24e357bf02558c2dd3c8a6b274702146a779feef82391444",
};

export const GCP_SOURCES = {
  /** GCE on-demand prices, vCPUs and memory per machine type and region, disk prices per region. */
  pricing: {
    from: "github",
    repo: PRICING_REPO,
    commit: "fd66b26ff84fee5cdd94f341ea89206e76c06b99",
    path: "pricing.yml",
    sha256: "f57ef17c7c01f10e5fd9115dca3ef4fde62eb088edc053af59e6ef27905f4a11",
  } satisfies GitHubFile,
  /** Default per-VM egress bandwidth rules, one SQL file per series. */
  series: Object.fromEntries(
    Object.entries(SERIES_SHA256).map(([series, sha256]) => [
      series,
      {
        from: "github",
        repo: MACHINE_TYPES_REPO,
        commit: MACHINE_TYPES_COMMIT,
        path: `instances/series/${series}.sql`,
        sha256,
      } satisfies GitHubFile,
    ]),
  ) as Record<string, GitHubFile>,
  /** Date of the pinned machine-types commit: the SQL files carry no date of their own. */
  seriesAsOf: "2026-03-22",
  seriesUrl: `https://github.com/${MACHINE_TYPES_REPO}/tree/${MACHINE_TYPES_COMMIT}/instances/series`,
};

const KARPENTER_REPO = "aws/karpenter-provider-aws";
const KARPENTER_COMMIT = "1d927085dd81a9df9301e613f371dac5b4d16bfe";
const AUTOSCALER_REPO = "kubernetes/autoscaler";
const AUTOSCALER_COMMIT = "55c37cd5eb550756c5ccc5a89e9068d77797e575";

export const AWS_SOURCES = {
  /** On-demand Linux $/hour, us-east-1 (Karpenter's prices_gen reads the AWS Pricing API for one region per partition). */
  pricesAws: {
    from: "github",
    repo: KARPENTER_REPO,
    commit: KARPENTER_COMMIT,
    path: "pkg/providers/pricing/zz_generated.pricing_aws.go",
    sha256: "26e52db2933447d1310eb4be575d674a64bbcd95e0cd7defae5fdadc17783ac7",
  } satisfies GitHubFile,
  /** The same for the GovCloud partition: us-gov-east-1 and us-gov-west-1. */
  pricesUsGov: {
    from: "github",
    repo: KARPENTER_REPO,
    commit: KARPENTER_COMMIT,
    path: "pkg/providers/pricing/zz_generated.pricing_aws_us_gov.go",
    sha256: "3b796ca495fae42a82eff18cf1102d4b6178a0c977ea6ac211cb80c5dad6014f",
  } satisfies GitHubFile,
  /** Documented baseline bandwidth per instance type (Karpenter's bandwidth_gen over the EC2 instance-type docs). */
  baseline: {
    from: "github",
    repo: KARPENTER_REPO,
    commit: KARPENTER_COMMIT,
    path: "pkg/providers/instancetype/zz_generated.bandwidth.go",
    sha256: "f3438f7a1ac68be22270fdd003b85648f43b381af21c0853ffb03dd2a3b2e9f9",
  } satisfies GitHubFile,
  /** Date of the last change of the bandwidth file at the pinned commit (the file states none). */
  baselineAsOf: "2026-08-18",
  /** A stored copy of the EC2 docs' general-purpose instance page, with its baseline / burst network table. */
  docsGp: {
    from: "github",
    repo: KARPENTER_REPO,
    commit: KARPENTER_COMMIT,
    path: "hack/code/bandwidth_gen/example/gp.html",
    sha256: "b82891a512f3d11646d33e139402f6a80cb86efabaae87a81f46f3cc96dd18f0",
  } satisfies GitHubFile,
  /** Date of the last change of that copy at the pinned commit. */
  docsGpAsOf: "2024-05-05",
  /**
   * On-demand Linux $/hour of every instance type in every commercial region: a copy of ec2instances.info's
   * `instances.json` (built by vantage-sh/ec2instances.info from the AWS Price List API), committed to this Go module.
   * Its date is the pseudo-version's commit time: the file states none of its own.
   */
  pricesAllRegions: {
    from: "go-module",
    module: "github.com/cristim/ec2-instances-info",
    version: "v0.0.0-20250528091325-32acf84f42eb",
    path: "data/instances.json",
    sha256: "ae2c81af7cac0c866ca85babdfbb7bff64b549bd342f607eda69c1e489376cf5",
  } satisfies GoModuleFile,
  /** vCPUs and memory per instance type (the Cluster Autoscaler's list, generated from the AWS price list). */
  shapes: {
    from: "github",
    repo: AUTOSCALER_REPO,
    commit: AUTOSCALER_COMMIT,
    path: "cluster-autoscaler/cloudprovider/aws/ec2_instance_types.go",
    sha256: "14f3d33efddfa7b534742b223646119557657ec18ffdec6e3ac5bf49b5c7a0f6",
  } satisfies GitHubFile,
};

export function allPinnedFiles(): PinnedFile[] {
  const { pricesAws, pricesUsGov, pricesAllRegions, baseline, docsGp, shapes } = AWS_SOURCES;
  return [GCP_SOURCES.pricing, ...Object.values(GCP_SOURCES.series), pricesAws, pricesUsGov, pricesAllRegions, baseline, docsGp, shapes];
}
