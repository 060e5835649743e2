// The stack's image overrides: each a valid reference, and the Kafka image the release `kafka.version` names.
import { StackImage, parseReference } from "../../images";
import { Problem, configPath, error, warning } from "../../problems";
import type { ParsedConfig } from "../schema";

export function checkImages({ images, kafka }: Partial<ParsedConfig>): Problem[] {
  if (!images) return [];
  const problems: Problem[] = [];
  for (const image of ["kafka", "curl"] as const satisfies readonly StackImage[]) {
    const ref = images[image];
    // Pods holding the cluster's keys and credentials run what the mirror serves: by tag, whatever it serves.
    if (images.registry !== undefined && (ref === undefined || parseReference(ref)?.digest === undefined))
      problems.push(
        warning(
          configPath("images", [image]),
          `pulled from the mirror ${images.registry} by tag: pin it by digest (images.${image}: <reference>@sha256:...) so the mirror cannot substitute other bytes`,
        ),
      );
    if (ref === undefined) continue;
    const path = configPath("images", [image]);
    const parsed = parseReference(ref);
    if (!parsed) {
      problems.push(error(path, `"${ref}" is not an image reference (registry/repository:tag, optionally @sha256:<64 hex>)`));
      continue;
    }
    if (parsed.tag === undefined && parsed.digest === undefined) {
      problems.push(error(path, `"${ref}" names neither a tag nor a digest: pin it`));
      continue;
    }
    if (image !== "kafka" || !kafka) continue;
    // The start script, the properties and the tools are rendered for kafka.version: the image must run that release.
    if (parsed.tag !== undefined && parsed.tag !== kafka.version)
      problems.push(error(path, `tag ${parsed.tag} is not kafka.version ${kafka.version}; the image must run the configured release`));
    if (parsed.tag === undefined)
      problems.push(warning(path, `a digest alone cannot be checked against kafka.version ${kafka.version}: add the tag as well`));
  }
  return problems;
}
