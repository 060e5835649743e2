// Whether a Kubernetes provider of the plan survives a change of its credentials: the cases the Kubernetes lab puts to
// the real pulumi-kubernetes provider's DiffConfig (tools/k8s-lab/provider-diff/), and how its answers are judged.
// A replaced provider replaces every object deployed through it (docs/durability.md), so a rotated CA, a new token or
// a new address must update the provider in place; only a new clusterIdentifier may replace it.
import { parse, stringify } from "yaml";
import { K8S_PROVIDER_TYPE, type Plan } from "../plan";

/** One question for DiffConfig: the provider's old state and its new inputs, as the engine passes them. */
export interface ProviderDiffCase {
  name: string;
  olds: Record<string, unknown>;
  news: Record<string, unknown>;
}

/** DiffConfig's answer to one case, as tools/k8s-lab/provider-diff prints it. */
export interface ProviderDiffAnswer {
  name: string;
  changes?: string;
  diffs?: string[] | null;
  replaces?: string[] | null;
  error?: string;
}

/** What each case of a provider asks, and the answer that passes. */
export const CASE_KINDS = {
  /** The same cluster with a rotated CA, new credentials and a new address: updated in place. */
  rotated: "credentials rotated, same clusterIdentifier",
  /** The same change without clusterIdentifier: the provider cannot tell it is the same cluster and replaces. */
  control: "credentials rotated, no clusterIdentifier (control)",
  /** Another cluster: replaced. */
  moved: "new clusterIdentifier",
} as const;
export type CaseKind = keyof typeof CASE_KINDS;

/**
 * Every field of the kubeconfig that names or reaches the active cluster changed, as after a CA rotation and a move
 * of the endpoint: each cluster's CA and server, each user's token and client certificate, and the exec plugin's
 * arguments. The context names stay, so the same context is still the active one.
 */
export function rotateKubeconfig(text: string): string {
  const doc = parse(text) as {
    clusters?: Array<{ cluster?: Record<string, unknown> }>;
    users?: Array<{ user?: Record<string, unknown> }>;
  };
  for (const c of doc.clusters ?? []) {
    if (!c.cluster) continue;
    c.cluster["certificate-authority-data"] = Buffer.from(`rotated CA of ${String(c.cluster.server)}`).toString("base64");
    c.cluster.server = `${String(c.cluster.server).replace(/\/+$/, "")}.rotated.invalid`;
  }
  for (const u of doc.users ?? []) {
    if (!u.user) continue;
    if ("token" in u.user) u.user.token = "rotated-token";
    if ("client-certificate-data" in u.user) u.user["client-certificate-data"] = Buffer.from("rotated client cert").toString("base64");
    const exec = u.user.exec as { args?: string[] } | undefined;
    if (exec?.args) exec.args = [...exec.args, "--rotated"];
  }
  return stringify(doc);
}

/** The provider's inputs as DiffConfig sees them: plain values, no secret wrappers (the plan shows secrets). */
function providerInputs(inputs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(inputs).filter(([, v]) => v !== undefined && v !== null));
}

/** Three cases per Kubernetes provider of the plan (CASE_KINDS), named `<provider>/<kind>`. */
export function providerDiffCases(plan: Plan): ProviderDiffCase[] {
  return plan.resources
    .filter((r) => r.type === K8S_PROVIDER_TYPE)
    .flatMap((r) => {
      const olds = providerInputs(r.inputs);
      if (typeof olds.kubeconfig !== "string" || !Array.isArray((parse(olds.kubeconfig) as { clusters?: unknown } | null)?.clusters))
        throw new Error(`${r.name}: no kubeconfig text in the plan (run it with secrets shown)`);
      const rotated = { ...olds, kubeconfig: rotateKubeconfig(olds.kubeconfig) };
      const withoutId = (m: Record<string, unknown>) => Object.fromEntries(Object.entries(m).filter(([k]) => k !== "clusterIdentifier"));
      return [
        { name: `${r.name}/rotated`, olds, news: rotated },
        { name: `${r.name}/control`, olds: withoutId(olds), news: withoutId(rotated) },
        { name: `${r.name}/moved`, olds, news: { ...olds, clusterIdentifier: `${String(olds.clusterIdentifier)}-another-cluster` } },
      ];
    });
}

/** Whether one answer is the one its case needs. */
export function answerPasses(kind: CaseKind, answer: ProviderDiffAnswer): boolean {
  if (answer.error !== undefined) return false;
  const replaces = answer.replaces ?? [];
  switch (kind) {
    case "rotated":
      return answer.changes === "DIFF_SOME" && replaces.length === 0;
    case "control":
      return replaces.length > 0;
    case "moved":
      return replaces.includes("clusterIdentifier");
    default: {
      const never: never = kind;
      throw new Error(`unknown case kind ${String(never)}`);
    }
  }
}

/** The lab check: every provider updated in place when rotated, and the control and move cases replaced. */
export function providerDiffCheck(cases: readonly ProviderDiffCase[], answers: readonly ProviderDiffAnswer[]) {
  const byName = new Map(answers.map((a) => [a.name, a]));
  const wrong: string[] = [];
  for (const c of cases) {
    const kind = c.name.slice(c.name.lastIndexOf("/") + 1) as CaseKind;
    const answer = byName.get(c.name);
    if (!answer) wrong.push(`${c.name}: no answer`);
    else if (!answerPasses(kind, answer))
      wrong.push(`${c.name} (${CASE_KINDS[kind]}): ${answer.error ?? `replaces [${(answer.replaces ?? []).join(", ")}]`}`);
  }
  const providers = cases.length / Object.keys(CASE_KINDS).length;
  return {
    name: "provider credential change",
    ok: cases.length > 0 && wrong.length === 0,
    detail:
      wrong.length === 0
        ? `pulumi-kubernetes DiffConfig: ${providers} provider(s) updated in place with a rotated CA, credentials and address; ` +
          "replaced without clusterIdentifier (control) and with a new one"
        : wrong.join("; "),
  };
}
