// Stack eks: composition only. One AWS provider per region; the components of each region receive theirs explicitly.
import * as aws from "@pulumi/aws";
import { StackSpec } from "../lib/config/validate";
import { DerivedPlan, commonOutputs } from "./common";

export function eksStack(spec: StackSpec, derived: DerivedPlan) {
  const providers = spec.regions.map(
    (region) =>
      new aws.Provider(`aws-${region.name}`, {
        region: region.name as aws.Region,
        defaultTags: { tags: { "geo-kafka:region": region.name } },
      }),
  );
  return {
    outputs: commonOutputs(spec, derived),
    providers,
  };
}
