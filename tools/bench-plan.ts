// `npm run bench:plan`: median wall time of the offline plan per stack, as a user runs it (new process each time).
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { CLOUDS } from "../lib/types";
import { REPO_ROOT } from "./run-stack";

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const runs = Number(values.runs);
const tsx = path.join(REPO_ROOT, "node_modules", ".bin", "tsx");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

for (const stack of CLOUDS) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(tsx, [path.join(REPO_ROOT, "tools", "plan.ts"), "--stack", stack, "--json"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0) {
      process.stderr.write(result.stderr);
      process.exit(1);
    }
    times.push(seconds);
  }
  const resources = (
    JSON.parse(
      spawnSync(tsx, [path.join(REPO_ROOT, "tools", "plan.ts"), "--stack", stack, "--json"], {
        cwd: REPO_ROOT,
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
      }).stdout,
    ) as { resources: unknown[] }
  ).resources.length;
  console.log(
    `plan ${stack}: median ${median(times).toFixed(2)} s over ${runs} runs (min ${Math.min(...times).toFixed(2)} s, max ${Math.max(...times).toFixed(2)} s), ${resources} resources`,
  );
}
