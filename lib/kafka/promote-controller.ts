// The promotion of a controller that formatted as an observer (lib/kafka/start-script): once its new, empty-at-start
// log has caught up with the quorum, it replaces the voter entry its lost volume left behind (same node id, old
// directory id) by its own. Kafka 4.2 does this itself (`controller.quorum.auto.join.enable`, KAFKA-19078); 4.1 does
// not, and its add-controller is refused (DuplicateVoterException) while the old entry is in the set, so the old one
// is removed first. Rendered as text into the controllers' ConfigMap, run by the start script beside the server.
import { PodScriptOptions, podToolEnv } from "./pod-tools";
import { PATHS } from "./properties";
import { CONFIG_FILES, KAFKA_HOME, START_ENV } from "./start-script";

/**
 * Largest lag, in metadata records behind the leader's high watermark, at which the observer counts as caught up. A
 * caught-up controller lags by the few records written since its last fetch (heartbeats write none); the voter set
 * shrinks to two between remove-controller and add-controller, so that window must not wait for a long catch-up.
 */
export const PROMOTION_MAX_LAG_RECORDS = 100;

/** Seconds between attempts: a JVM start and two quorum requests each, so not much more often. */
export const PROMOTION_INTERVAL_SECONDS = 20;

/**
 * The promotion script (POSIX sh, busybox ash in the image). Arguments: seconds between attempts (default
 * PROMOTION_INTERVAL_SECONDS) and the most attempts (default 0: until promoted). While the pending file the start script
 * wrote beside the log directory exists, each attempt:
 * 1. reads the voter set (`describe --status`): if it holds this node id with this directory id, the node votes:
 *    delete the pending file and stop;
 * 2. reads this node's lag as an observer (`describe --replication`): more than PROMOTION_MAX_LAG_RECORDS, wait;
 * 3. removes the voter entry with this node id and any other directory id: the lost volume's, which can never fetch
 *    again (its directory is gone);
 * 4. adds this node (`add-controller` with the node's own settings and the client's, which the start script joined).
 * A failed step waits for the next attempt; nothing is removed before this node has caught up.
 */
export function renderPromotionScript(options: PodScriptOptions = {}): string {
  const home = options.kafkaHome ?? KAFKA_HOME;
  const configDir = options.configDir ?? PATHS.config;
  return `#!/bin/sh
# geo-kafka controller promotion (lib/kafka/promote-controller.ts). Rendered, not edited by hand.
set -u
interval="\${1:-${PROMOTION_INTERVAL_SECONDS}}"
limit="\${2:-0}"
pod="\${${START_ENV.podName}:-\${HOSTNAME}}"
config="${configDir}/server-\${pod##*-}.properties"
prop() { sed -n "s/^$1=//p" "$config"; }
node_id="$(prop node.id)"
logdir="$(prop metadata.log.dir)"
state="$(dirname "$logdir")"
pending="$state/${CONFIG_FILES.promotionPending}"
controllers="$(prop controller.quorum.bootstrap.servers)"
say() { echo "geo-kafka promote: $*" >&2; }
# kafka-metadata-quorum.sh against the controllers, with the client settings in $1.
quorum() {
  settings="$1"
  shift
  ${podToolEnv(`${configDir}/${CONFIG_FILES.toolsLog4j}`)} \\
    "${home}/bin/kafka-metadata-quorum.sh" --bootstrap-controller "$controllers" --command-config "$settings" "$@"
}
attempt=0
while [ -f "$pending" ]; do
  if [ "$limit" -gt 0 ] && [ "$attempt" -ge "$limit" ]; then
    say "controller $node_id is still no voter after $attempt attempts"
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep "$interval"
  dir="$(sed -n 's/^directory.id=//p' "$logdir/meta.properties")"
  if ! status="$(quorum "${configDir}/${CONFIG_FILES.clientProperties}" describe --status)"; then
    say "no answer from the quorum; trying again in $interval s"
    continue
  fi
  # This node id's voter entries, one per line: {"id": N, "directoryId": "...", "endpoints": [...]
  mine="$(printf '%s\\n' "$status" | sed -n 's/^CurrentVoters:[[:space:]]*//p' | tr '}' '\\n' | grep "\\"id\\": $node_id," || true)"
  if printf '%s\\n' "$mine" | grep -q "\\"directoryId\\": \\"$dir\\""; then
    rm -f "$pending"
    say "controller $node_id votes with directory $dir"
    exit 0
  fi
  lag="$(quorum "${configDir}/${CONFIG_FILES.clientProperties}" describe --replication |
    awk -v id="$node_id" -v dir="$dir" '$1 == id && $2 == dir { print $4 }')"
  case "$lag" in
    "" | *[!0-9]*)
      say "controller $node_id (directory $dir) is not yet followed by the leader; trying again in $interval s"
      continue
      ;;
  esac
  if [ "$lag" -gt ${PROMOTION_MAX_LAG_RECORDS} ]; then
    say "controller $node_id is $lag records behind; trying again in $interval s"
    continue
  fi
  stale="$(printf '%s\\n' "$mine" | sed -n 's/.*"directoryId": "\\([^"]*\\)".*/\\1/p' | head -n 1)"
  if [ -n "$stale" ]; then
    say "removing the voter entry of controller $node_id's lost directory $stale"
    quorum "${configDir}/${CONFIG_FILES.clientProperties}" remove-controller --controller-id "$node_id" --controller-directory-id "$stale" >&2 || continue
  fi
  say "adding controller $node_id with directory $dir"
  quorum "$state/${CONFIG_FILES.addController}" add-controller >&2 || continue
done
`;
}
