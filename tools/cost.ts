// `npm run cost -- --stack gke|eks|... [--config FILE] [--json|--markdown]` and `npm run cost -- --scenario FILE [--json]`:
// the cost estimate (with the capacity ceiling) of a stack's configuration, or of a what-if scenario.
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { rawConfigFromMap, validateConfig } from "../lib/config/validate";
import { STACK_CHOICES, parseStackOption } from "../lib/cli";
import { estimateCost } from "../lib/cost";
import { derivePlan } from "../lib/derived-plan";
import { parseScenario } from "../lib/cost-scenario";
import { estimateJson, renderMarkdown, renderSummary } from "../lib/cost-report";
import { errorsOf, formatProblems } from "../lib/problems";
import { runToolMain, stackFilePath } from "./run-stack";
import { readStackFile } from "./stack-file";

const USAGE = `usage: npm run cost -- --stack ${STACK_CHOICES} [--config FILE] [--json|--markdown]\n       npm run cost -- --scenario FILE [--json|--markdown]`;

function out(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

function fail(text: string, code = 1): number {
  process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
  return code;
}

function scenario(file: string, format: "text" | "json" | "markdown"): number {
  let doc: unknown;
  try {
    doc = parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    return fail(`${file}: ${(err as Error).message.split("\n")[0]}`);
  }
  const parsed = parseScenario(doc);
  if (!parsed.ok)
    return fail(`${file}: ${parsed.problems.length} problem(s):\n${parsed.problems.map((p) => `  - ${p.key}: ${p.message}`).join("\n")}`);
  const estimate = estimateCost(parsed.inputs);
  if (format === "json") out(JSON.stringify(estimateJson(estimate), null, 2));
  else if (format === "markdown") out(renderMarkdown(file, estimate));
  else out(renderSummary(`scenario ${file}`, estimate));
  return 0;
}

function stack(name: string, configFile: string | undefined, format: "text" | "json" | "markdown"): number {
  const source = configFile ?? stackFilePath(name);
  const read = readStackFile(source);
  if (!read.ok) return fail(formatProblems(read.problems));
  const result = validateConfig(rawConfigFromMap(read.file.config));
  if (!result.ok) return fail(`${source}: configuration has problems:\n${formatProblems(errorsOf(result.problems))}`);
  const derived = derivePlan(result.spec);
  if (format === "json") {
    out(JSON.stringify({ ...estimateJson(derived.cost), capacity: derived.capacity ?? null, prices: derived.prices }, null, 2));
  } else if (format === "markdown") {
    out(renderMarkdown(name, derived.cost, derived.capacity, derived.prices));
  } else {
    out(renderSummary(name, derived.cost, derived.capacity));
  }
  return 0;
}

function main(argv: string[]): number {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        stack: { type: "string" },
        config: { type: "string" },
        scenario: { type: "string" },
        json: { type: "boolean", default: false },
        markdown: { type: "boolean", default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    return fail(`${(err as Error).message}\n${USAGE}`, 2);
  }
  if (values.json && values.markdown) return fail(`--json and --markdown exclude each other\n${USAGE}`, 2);
  const format = values.json ? "json" : values.markdown ? "markdown" : "text";
  if (values.scenario !== undefined && values.stack === undefined) return scenario(values.scenario, format);
  if (values.stack === undefined) return fail(USAGE, 2);
  const chosen = parseStackOption(values.stack);
  if (!chosen.ok) return fail(`${chosen.message}\n${USAGE}`, 2);
  if (values.scenario !== undefined) return fail(`--stack and --scenario exclude each other\n${USAGE}`, 2);
  return stack(chosen.stack, values.config, format);
}

runToolMain(main);
