// What-if scenario files for `npm run cost -- --scenario FILE`: their schema, and conversion to CostInputs.
import { z } from "zod";
import { CostInputs, HOURS_PER_MONTH } from "./cost";

const nonNegative = z.number().min(0);
const positive = z.number().positive();
const count = z.number().int().min(0);

export const scenarioSchema = z.strictObject({
  hoursPerMonth: positive.default(HOURS_PER_MONTH),
  nodes: z.array(z.strictObject({ count, usdPerHour: nonNegative, label: z.string().optional() })),
  disks: z.array(
    z.strictObject({
      count,
      sizeGiB: nonNegative,
      usdPerGiBMonth: nonNegative,
      iops: nonNegative.optional(),
      usdPerIopsMonth: nonNegative.optional(),
      label: z.string().optional(),
    }),
  ),
  controlPlanes: z.strictObject({ count, usdPerHour: nonNegative }).optional(),
  traffic: z.strictObject({
    produceBytesPerSecond: positive,
    messagesPerSecond: positive,
    replicationFactor: z.number().int().min(1),
    regions: z.number().int().min(1),
    producerCrossRegionFraction: z.number().min(0).max(1),
    followerFetching: z.boolean(),
    consumerGroups: count,
    compressionRatio: z.number().min(1),
    interRegionUsdPerGiB: nonNegative,
  }),
});

export type Scenario = z.infer<typeof scenarioSchema>;

export interface ScenarioProblem {
  /** Dotted key in the scenario file, e.g. `traffic.compressionRatio` or `disks[1].sizeGiB`. */
  key: string;
  message: string;
}

export type ScenarioParse = { ok: true; inputs: CostInputs } | { ok: false; problems: ScenarioProblem[] };

function keyOf(path: ReadonlyArray<PropertyKey>): string {
  let key = "";
  for (const p of path) key += typeof p === "number" ? `[${p}]` : `${key ? "." : ""}${String(p)}`;
  return key || "(top level)";
}

/** Validates a parsed scenario document; every problem names its key. */
export function parseScenario(doc: unknown): ScenarioParse {
  const result = scenarioSchema.safeParse(doc);
  if (!result.success) {
    return {
      ok: false,
      problems: result.error.issues.map((issue) => {
        if (issue.code === "unrecognized_keys") {
          const keys = (issue as { keys: string[] }).keys;
          return {
            key: keyOf([...issue.path, keys[0]]),
            message: `unknown key${keys.length > 1 ? "s" : ""} ${keys.map((k) => `"${k}"`).join(", ")}`,
          };
        }
        return { key: keyOf(issue.path), message: issue.message };
      }),
    };
  }
  const s = result.data;
  const problems: ScenarioProblem[] = [];
  s.disks.forEach((d, i) => {
    if ((d.iops === undefined) !== (d.usdPerIopsMonth === undefined)) {
      problems.push({
        key: `disks[${i}].${d.iops === undefined ? "iops" : "usdPerIopsMonth"}`,
        message: "iops and usdPerIopsMonth go together",
      });
    }
  });
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    inputs: {
      hoursPerMonth: s.hoursPerMonth,
      nodes: s.nodes,
      disks: s.disks,
      ...(s.controlPlanes ? { controlPlanes: s.controlPlanes } : {}),
      traffic: s.traffic,
    },
  };
}
