// `npm run versions [-- --json]`: every pinned version of the stack with where it is set and when it was checked
// (lib/versions.ts), oldest check first, so the pins most in need of a look head the list.
import { parseArgs } from "node:util";
import Table from "cli-table3";
import { versionPins } from "../lib/versions";
import { runToolMain } from "./run-stack";

function main(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { json: { type: "boolean", default: false } } });
  const pins = [...versionPins()].sort((a, b) => (a.checkedOn ?? "").localeCompare(b.checkedOn ?? ""));
  if (values.json) {
    process.stdout.write(`${JSON.stringify(pins, null, 2)}\n`);
    return 0;
  }
  const table = new Table({
    head: ["checked", "kind", "what", "version", "set in"],
    colWidths: [12, 12, 50, 40, 32],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const p of pins) table.push([p.checkedOn ?? "(no date)", p.kind, p.what, p.version, p.where]);
  process.stdout.write(`${table.toString()}\n`);
  return 0;
}

runToolMain(main);
