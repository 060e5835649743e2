// The Kafka lab's reading of controller logs and quorum samples (lib/kafka-lab/quorum-history.ts), on lines of the
// form Kafka 4.1.2 writes.
import { describe, expect, it } from "vitest";
import { epochsWithTwoLeaders, leaderElections, promotionPath } from "../lib/kafka-lab/quorum-history";

/** A `Completed transition to Leader` line as KafkaRaftClient 4.1.2 logs it (voter states shortened). */
const elected = (id: number, epoch: number) =>
  `[2026-12-07 20:45:40,281] INFO [RaftManager id=${id}] Completed transition to Leader(localVoterNode=VoterNode(voterKey=` +
  `ReplicaKey(id=${id}, directoryId=cOP97oaoRE-vZqp26pMMnw), listeners=Endpoints(endpoints={ListenerName(CONTROLLER)=` +
  `127.0.0.1/<unresolved>:19090}), supportedKRaftVersion=SupportedVersionRange[min_version:0, max_version:1]), epoch=${epoch}, ` +
  `epochStartOffset=678, highWatermark=Optional.empty, voterStates={...}) from CandidateState(localId=${id}, ` +
  `localDirectoryId=cOP97oaoRE-vZqp26pMMnw, epoch=${epoch + 7}, epochElection=EpochElection(voterStates={}) (org.apache.kafka.raft.QuorumState)`;

describe("leaderElections / epochsWithTwoLeaders", () => {
  it("reads the leader's id and the new state's epoch, not the epoch of the state it left", () => {
    expect(leaderElections([elected(1000, 3), "unrelated", elected(1100, 4)])).toEqual([
      { leaderId: 1000, epoch: 3 },
      { leaderId: 1100, epoch: 4 },
    ]);
  });

  it("ignores attempts that did not complete", () => {
    expect(leaderElections([elected(1000, 3).replace("Completed transition", "Attempting durable transition")])).toEqual([]);
  });

  it("finds an epoch led by two controllers, and only that", () => {
    const lines = [elected(1000, 3), elected(1100, 4), elected(1200, 4), elected(1100, 4), elected(1000, 5)];
    expect(epochsWithTwoLeaders(leaderElections(lines))).toEqual([4]);
    expect(epochsWithTwoLeaders(leaderElections([elected(1000, 3), elected(1000, 3), elected(1100, 4)]))).toEqual([]);
  });
});

describe("promotionPath", () => {
  const NEW = "_SqN8gUUwaHk7vMMQSmdEg";
  const OLD = "XRkSEKymRz-QchVC3aJcmQ";
  const sample = (voters: Array<[number, string]>, observers: Array<[number, string]>) => ({
    voters: voters.map(([id, directoryId]) => ({ id, directoryId })),
    observers: observers.map(([id, directoryId]) => ({ id, directoryId })),
  });

  it("an observer first, then a voter with its new directory", () => {
    const samples = [sample([[1100, OLD]], []), sample([[1100, OLD]], [[1100, NEW]]), sample([[1100, NEW]], [[1100, OLD]])];
    expect(promotionPath(samples, 1100, NEW)).toEqual({ observerFirst: true, votingAt: 2 });
  });

  it("a voter with its new directory at once (formatted as an initial voter would keep its old id; this is a promotion never seen as an observer)", () => {
    expect(promotionPath([sample([[1100, NEW]], [])], 1100, NEW)).toEqual({ observerFirst: false, votingAt: 0 });
  });

  it("never promoted; another node's observer entry does not count", () => {
    expect(promotionPath([sample([[1100, OLD]], [[1200, NEW]])], 1100, NEW)).toEqual({ observerFirst: false, votingAt: null });
    expect(promotionPath([sample([[1100, OLD]], [[1100, NEW]])], 1100, NEW)).toEqual({ observerFirst: true, votingAt: null });
  });
});
