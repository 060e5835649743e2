// Checks of `traffic` (exactly one way to count messages) and `access` (control-plane ranges).
import { parseCidr } from "../../cidr";
import { Problem, configPath, error, warning } from "../../problems";
import type { ParsedConfig } from "../schema";

export function checkTraffic({ traffic }: Partial<ParsedConfig>): Problem[] {
  if (!traffic) return [];
  const has = (v: unknown) => v !== undefined;
  if (has(traffic.messagesPerSecond) === has(traffic.messageSizeBytes)) {
    return [error(configPath("traffic", ["messagesPerSecond"]), "give exactly one of messagesPerSecond and messageSizeBytes")];
  }
  return [];
}

export function checkAccess({ access }: Partial<ParsedConfig>): Problem[] {
  if (!access) return [];
  const problems: Problem[] = [];
  access.controlPlaneCidrs.forEach((text, i) => {
    const parsed = parseCidr(text);
    if (!parsed.ok) problems.push(error(configPath("access", ["controlPlaneCidrs", i]), parsed.message));
    else if (parsed.cidr.prefixLength === 0) {
      problems.push(warning(configPath("access", ["controlPlaneCidrs", i]), "opens the Kubernetes API endpoints to the whole internet"));
    }
  });
  return problems;
}
