// Runs the destroy-guard engine test (built by `npm run lab:k8s:build` from tools/k8s-lab/provider-diff/destroyguard)
// over a plan and over its control (lib/k8s-lab/destroy-guard.ts).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { DestroyGuardRun, destroyGuardCheck, parseDestroyGuardOutput, withoutOneGuardDependency } from "../../lib/k8s-lab/destroy-guard";
import type { Plan } from "../../lib/plan";
import { binaries } from "./build";

function runEngine(plan: Plan, file: string): DestroyGuardRun {
  fs.writeFileSync(file, JSON.stringify(plan));
  const r = spawnSync(binaries().destroyGuard, ["-test.run", "TestDestroyGuard", "-plan", file], {
    encoding: "utf8",
    timeout: 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`destroy-guard failed (${r.status ?? r.signal}): ${(r.stdout + r.stderr).trim().slice(-2000)}`);
  return parseDestroyGuardOutput(r.stdout);
}

export function checkDestroyGuard(plan: Plan, workDir: string) {
  const shipped = runEngine(plan, path.join(workDir, "destroy-guard-plan.json"));
  const control = withoutOneGuardDependency(plan);
  const controlRun = runEngine(control.plan, path.join(workDir, "destroy-guard-control.json"));
  return { check: destroyGuardCheck(shipped, controlRun, control.dropped), runs: { shipped, control: controlRun } };
}
