// `npm run plan -- --stack gke|eks|... [--config FILE] [--json] [--out DIR] [--show-secrets]`
// The credential-free preview: runs index.ts under mocks and prints (or writes) what it would create.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { renderTree } from "../lib/plan";
import { STACK_CHOICES, parseStackOption } from "../lib/cli";
import { describeRunFailure, runStack, runToolMain, toPlan } from "./run-stack";

const USAGE = `usage: npm run plan -- --stack ${STACK_CHOICES} [--config FILE] [--json] [--out DIR] [--show-secrets]`;

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        stack: { type: "string" },
        config: { type: "string" },
        json: { type: "boolean", default: false },
        out: { type: "string" },
        "show-secrets": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const stack = parseStackOption(args.stack);
  if (!stack.ok) {
    process.stderr.write(`${stack.message}\n${USAGE}\n`);
    return 2;
  }

  const result = await runStack({ stack: stack.stack, configFile: args.config });
  if (!result.ok) {
    process.stderr.write(`${describeRunFailure(result, args.config ?? `Pulumi.${stack.stack}.yaml`)}\n`);
    return 1;
  }

  const plan = toPlan(result.stack, result.run, args["show-secrets"]);
  const json = `${JSON.stringify(plan, null, 2)}\n`;
  if (args.out) {
    fs.mkdirSync(args.out, { recursive: true });
    fs.writeFileSync(path.join(args.out, "plan.json"), json);
  }
  if (args.json) {
    process.stdout.write(json);
  } else {
    const regions = ((plan.outputs.regions as Array<{ name: string }> | undefined) ?? []).map((r) => r.name);
    process.stdout.write(`${renderTree(plan, regions)}\n`);
    if (plan.diagnostics.length > 0) {
      process.stdout.write(
        `\ndiagnostics:\n${plan.diagnostics.map((d) => `  ${d.severity}: ${d.message.replace(/\n/g, "\n    ")}`).join("\n")}\n`,
      );
    }
    if (args.out) process.stdout.write(`\nwrote ${path.join(args.out, "plan.json")}\n`);
  }
  return 0;
}

runToolMain(main);
