// `npm run region-loss -- --stack gke|eks|... [--config FILE]: removes each region from the offline plan in turn and
// shows what survives. Exits 1 when losing some region would stop writes, the quorum, or a region's clients.
import { parseArgs } from "node:util";
import { renderRegionLoss, simulateRegionLoss } from "../lib/region-loss";
import { STACK_CHOICES, parseStackOption } from "../lib/cli";
import { describeRunFailure, runStack, runToolMain, toPlan } from "./run-stack";

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { stack: { type: "string" }, config: { type: "string" } } });
  const stack = parseStackOption(values.stack);
  if (!stack.ok) {
    process.stderr.write(`${stack.message}\nusage: npm run region-loss -- --stack ${STACK_CHOICES} [--config FILE]\n`);
    return 2;
  }
  const result = await runStack({ stack: stack.stack, configFile: values.config });
  if (!result.ok) {
    process.stderr.write(`${describeRunFailure(result, values.config ?? `Pulumi.${stack.stack}.yaml`)}\n`);
    return 1;
  }
  const sim = simulateRegionLoss(toPlan(stack.stack, result.run));
  process.stdout.write(`${renderRegionLoss(stack.stack, sim)}\n`);
  return sim.ok ? 0 : 1;
}

runToolMain(main);
