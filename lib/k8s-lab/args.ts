// Options of `npm run lab:k8s`, parsed and checked all at once.
import { parseArgs } from "node:util";
import { phaseList, parseStackOption } from "../cli";
import { Cloud } from "../types";

export const K8S_LAB_PHASES = ["apply", "upgrades"] as const;
export type K8sLabPhase = (typeof K8S_LAB_PHASES)[number];

export interface K8sLabOptions {
  stack: Cloud;
  json: boolean;
  /** Leave the API servers running at the end and print how to reach and stop them. */
  keep: boolean;
  /** `apply` (the shipped plan) always runs; `upgrades` applies each edited plan over it. */
  phases: K8sLabPhase[];
}

export const K8S_LAB_USAGE = `usage: npm run lab:k8s -- --stack gke|eks [--json] [--keep] [--phases ${K8S_LAB_PHASES.join(",")}]`;

export type ParsedK8sLabArgs = { ok: true; options: K8sLabOptions } | { ok: false; message: string; help?: boolean };

export function parseK8sLabArgs(argv: readonly string[]): ParsedK8sLabArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        stack: { type: "string" },
        json: { type: "boolean" },
        keep: { type: "boolean" },
        phases: { type: "string" },
        help: { type: "boolean" },
      },
      strict: true,
    }).values;
  } catch (err) {
    return { ok: false, message: `${(err as Error).message}\n${K8S_LAB_USAGE}` };
  }
  if (values.help) return { ok: false, message: K8S_LAB_USAGE, help: true };
  const errors: string[] = [];
  const stack = parseStackOption(values.stack as string | undefined);
  if (!stack.ok) errors.push(stack.message);
  const phases = phaseList(values.phases as string | undefined, K8S_LAB_PHASES, errors);
  if (errors.length > 0 || !stack.ok) return { ok: false, message: `${errors.join("\n")}\n${K8S_LAB_USAGE}` };
  // The upgrades start from the shipped plan, so apply always runs first.
  const chosen = new Set<K8sLabPhase>(["apply", ...phases]);
  return {
    ok: true,
    options: {
      stack: stack.stack,
      json: values.json === true,
      keep: values.keep === true,
      phases: K8S_LAB_PHASES.filter((p) => chosen.has(p)),
    },
  };
}
