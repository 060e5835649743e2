// A resource transformation for the Kafka StatefulSets: replaced (old object first, pods and claims orphaned and
// adopted) when their volume claim templates change, which Kubernetes refuses to update in place.
import * as pulumi from "@pulumi/pulumi";
import { ORPHAN_DELETION_ANNOTATION, STATEFULSET_REPLACE_ON_CHANGES } from "../../lib/kafka/replacement";

type Metadata = { annotations?: Record<string, string>; [key: string]: unknown } | undefined;

/**
 * Applies to the StatefulSets a Kafka region creates (its `transformations`); any other resource is left as it is.
 * deleteBeforeReplace because two StatefulSets with one name cannot exist at once.
 */
export const replaceStatefulSetOnClaimChange: pulumi.ResourceTransformation = (args) => {
  if (args.type !== "kubernetes:apps/v1:StatefulSet") return undefined;
  const metadata = pulumi.output(args.props.metadata as pulumi.Input<Metadata>).apply((m) => ({
    ...m,
    annotations: { ...(m?.annotations ?? {}), ...ORPHAN_DELETION_ANNOTATION },
  }));
  return {
    props: { ...args.props, metadata },
    opts: pulumi.mergeOptions(args.opts, { replaceOnChanges: [...STATEFULSET_REPLACE_ON_CHANGES], deleteBeforeReplace: true }),
  };
};
