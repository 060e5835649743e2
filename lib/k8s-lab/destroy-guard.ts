// The destroy guard judged by the real Pulumi engine (tools/k8s-lab/provider-diff/destroyguard): the plan's whole
// graph is created by a fake provider, then destroyed. With the guard, no resource may be deleted; in the control
// (the guard no longer waiting for one resource) exactly that resource must be deleted, which shows both that the
// engine deletes what the guard does not name and that the harness would see a deletion.
import type { Plan } from "../plan";
import { DATA_GUARD_TYPE } from "../durability/protection";

/** What the engine run reports (its `destroy-guard {...}` line). */
export interface DestroyGuardRun {
  resources: number;
  custom: number;
  destroyError?: string;
  deleted: string[];
}

/**
 * The same plan with the guard no longer waiting for one resource: the first Kubernetes Secret, by name, that nothing
 * else waits for. (A Secret the access Job waits for stays a dependency of the guard through the Job, and the engine
 * rightly keeps it.)
 */
export function withoutOneGuardDependency(plan: Plan): { plan: Plan; dropped: string } {
  const copy = structuredClone(plan);
  const guard = copy.resources.find((r) => r.type === DATA_GUARD_TYPE);
  if (!guard) throw new Error(`the plan has no ${DATA_GUARD_TYPE}`);
  const waitedFor = new Set(
    copy.resources.filter((r) => r !== guard).flatMap((r) => [...(r.dependsOn ?? []), ...(r.parent ? [r.parent] : [])]),
  );
  const dropped = copy.resources
    .filter((r) => r.type === "kubernetes:core/v1:Secret" && (guard.dependsOn ?? []).includes(r.name) && !waitedFor.has(r.name))
    .map((r) => r.name)
    .sort()[0];
  if (dropped === undefined) throw new Error("the guard waits for no Kubernetes Secret that nothing else waits for");
  guard.dependsOn = (guard.dependsOn ?? []).filter((n) => n !== dropped);
  return { plan: copy, dropped };
}

/** Reads the engine run's line out of the test binary's output. */
export function parseDestroyGuardOutput(stdout: string): DestroyGuardRun {
  const line = stdout.split("\n").find((l) => l.startsWith("destroy-guard "));
  if (!line) throw new Error(`no destroy-guard line in the engine run's output: ${stdout.trim().slice(-500)}`);
  return JSON.parse(line.slice("destroy-guard ".length)) as DestroyGuardRun;
}

const refused = (run: DestroyGuardRun) => (run.destroyError ?? "").includes("protected");

/** The lab check over the shipped plan's run and the control's. */
export function destroyGuardCheck(shipped: DestroyGuardRun, control: DestroyGuardRun, dropped: string) {
  const problems: string[] = [];
  if (!refused(shipped)) problems.push(`destroy was not refused (${shipped.destroyError ?? "no error"})`);
  if (shipped.deleted.length > 0) problems.push(`deleted despite the guard: ${shipped.deleted.join(", ")}`);
  if (control.deleted.length !== 1 || control.deleted[0] !== dropped)
    problems.push(`control (guard not waiting for ${dropped}): deleted [${control.deleted.join(", ")}], expected exactly ${dropped}`);
  return {
    name: "destroy guard (Pulumi engine)",
    ok: problems.length === 0,
    detail:
      problems.length === 0
        ? `pulumi destroy of the plan's ${shipped.resources} resources (${shipped.custom} custom) refused by the guard, nothing ` +
          `deleted; control: with the guard not waiting for ${dropped}, exactly that was deleted`
        : problems.join("; "),
  };
}
