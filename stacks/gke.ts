// Stack gke: composition only. One GCP provider per region; the components of each region receive theirs explicitly.
import * as gcp from "@pulumi/gcp";
import { StackSpec } from "../lib/config/validate";
import { DerivedPlan, commonOutputs } from "./common";

export function gkeStack(spec: StackSpec, derived: DerivedPlan) {
  const project = spec.gcp!.project;
  const providers = spec.regions.map(
    (region) =>
      new gcp.Provider(`gcp-${region.name}`, {
        project,
        region: region.name,
        defaultLabels: { "geo-kafka-region": region.name },
      }),
  );
  return {
    outputs: commonOutputs(spec, derived),
    providers,
  };
}
