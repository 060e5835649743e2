// `npm run plan:diff -- BASE.json HEAD.json [--markdown] [--title T]`: what a change adds, changes and removes, by region, and its cost.
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { Plan } from "../lib/plan";
import { diffPlans, renderPlanDiff, renderPlanDiffMarkdown } from "../lib/plan-diff";

const USAGE = "usage: npm run plan:diff -- BASE.json HEAD.json [--markdown] [--title TITLE]";

function readPlan(file: string): Plan {
  const doc = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<Plan>;
  if (typeof doc.stack !== "string" || !Array.isArray(doc.resources) || typeof doc.outputs !== "object") {
    throw new Error(`${file} is not a plan.json (needs stack, resources, outputs)`);
  }
  return doc as Plan;
}

function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { markdown: { type: "boolean", default: false }, title: { type: "string" } },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (parsed.positionals.length !== 2) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let base: Plan, head: Plan;
  try {
    base = readPlan(parsed.positionals[0]);
    head = readPlan(parsed.positionals[1]);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
  const diff = diffPlans(base, head);
  process.stdout.write(
    `${parsed.values.markdown ? renderPlanDiffMarkdown(diff, parsed.values.title ?? `Plan diff: stack \`${head.stack}\``) : renderPlanDiff(diff)}\n`,
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));
