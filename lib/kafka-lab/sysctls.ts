// The kernel settings a plan gives the machines that run Kafka: a GKE node pool's linuxNodeConfig.sysctls, the
// sysctl list in an EKS launch template's user data, or (stack existing) the settings its outputs require of the nodes. The lab applies what the plan says, not what a model predicts.
import type { Plan } from "../plan";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});

export interface PlannedSysctls {
  /** Resource the values come from. */
  source: string;
  values: Record<string, string>;
}

const KEY = /^(net|vm|fs|kernel)\.[a-z0-9_.]+$/;

/** Parses `key value...` or `key = value` lines (user data heredoc or sysctl.d syntax). */
export function sysctlLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const m = /^([a-z0-9_.]+)\s*(?:=\s*|\s+)(\S.*)$/.exec(line);
    if (m && KEY.test(m[1])) out[m[1]] = m[2].trim().split(/\s+/).join(" ");
  }
  return out;
}

/** The sysctls of the Kafka machines: the node pool or launch template whose settings raise net.core.rmem_max. */
export function plannedKafkaSysctls(plan: Plan): PlannedSysctls | undefined {
  for (const r of plan.resources) {
    if (r.type === "gcp:container/nodePool:NodePool") {
      const sysctls = obj(obj(obj(r.inputs.nodeConfig).linuxNodeConfig).sysctls);
      if (typeof sysctls["net.core.rmem_max"] === "string") {
        return {
          source: r.name,
          values: Object.fromEntries(Object.entries(sysctls).map(([k, v]) => [k, String(v).trim().split(/\s+/).join(" ")])),
        };
      }
    }
    if (r.type === "aws:ec2/launchTemplate:LaunchTemplate" && typeof r.inputs.userData === "string") {
      const values = sysctlLines(Buffer.from(r.inputs.userData, "base64").toString("utf8"));
      if (values["net.core.rmem_max"] !== undefined) return { source: r.name, values };
    }
  }
  // Stack existing manages no node: its plan states, as an output, what the clusters' owners must set on them.
  const stated = obj(obj(plan.outputs.existing).kafkaNodeSysctls);
  if (typeof stated["net.core.rmem_max"] === "string") {
    return {
      source: "outputs.existing.kafkaNodeSysctls",
      values: Object.fromEntries(Object.entries(stated).map(([k, v]) => [k, String(v)])),
    };
  }
  return undefined;
}
