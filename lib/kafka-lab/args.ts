// Options of `npm run lab:kafka`, parsed and checked all at once.
import { parseArgs } from "node:util";
import { boundedNumber, parseStackOption, phaseList } from "../cli";
import { Cloud } from "../types";

export interface KafkaLabOptions {
  stack: Cloud;
  json: boolean;
  /** Leave the cluster running at the end and print how to stop it. */
  keep: boolean;
  /** Rate of every emulated inter-region link, Mbit/s at the IP layer. */
  rateMbit: number;
  /** How long each region stays cut off, seconds (at least 60). */
  cutSeconds: number;
  /** Which phases run after the cluster check (all by default); for poking at one behaviour quickly. */
  phases: LabPhase[];
}

export const LAB_PHASES = ["access", "defaults", "follower", "cut", "restarts", "throughput", "capacity"] as const;
export type LabPhase = (typeof LAB_PHASES)[number];
/**
 * What runs without --phases: every phase but capacity, whose comparison with the model does not yet hold within its
 * target on a 2-core machine where the CPU-bound rows swing by a third from run to run (docs/kafka-lab.md).
 */
/**
 * The default run (and CI's). Not `throughput` since node-to-node Kafka TLS on every stack (2026-12-07): on 2 cores the
 * phase then measured 55-68% of the link and 9.9-18x the defaults, too close to its bounds to judge the window
 * (docs/kafka-lab.md); run it by hand with --phases throughput. Not `capacity` either (by hand, docs/kafka-lab.md).
 */
export const DEFAULT_LAB_PHASES: readonly LabPhase[] = ["access", "defaults", "follower", "cut", "restarts"];

export const KAFKA_LAB_DEFAULTS = { rateMbit: 200, cutSeconds: 60 } as const;
export const KAFKA_LAB_USAGE = `usage: npm run lab:kafka -- --stack gke|eks [--json] [--keep] [--rate-mbit M] [--cut-seconds S] [--phases ${LAB_PHASES.join(",")}]`;

export type ParsedKafkaLabArgs = { ok: true; options: KafkaLabOptions } | { ok: false; message: string; help?: boolean };

export function parseKafkaLabArgs(argv: readonly string[]): ParsedKafkaLabArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        stack: { type: "string" },
        json: { type: "boolean" },
        keep: { type: "boolean" },
        "rate-mbit": { type: "string" },
        "cut-seconds": { type: "string" },
        phases: { type: "string" },
        help: { type: "boolean" },
      },
      strict: true,
    }).values;
  } catch (err) {
    return { ok: false, message: `${(err as Error).message}\n${KAFKA_LAB_USAGE}` };
  }
  if (values.help) return { ok: false, message: KAFKA_LAB_USAGE, help: true };
  const errors: string[] = [];
  const stack = parseStackOption(values.stack as string | undefined);
  if (!stack.ok) errors.push(stack.message);
  const rateMbit = boundedNumber(
    "rate-mbit",
    values["rate-mbit"] as string | undefined,
    KAFKA_LAB_DEFAULTS.rateMbit,
    10,
    2000,
    true,
    errors,
  );
  const cutSeconds = boundedNumber(
    "cut-seconds",
    values["cut-seconds"] as string | undefined,
    KAFKA_LAB_DEFAULTS.cutSeconds,
    60,
    600,
    true,
    errors,
  );
  const phases = phaseList(values.phases as string | undefined, LAB_PHASES, errors, DEFAULT_LAB_PHASES);
  if (errors.length > 0 || !stack.ok) return { ok: false, message: `${errors.join("\n")}\n${KAFKA_LAB_USAGE}` };
  return {
    ok: true,
    options: {
      stack: stack.stack,
      json: values.json === true,
      keep: values.keep === true,
      rateMbit,
      cutSeconds,
      phases,
    },
  };
}
