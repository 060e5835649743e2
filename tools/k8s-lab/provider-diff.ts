// Puts the plan's Kubernetes providers to the real pulumi-kubernetes provider: the cases of lib/k8s-lab/provider-diff.ts
// go to the provider-diff binary (built by `npm run lab:k8s:build` from tools/k8s-lab/provider-diff/), which starts the
// provider and asks its gRPC DiffConfig, as the Pulumi engine does before every update.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ProviderDiffAnswer, ProviderDiffCase, providerDiffCases, providerDiffCheck } from "../../lib/k8s-lab/provider-diff";
import type { Plan } from "../../lib/plan";
import { binaries } from "./build";

export function askDiffConfig(cases: readonly ProviderDiffCase[], workDir: string): ProviderDiffAnswer[] {
  const file = path.join(workDir, "provider-diff-cases.json");
  fs.writeFileSync(file, JSON.stringify(cases, null, 2));
  const r = spawnSync(binaries().providerDiff, [file], { encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0)
    throw new Error(`provider-diff failed (${r.status ?? r.signal}): ${(r.stderr || String(r.error ?? "")).trim().slice(-2000)}`);
  return r.stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as ProviderDiffAnswer);
}

/** The lab's check over a plan (secrets shown), with the answers kept for the report. */
export function checkProviderDiffs(plan: Plan, workDir: string) {
  const cases = providerDiffCases(plan);
  const answers = askDiffConfig(cases, workDir);
  return { check: providerDiffCheck(cases, answers), answers };
}
