// The checks of stack existing: three clusters that already exist, one `existing.clusters` entry each; their ranges
// are facts to give, not plans; the mesh must fit what their network carries; kubeconfigs must be kubeconfigs.
import { parse } from "yaml";
import type { ParsedConfig } from "../../config/schema";
import type { ExistingStackSpec } from "../../config/spec";
import { Problem, configPath, error, warning } from "../../problems";
import type { KafkaDiskConfig } from "../profile";

/** The Kafka disk of existing clusters is whatever their StorageClass provisions: a size, and no provisioned IOPS key. */
export function storageClassDiskProblems({ iopsPerGiB }: KafkaDiskConfig): Problem[] {
  return iopsPerGiB !== undefined
    ? [error(configPath("kafka", ["disk", "iopsPerGiB"]), "set IOPS in existing.storageClass.create.parameters; the class decides them")]
    : [];
}

/** Why Submariner cannot serve existing clusters whose pods do not route to each other. */
export const SUBMARINER_NEEDS_ROUTABLE_PODS =
  "this stack runs Submariner for service discovery only (no gateway or route agent), so pod addresses must route between the clusters (existing.podsRoutable)";

/** A one-line value that looks like a file name rather than a kubeconfig's contents. */
const LOOKS_LIKE_PATH = /^(~|\.{0,2}\/|[A-Za-z]:\\)|\.(ya?ml|conf|kubeconfig)$|^[^\n:]*config$/;

/** Problems of one kubeconfig text, by path, without quoting any of its contents. */
export function kubeconfigProblems(text: string, context: string | undefined, path: string): Problem[] {
  if (!text.includes("\n") && LOOKS_LIKE_PATH.test(text.trim())) {
    return [error(path, 'holds a file name; give the kubeconfig\'s contents (pulumi config set --secret --path ... "$(cat FILE)")')];
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return [error(path, "is not YAML")];
  }
  // A value the program cannot read (an encrypted value the offline plan does not decrypt) is left to the provider.
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return [];
  const kc = doc as { kind?: unknown; clusters?: unknown; contexts?: unknown; users?: unknown; "current-context"?: unknown };
  const problems: Problem[] = [];
  if (kc.kind !== "Config") problems.push(error(path, "is not a kubeconfig (kind: Config)"));
  const names = (list: unknown) =>
    Array.isArray(list) ? list.map((e) => (e !== null && typeof e === "object" ? (e as { name?: unknown }).name : undefined)) : [];
  for (const key of ["clusters", "contexts", "users"] as const) {
    if (names(kc[key]).length === 0) problems.push(error(path, `has no ${key}`));
  }
  const wanted = context ?? (typeof kc["current-context"] === "string" ? kc["current-context"] : undefined);
  if (wanted === undefined) problems.push(error(path, "has no current-context; set existing.clusters[i].context"));
  else if (names(kc.contexts).length > 0 && !names(kc.contexts).includes(wanted)) problems.push(error(path, `has no context "${wanted}"`));
  return problems;
}

/** The existing clusters: one per region, ranges given, the mesh their network carries, kubeconfigs, the CNI's limits. */
export function existingConfigProblems({ existing, regions, mesh, gcp, kafka }: Partial<ParsedConfig>): Problem[] {
  const problems: Problem[] = [];
  if (gcp !== undefined) problems.push(warning(configPath("gcp"), "is ignored on existing"));
  if (existing === undefined) return [...problems, error(configPath("existing"), "stack existing needs its clusters (existing.clusters)")];
  if (regions && existing.clusters.length !== regions.length) {
    problems.push(
      error(
        configPath("existing", ["clusters"]),
        `needs one cluster per region, in regions order (${regions.length}), found ${existing.clusters.length}`,
      ),
    );
  }
  existing.clusters.forEach((cluster, i) => {
    problems.push(...kubeconfigProblems(cluster.kubeconfig, cluster.context, configPath("existing", ["clusters", i, "kubeconfig"])));
  });
  regions?.forEach((region, i) => {
    for (const kind of ["nodeCidr", "podCidr", "serviceCidr"] as const) {
      if (region[kind] === undefined) {
        problems.push(error(configPath("regions", [i, kind]), "is required on existing: the cluster's ranges are facts, not plans"));
      }
    }
  });
  if (mesh?.mode === "submariner") {
    if (!existing.podsRoutable) problems.push(error(configPath("mesh", ["mode"]), `${SUBMARINER_NEEDS_ROUTABLE_PODS}; use istio`));
    if (existing.cni === "aws-vpc-cni")
      problems.push(
        error(configPath("mesh", ["mode"]), "submariner does not support the AWS VPC CNI (submariner-io/submariner#2265); use istio"),
      );
  }
  if (existing.cni === "flannel") {
    problems.push(
      warning(
        configPath("existing", ["cni"]),
        "flannel enforces no NetworkPolicy: the Kafka and metrics policies this stack creates do nothing",
      ),
    );
  }
  if (kafka?.disk.type === "storage-class" && existing.storageClass.create === undefined) {
    problems.push(
      warning(
        configPath("existing", ["storageClass", "name"]),
        `"${existing.storageClass.name}" is used as it is: its reclaim policy, binding mode and file system are not checked (create it here to get Retain, WaitForFirstConsumer and XFS)`,
      ),
    );
  }
  return problems;
}

/** Nothing beyond the config checks needs the typed spec. */
export function existingSpecProblems(_spec: Pick<ExistingStackSpec, "regions">): Problem[] {
  return [];
}
