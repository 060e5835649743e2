// How a Kafka StatefulSet reaches a cluster when a field Kubernetes will not update changes. The API server refuses
// any update of a StatefulSet's spec other than replicas, ordinals, template, updateStrategy, revisionHistoryLimit,
// persistentVolumeClaimRetentionPolicy and minReadySeconds (apps/v1 validation), so a new disk size, which lives in
// spec.volumeClaimTemplates, can only be carried out by replacing the object.

/** StatefulSet input paths whose change makes Pulumi replace the object instead of updating it. */
export const STATEFULSET_REPLACE_ON_CHANGES = ["spec.volumeClaimTemplates"] as const;

/**
 * The @pulumi/kubernetes annotation (provider 4.12 and later) that deletes an object with propagationPolicy=Orphan:
 * when the StatefulSet is replaced its pods keep running and its claims keep their data, and the new StatefulSet
 * (same name and selector) adopts them. Claims made before keep their size until expanded (docs/kafka.md).
 */
export const ORPHAN_DELETION_ANNOTATION = { "pulumi.com/deletionPropagationPolicy": "orphan" } as const;
