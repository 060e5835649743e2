// Kubernetes minor versions each managed target supports, with the end of standard support of each, the date the list was
// read and where from. The stack's `kubernetesVersion` is checked against it before anything is created.
import type { Problem } from "../problems";
import { error, warning } from "../problems";

export interface KubernetesVersionSupport {
  /** Minor version as the cloud's API takes it (`1.35`). */
  version: string;
  /** Last day (ISO date) of standard support; after it the cloud upgrades the control plane or bills extended support. */
  standardSupportEnds: string;
}

export interface KubernetesVersionCatalog {
  /** The date (ISO) the list was read; "still supported" is judged on this date, so plans never depend on the clock. */
  asOf: string;
  /** Where the dates come from. */
  source: string;
  /** The version a stack gets without `kubernetesVersion`: supported on `asOf`, and one minor above the last that left. */
  defaultVersion: string;
  versions: readonly KubernetesVersionSupport[];
}

/**
 * A version whose standard support ends within this many days of the list's date is accepted with a warning: a minor
 * upgrade needs its own `pulumi up` per step (a control plane moves one minor at a time), run region after region.
 */
export const SUPPORT_ENDING_WARNING_DAYS = 90;

export const EKS_KUBERNETES_VERSIONS: KubernetesVersionCatalog = {
  asOf: "2026-12-07",
  source:
    "Amazon EKS user guide, 'Understand the Kubernetes version lifecycle on EKS' (awsdocs kubernetes-versions.adoc), and " +
    "endoflife.date's amazon-eks table (release-data releases/amazon-eks.json, 2026-08-22)",
  defaultVersion: "1.35",
  versions: [
    { version: "1.34", standardSupportEnds: "2026-12-02" },
    { version: "1.35", standardSupportEnds: "2027-03-27" },
    { version: "1.36", standardSupportEnds: "2027-08-02" },
  ],
};

export const GKE_KUBERNETES_VERSIONS: KubernetesVersionCatalog = {
  asOf: "2026-12-07",
  source:
    "GKE release schedule (cloud.google.com/kubernetes-engine/docs/release-schedule) as tabulated by endoflife.date's " +
    "google-kubernetes-engine table (release-data, 2026-08-22); 1.36 on GKE had no published end date there",
  defaultVersion: "1.35",
  versions: [
    { version: "1.34", standardSupportEnds: "2026-10-01" },
    { version: "1.35", standardSupportEnds: "2027-04-11" },
  ],
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** Days from `from` to `to` (ISO dates), negative when `to` is earlier. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/**
 * Problems with a requested version at `path`: unknown to the list, or out of standard support on the list's date (an
 * error: the cloud would upgrade the control plane under the stack, and the next `pulumi up` would ask to go back), or
 * leaving it soon (a warning).
 */
export function kubernetesVersionProblems(catalog: KubernetesVersionCatalog, version: string, path: string): Problem[] {
  const known = catalog.versions.find((v) => v.version === version);
  const listed = catalog.versions.map((v) => `${v.version} (standard support until ${v.standardSupportEnds})`).join(", ");
  if (!known) return [error(path, `${version} is not in the supported list as of ${catalog.asOf}: ${listed}; source: ${catalog.source}`)];
  const daysLeft = daysBetween(catalog.asOf, known.standardSupportEnds);
  if (daysLeft < 0)
    return [
      error(
        path,
        `${version} left standard support on ${known.standardSupportEnds}; the cloud upgrades such control planes itself, ` +
          `and a stack that still asks for ${version} then plans a downgrade. Choose one of: ${listed}`,
      ),
    ];
  if (daysLeft <= SUPPORT_ENDING_WARNING_DAYS)
    return [
      warning(
        path,
        `${version} leaves standard support on ${known.standardSupportEnds} (${daysLeft} days after ${catalog.asOf}); ` +
          "upgrade one minor version at a time before then (docs/operations.md)",
      ),
    ];
  return [];
}
