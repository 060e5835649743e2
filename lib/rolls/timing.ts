// How long a roll may take: the pod timings Kafka's StatefulSets are rendered with, and the Pulumi timeouts derived from
// them for the StatefulSets and the Kafka node pools. A timeout shorter than a healthy roll fails the update half way,
// and the rerun then shows no diff for the half-rolled region while the next one starts (docs/operations.md).
import type { KafkaRole } from "../kafka/topology";

/**
 * Grace period for a broker's controlled shutdown: it moves leadership of every partition it leads to other
 * brokers (over a WAN, with 72+ partitions) before exiting; a SIGKILL before that makes clients wait for leader
 * election timeouts instead.
 */
export const BROKER_TERMINATION_GRACE_SECONDS = 300;
/** Controllers only hand over quorum leadership. */
export const CONTROLLER_TERMINATION_GRACE_SECONDS = 120;
/**
 * A rolled broker counts as available this long after turning ready: two readiness periods. Readiness already means no
 * partition is under-replicated (lib/kafka/readiness); this only keeps a broker that turns ready and at once falls
 * behind again from letting the next one stop.
 */
export const BROKER_MIN_READY_SECONDS = 60;
export const CONTROLLER_MIN_READY_SECONDS = 30;
/**
 * Startup allowance: after an unclean stop a broker recovers every log segment before it opens a port, which on a
 * terabyte volume takes many minutes. Liveness and readiness only start once this probe has passed.
 */
export const STARTUP_PROBE = { periodSeconds: 10, failureThreshold: 180 } as const;

/**
 * Scheduling a replacement pod: its claim's volume detached from the old node and attached where the pod lands (the
 * same node in a rolling update, another one after a drain), the image present or pulled. Volume attachment alone
 * takes up to a few minutes on both clouds.
 */
export const POD_SCHEDULE_ALLOWANCE_SECONDS = 300;
/**
 * From an open port to ready: a broker turns ready once no partition is under-replicated, i.e. once it has fetched what
 * was written while it was down; a controller once it votes and is at most 100 records behind the leader
 * (lib/kafka/readiness.ts). Fifteen and five minutes are generous at the link rates the capacity model plans for; a
 * roll that needs longer is better stopped and looked at.
 */
export const BROKER_CATCH_UP_ALLOWANCE_SECONDS = 900;
export const CONTROLLER_CATCH_UP_ALLOWANCE_SECONDS = 300;
/**
 * A new node: created, booted, joined and its DaemonSets (CNI, CSI, kube-proxy) ready before pods can land on it. GKE and
 * EKS both take a few minutes; five is the upper end of what their docs and issue threads report.
 */
export const NODE_BOOT_ALLOWANCE_SECONDS = 300;

export interface PodTiming {
  terminationGraceSeconds: number;
  minReadySeconds: number;
  catchUpAllowanceSeconds: number;
}

export const POD_TIMING: Readonly<Record<KafkaRole, PodTiming>> = {
  broker: {
    terminationGraceSeconds: BROKER_TERMINATION_GRACE_SECONDS,
    minReadySeconds: BROKER_MIN_READY_SECONDS,
    catchUpAllowanceSeconds: BROKER_CATCH_UP_ALLOWANCE_SECONDS,
  },
  controller: {
    terminationGraceSeconds: CONTROLLER_TERMINATION_GRACE_SECONDS,
    minReadySeconds: CONTROLLER_MIN_READY_SECONDS,
    catchUpAllowanceSeconds: CONTROLLER_CATCH_UP_ALLOWANCE_SECONDS,
  },
};

/** The startup probe's limit: the longest a container may take to open its port before the kubelet restarts it. */
export const STARTUP_LIMIT_SECONDS = STARTUP_PROBE.periodSeconds * STARTUP_PROBE.failureThreshold;

/**
 * The longest one pod of a role may take to be replaced in a healthy roll: stop (grace period), schedule and attach,
 * start (startup probe limit: log recovery), catch up until ready, then `minReadySeconds` before the StatefulSet
 * controller moves on. The StatefulSet controller replaces one pod at a time (kubernetes
 * `pkg/controller/statefulset/stateful_set_control.go`), so a StatefulSet's roll is the sum over its pods.
 */
export function podReplacementSeconds(role: KafkaRole): number {
  const t = POD_TIMING[role];
  return t.terminationGraceSeconds + POD_SCHEDULE_ALLOWANCE_SECONDS + STARTUP_LIMIT_SECONDS + t.catchUpAllowanceSeconds + t.minReadySeconds;
}

/**
 * Timeout of a Kafka StatefulSet's create and update: every pod replaced once, one after another. pulumi-kubernetes
 * otherwise waits 10 minutes (`DefaultStatefulSetTimeoutMins`, provider/pkg/await/statefulset.go) and then fails the
 * update, leaving the later regions unrolled.
 */
export function statefulSetRollSeconds(role: KafkaRole, replicas: number): number {
  if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`replicas must be a positive integer (found ${replicas})`);
  return replicas * podReplacementSeconds(role);
}

/**
 * Timeout of a Kafka node pool's (or node group's) update: nodes are replaced one at a time (surge 1 / unavailable 0 on
 * GKE, `maxUnavailable` 1 on EKS); each needs a new node booted, then its Kafka pods evicted and back, ready and
 * caught up: the broker's replacement, the longer of the two roles (their budgets are separate, so a node's broker
 * and controller go together). The next node's drain waits for that through the brokers' PodDisruptionBudget. The
 * cloud reports the update done once the last old node is gone, without waiting for the pods it held to be ready
 * again (docs/operations.md, "What the order does not cover").
 */
export function nodePoolRollSeconds(nodes: number): number {
  if (!Number.isInteger(nodes) || nodes < 1) throw new Error(`nodes must be a positive integer (found ${nodes})`);
  return nodes * (NODE_BOOT_ALLOWANCE_SECONDS + podReplacementSeconds("broker"));
}

/** A Pulumi custom timeout (Go duration syntax) in whole minutes, rounded up. */
export function pulumiDuration(seconds: number): string {
  return `${Math.ceil(seconds / 60)}m`;
}

/** Seconds of a Pulumi custom timeout (`1h30m`, `90m`, `45s`); undefined for text that is not a duration. */
export function durationSeconds(text: string): number | undefined {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!match || text === "") return undefined;
  const [, h, m, s] = match;
  return Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
}

/** The create and update timeouts of one rolled resource: both cover a whole roll (a create starts every pod). */
export function rollTimeouts(seconds: number): { create: string; update: string } {
  const duration = pulumiDuration(seconds);
  return { create: duration, update: duration };
}
