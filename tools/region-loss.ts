// `npm run region-loss -- --stack gke|eks [--config FILE]`: removes each region from the offline plan in turn and
// shows what survives. Exits 1 when losing some region would stop writes, the quorum, or a region's clients.
import { parseArgs } from "node:util";
import { renderRegionLoss, simulateRegionLoss } from "../lib/region-loss";
import { formatProblems } from "../lib/problems";
import { runStack, toPlan } from "./run-stack";

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { stack: { type: "string" }, config: { type: "string" } } });
  if (values.stack !== "gke" && values.stack !== "eks") {
    process.stderr.write("usage: npm run region-loss -- --stack gke|eks [--config FILE]\n");
    return 2;
  }
  const result = await runStack({ stack: values.stack, configFile: values.config });
  if (!result.ok) {
    process.stderr.write(`${formatProblems(result.problems) || String(result.error)}\n`);
    return 1;
  }
  const sim = simulateRegionLoss(toPlan(values.stack, result.run));
  process.stdout.write(`${renderRegionLoss(values.stack, sim)}\n`);
  return sim.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
