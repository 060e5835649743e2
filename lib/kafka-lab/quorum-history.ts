// What the controllers' own logs and the quorum's answers say about a wiped controller's return, for the Kafka lab's
// quorum checks and `figures.durability`: who led each epoch, and whether the controller was an observer before it
// voted again.

/** One `Completed transition to Leader(...)` line of a controller's log (KafkaRaftClient, Kafka 4.1.2). */
export interface LeaderElection {
  leaderId: number;
  epoch: number;
}

// `[RaftManager id=1100] Completed transition to Leader(localVoterNode=..., epoch=3, epochStartOffset=...` — the first
// `epoch=` after `Leader(` is the new leader's; the state it left (`from CandidateState(..., epoch=3, ...`) follows.
const LEADER_LINE = /\[RaftManager id=(\d+)\] Completed transition to Leader\(.*?, epoch=(\d+),/;

/** Every leader election a set of controller logs records. */
export function leaderElections(logLines: readonly string[]): LeaderElection[] {
  const out: LeaderElection[] = [];
  for (const line of logLines) {
    const m = LEADER_LINE.exec(line);
    if (m) out.push({ leaderId: Number(m[1]), epoch: Number(m[2]) });
  }
  return out;
}

/** Epochs that more than one controller says it led: Raft's safety property broken. Sorted, each once. */
export function epochsWithTwoLeaders(elections: readonly LeaderElection[]): number[] {
  const leaders = new Map<number, Set<number>>();
  for (const e of elections) leaders.set(e.epoch, (leaders.get(e.epoch) ?? new Set()).add(e.leaderId));
  return [...leaders]
    .filter(([, ids]) => ids.size > 1)
    .map(([epoch]) => epoch)
    .sort((a, b) => a - b);
}

/** One answer of `describe --status` as the lab client gives it, reduced to what the promotion check needs. */
export interface QuorumSample {
  voters: ReadonlyArray<{ id: number; directoryId: string }>;
  observers: ReadonlyArray<{ id: number; directoryId: string }>;
}

/**
 * How a controller that came back with directory `directoryId` moved through the quorum, from samples in time order:
 * `observerFirst` when it was seen as an observer before any sample shows it voting and it never voted before that,
 * `votingAt` the index of the first sample in which it votes (null: never).
 */
export function promotionPath(
  samples: readonly QuorumSample[],
  nodeId: number,
  directoryId: string,
): { observerFirst: boolean; votingAt: number | null } {
  let observed = false;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    if (s.voters.some((v) => v.id === nodeId && v.directoryId === directoryId)) return { observerFirst: observed, votingAt: i };
    if (s.observers.some((o) => o.id === nodeId && o.directoryId === directoryId)) observed = true;
  }
  return { observerFirst: observed, votingAt: null };
}
