// The stack's Kubernetes version against its target's supported list: only targets that create clusters take one.
import { profileOf } from "../../cloud";
import { kubernetesVersionProblems } from "../../cloud/versions";
import { Problem, configPath, error } from "../../problems";
import type { ParsedConfig } from "../schema";

export function checkKubernetesVersion(config: Partial<ParsedConfig>): Problem[] {
  if (config.cloud === undefined) return [];
  const catalog = profileOf(config.cloud).kubernetesVersions;
  const path = configPath("kubernetesVersion");
  if (catalog === undefined)
    return config.kubernetesVersion === undefined
      ? []
      : [error(path, `stack ${config.cloud} does not create its clusters, so their owners choose the version; remove this key`)];
  return kubernetesVersionProblems(catalog, config.kubernetesVersion ?? catalog.defaultVersion, path);
}
