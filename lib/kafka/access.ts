// Declared access applied in the cluster: the ACL bindings a user's declaration stands for, and the script of the
// access Job that makes Kafka's topics, SCRAM users, quotas and ACLs what the stack file declares. The script runs
// Kafka's own tools from the apache/kafka image, so the Pulumi runner never needs to reach a broker, and it is
// rendered in full into a ConfigMap: the plan diff shows every declared change.
import type { AclSpec, KafkaTopicSpec, KafkaUserSpec, QuotaSpec } from "./access-types";
import { CLUSTER_RESOURCE_NAME } from "./access-types";
import { SCRAM_ITERATIONS, SCRAM_MECHANISM } from "./scram";

/** Files of the access Job: the script (ConfigMap) and its credentials (Secret). */
export const ACCESS_FILES = {
  /** The ConfigMap's mount; the Secret's is its sibling, not below it (a mount point inside a read-only volume). */
  dir: "/etc/kafka-access/script",
  script: "apply.sh",
  toolsLog4j: "tools-log4j2.yaml",
  secretDir: "/etc/kafka-access/secret",
  adminProperties: "admin.properties",
  caCert: "ca.crt",
  /** Per user: `SCRAM-SHA-512=iterations=...,password=...`, read by `kafka-configs.sh --add-config-file`. */
  scram: (user: string) => `scram-${user}`,
} as const;

/**
 * The compacted topic where the Job records what it manages (`topic:<name> <deletionPolicy>`, `user:<name> managed`,
 * `removed` once released): a topic or user that leaves the stack file is then recognised as one this Job made, and a
 * topic's deletion policy outlives its declaration. Reserved: no declared topic may take the name.
 */
export const ACCESS_STATE_TOPIC = "geo-kafka.access-state";

/** Kafka's names for what the stack file writes in camel case. */
const RESOURCE_TYPE: Record<AclSpec["resourceType"], string> = {
  topic: "TOPIC",
  group: "GROUP",
  cluster: "CLUSTER",
  transactionalId: "TRANSACTIONAL_ID",
};
const OPERATION: Record<AclSpec["operations"][number], string> = {
  all: "ALL",
  read: "READ",
  write: "WRITE",
  create: "CREATE",
  delete: "DELETE",
  alter: "ALTER",
  describe: "DESCRIBE",
  clusterAction: "CLUSTER_ACTION",
  describeConfigs: "DESCRIBE_CONFIGS",
  alterConfigs: "ALTER_CONFIGS",
  idempotentWrite: "IDEMPOTENT_WRITE",
};
const QUOTA_KEYS: Record<keyof QuotaSpec, string> = {
  producerByteRate: "producer_byte_rate",
  consumerByteRate: "consumer_byte_rate",
  requestPercentage: "request_percentage",
};

/**
 * One ACL binding in the form `kafka-acls.sh --list` prints it, joined by `|`:
 * `TOPIC|orders|LITERAL|User:orders-service|*|WRITE|ALLOW`. Names are limited to characters without `|` (checks).
 */
export function aclBindings(user: Pick<KafkaUserSpec, "name" | "acls">): string[] {
  const out = new Set<string>();
  for (const acl of user.acls) {
    const name = acl.resourceType === "cluster" ? CLUSTER_RESOURCE_NAME : acl.name;
    for (const op of acl.operations) {
      out.add(
        [
          RESOURCE_TYPE[acl.resourceType],
          name,
          acl.patternType.toUpperCase(),
          `User:${user.name}`,
          acl.host,
          OPERATION[op],
          acl.permission.toUpperCase(),
        ].join("|"),
      );
    }
  }
  return [...out].sort();
}

/** `key=value` quota settings of a user, in Kafka's names, sorted. */
export function quotaSettings(quotas: QuotaSpec): string[] {
  return (Object.keys(QUOTA_KEYS) as Array<keyof QuotaSpec>)
    .filter((k) => quotas[k] !== undefined)
    .map((k) => `${QUOTA_KEYS[k]}=${quotas[k]}`)
    .sort();
}

/** The file `kafka-configs.sh --add-config-file` reads to set a SCRAM credential (plain properties, no brackets). */
export function scramConfigFile(password: string, iterations: number = SCRAM_ITERATIONS): string {
  if (/[\s,]/.test(password)) throw new Error("a SCRAM password for kafka-configs.sh may not hold white space or commas");
  return `${SCRAM_MECHANISM}=iterations=${iterations},password=${password}\n`;
}

/** Single-quoted for POSIX sh. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface AccessScriptInput {
  /** Every broker's CLIENT listener address, `host:port`, joined by commas. */
  bootstrapServers: string;
  topics: readonly KafkaTopicSpec[];
  /** Replication factor of a topic that does not give its own. */
  defaultReplicationFactor: number;
  /** min.insync.replicas of the Job's own state topic. */
  minInsyncReplicas: number;
  users: readonly Pick<KafkaUserSpec, "name" | "acls" | "quotas">[];
  /** Kafka installation. Default `/opt/kafka` (apache/kafka image). */
  kafkaHome?: string;
  /** Where the ConfigMap and the Secret are mounted. Defaults ACCESS_FILES.dir and ACCESS_FILES.secretDir. */
  configDir?: string;
  secretDir?: string;
}

/** JVM settings of the Job's tools: each runs once, so the client compiler only and a small heap. */
export const ACCESS_TOOL_JVM = {
  heapOpts: "-Xms64m -Xmx256m",
  performanceOpts: "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true",
} as const;

/**
 * The access Job's script (POSIX sh: busybox ash in the image). Reads what Kafka has, then for each declared topic
 * creates it or grows its partitions and sets its configs, refusing a shrink or a replication-factor change; sets each
 * declared user's SCRAM credential and quotas; makes the ACLs of managed users exactly the declared ones; releases
 * what left the stack file (a topic is deleted only if its recorded policy says `delete`; a user loses its
 * credential, quotas and ACLs). Idempotent: a second run changes nothing but the users' credential salts. On a
 * failure it prints Kafka's error and exits 1, which fails the Job and with it `pulumi up`.
 */
export function renderAccessScript(input: AccessScriptInput): string {
  const home = input.kafkaHome ?? "/opt/kafka";
  const configDir = input.configDir ?? ACCESS_FILES.dir;
  const secretDir = input.secretDir ?? ACCESS_FILES.secretDir;
  const topicLines = input.topics.map((t) => {
    const rf = t.replicationFactor ?? input.defaultReplicationFactor;
    const configs = Object.keys(t.config)
      .sort()
      .map((k) => shellQuote(`${k}=${t.config[k]}`));
    return `apply_topic ${shellQuote(t.name)} ${t.partitions} ${rf} ${t.deletionPolicy}${configs.length > 0 ? ` ${configs.join(" ")}` : ""}`;
  });
  const userLines = input.users.map((u) => {
    const quotas = quotaSettings(u.quotas);
    return `apply_user ${shellQuote(u.name)}${quotas.length > 0 ? ` ${quotas.map(shellQuote).join(" ")}` : ""}`;
  });
  const desiredAcls = input.users.flatMap(aclBindings).sort();
  return `#!/bin/sh
# geo-kafka access Job (lib/kafka/access.ts). Rendered, not edited by hand: it makes Kafka's topics, users, quotas
# and ACLs what the stack file declares (kafka.topics, kafka.users).
set -eu
bin=${home}/bin
admin=${secretDir}/${ACCESS_FILES.adminProperties}
secrets=${secretDir}
bootstrap=${shellQuote(input.bootstrapServers)}
state_topic=${ACCESS_STATE_TOPIC}
export KAFKA_OPTS="" KAFKA_GC_LOG_OPTS="" KAFKA_HEAP_OPTS="${ACCESS_TOOL_JVM.heapOpts}"
export KAFKA_JVM_PERFORMANCE_OPTS="${ACCESS_TOOL_JVM.performanceOpts}"
export KAFKA_LOG4J_OPTS="-Dlog4j2.configurationFile=${configDir}/${ACCESS_FILES.toolsLog4j}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
: >"$work/record"
changes=0

say() { echo "geo-kafka access: $*"; }

# kafka WHAT TOOL ARGS...: runs one of Kafka's tools against the cluster, its stdin $input (default none, so loops
# keep theirs). On a failure: what it was doing and Kafka's own error lines, then exit 1.
kafka() {
  what="$1"
  tool="$2"
  shift 2
  attempt=1
  while :; do
    if "$bin/$tool" --bootstrap-server "$bootstrap" "$@" <"\${input:-/dev/null}" >"$work/out" 2>"$work/err" &&
      ! grep -q -e '^Invalid ' -e 'Error while executing' "$work/out" "$work/err"; then
      return 0
    fi
    # A timed-out or cut request is tried twice more (every step is safe to repeat); Kafka's refusals are final.
    if [ "$attempt" -ge 3 ] || ! grep -q -e 'TimeoutException' -e 'DisconnectException' "$work/out" "$work/err"; then
      say "FAILED: $what"
      cat "$work/err" "$work/out" | grep -v '^[[:space:]]*at ' | tail -n 15
      exit 1
    fi
    say "retrying ($attempt): $what: $(grep -h -o -m 1 -e '[A-Za-z]*TimeoutException[^(]*' -e 'DisconnectException[^(]*' "$work/err" "$work/out" | head -n 1)"
    attempt=$((attempt + 1))
    sleep 5
  done
}

# ---- what Kafka has ----------------------------------------------------------------------------------------------
kafka "describe topics" kafka-topics.sh --command-config "$admin" --describe --exclude-internal
awk -F '\\t' '/^Topic: .*PartitionCount:/ {
  n = ""; p = ""; r = ""
  for (i = 1; i <= NF; i++) {
    if ($i ~ /^Topic: /) n = substr($i, 8)
    if ($i ~ /^PartitionCount: /) p = substr($i, 17)
    if ($i ~ /^ReplicationFactor: /) r = substr($i, 20)
  }
  print n, p, r
}' "$work/out" >"$work/topics"
if ! awk -v t="$state_topic" '$1 == t { found = 1 } END { exit !found }' "$work/topics"; then
  kafka "create the state topic $state_topic" kafka-topics.sh --command-config "$admin" --create --if-not-exists \\
    --topic "$state_topic" --partitions 1 --config cleanup.policy=compact --config min.insync.replicas=${input.minInsyncReplicas}
  : >"$work/state"
else
  kafka "read the state topic" kafka-console-consumer.sh --consumer.config "$admin" --topic "$state_topic" --partition 0 \\
    --offset earliest --timeout-ms 5000 --property print.key=true --property key.separator=' '
  # The last record per key: "topic:<name> <policy>", "user:<name> managed", or "... removed".
  awk 'NF == 2 { v[$1] = $2 } END { for (k in v) if (v[k] != "removed") print k, v[k] }' "$work/out" | sort >"$work/state"
fi
kafka "describe topic configs" kafka-configs.sh --command-config "$admin" --describe --entity-type topics
awk '/^Dynamic configs for topic / { t = $5; next }
  /^  [^ ]+=/ && t != "" { sub(/^  /, ""); sub(/ sensitive=.*$/, ""); print t, $0 }' "$work/out" >"$work/topic-configs"
kafka "describe users" kafka-configs.sh --command-config "$admin" --describe --entity-type users
# "Quota configs for user-principal 'NAME' are k=v, k=v": Kafka prints rates as doubles (1048576.0).
awk '/^Quota configs for user-principal / {
  u = substr($5, 2, length($5) - 2); line = $0; sub(/^.* are /, "", line); n = split(line, kv, ", ")
  for (i = 1; i <= n; i++) { split(kv[i], p, "="); v = p[2]; sub(/\\.0$/, "", v); print u, p[1] "=" v }
}' "$work/out" >"$work/quotas"
kafka "list ACLs" kafka-acls.sh --command-config "$admin" --list
awk '/^Current ACLs for resource / {
  r = $0; sub(/^.*resourceType=/, "", r); type = r; sub(/,.*$/, "", type)
  name = r; sub(/^.* name=/, "", name); sub(/, patternType=.*$/, "", name)
  pat = r; sub(/^.*patternType=/, "", pat); sub(/\\).*$/, "", pat); next }
  /^[[:space:]]*\\(principal=/ {
  a = $0; sub(/^[[:space:]]*\\(/, "", a); sub(/\\)[[:space:]]*$/, "", a); n = split(a, kv, ", ")
  for (i = 1; i <= n; i++) { split(kv[i], p, "="); f[p[1]] = substr(kv[i], length(p[1]) + 2) }
  print type "|" name "|" pat "|" f["principal"] "|" f["host"] "|" f["operation"] "|" f["permissionType"] }' "$work/out" | sort >"$work/acls"

record() { echo "$1 $2" >>"$work/record"; }
# minus A B: the lines of file A that are not in file B.
# (By file name, not NR == FNR, which an empty B would turn into "every line of A is in B".)
minus() { awk -v b="$2" 'FILENAME == b { s[$0] = 1; next } !($0 in s)' "$2" "$1"; }
# joined FILE: its lines joined by commas.
joined() { awk '{ printf "%s%s", (NR > 1 ? "," : ""), $0 }' "$1"; }
state_of() { awk -v k="$1" '$1 == k { print $2 }' "$work/state"; }

# wanted KEY=VALUE...: the declared configs of one entity, sorted, into $work/want.
wanted() {
  : >"$work/want"
  for kv in "$@"; do echo "$kv" >>"$work/want"; done
  sort -o "$work/want" "$work/want"
}
# set_configs WHAT TYPE NAME: one kafka-configs.sh call that makes the entity's configs $work/want, removing the keys
# of $work/have that are not wanted; a value holding commas is bracketed, as kafka-configs.sh reads lists. Leaves
# $add and $delete for the caller's message.
set_configs() {
  what="$1"; type="$2"; entity="$3"
  add=""; delete=""
  while IFS= read -r kv; do
    value="\${kv#*=}"
    case "$value" in *,*) kv="\${kv%%=*}=[$value]" ;; esac
    add="\${add:+$add,}$kv"
  done <"$work/want"
  for key in $(sed 's/=.*$//' "$work/have"); do
    grep -q "^$key=" "$work/want" || delete="\${delete:+$delete,}$key"
  done
  set --
  [ -z "$add" ] || set -- "$@" --add-config "$add"
  [ -z "$delete" ] || set -- "$@" --delete-config "$delete"
  kafka "$what" kafka-configs.sh --command-config "$admin" --alter --entity-type "$type" --entity-name "$entity" "$@"
  changes=$((changes + 1))
}

# ---- topics ------------------------------------------------------------------------------------------------------
: >"$work/declared-topics"
# apply_topic NAME PARTITIONS RF POLICY [key=value]...
apply_topic() {
  name="$1"; partitions="$2"; rf="$3"; policy="$4"
  shift 4
  echo "$name" >>"$work/declared-topics"
  [ "$(state_of "topic:$name")" = "$policy" ] || record "topic:$name" "$policy"
  current="$(awk -v t="$name" '$1 == t { print $2, $3 }' "$work/topics")"
  if [ -z "$current" ]; then
    configs=""
    for kv in "$@"; do configs="$configs --config $kv"; done
    # shellcheck disable=SC2086
    kafka "create topic $name" kafka-topics.sh --command-config "$admin" --create --if-not-exists --topic "$name" \\
      --partitions "$partitions" --replication-factor "$rf" $configs
    say "topic $name: created ($partitions partitions, replication factor $rf)"
    changes=$((changes + 1))
    return
  fi
  have_partitions="\${current% *}"; have_rf="\${current#* }"
  if [ "$have_rf" != "$rf" ]; then
    say "FAILED: topic $name has replication factor $have_rf; the stack file declares $rf. A replication factor changes by a partition reassignment (kafka-reassign-partitions.sh), not by this Job"
    exit 1
  fi
  if [ "$have_partitions" -gt "$partitions" ]; then
    say "FAILED: topic $name has $have_partitions partitions; the stack file declares $partitions. Kafka cannot remove partitions: declare $have_partitions or more"
    exit 1
  fi
  if [ "$have_partitions" -lt "$partitions" ]; then
    kafka "grow topic $name to $partitions partitions" kafka-topics.sh --command-config "$admin" --alter --topic "$name" --partitions "$partitions"
    say "topic $name: $have_partitions -> $partitions partitions"
    changes=$((changes + 1))
  fi
  awk -v t="$name" '$1 == t { print substr($0, length(t) + 2) }' "$work/topic-configs" | sort >"$work/have"
  wanted "$@"
  if ! cmp -s "$work/have" "$work/want"; then
    set_configs "set configs of topic $name" topics "$name"
    say "topic $name: configs set (\${add:-none}; removed: \${delete:-none})"
  fi
}

# ---- users -------------------------------------------------------------------------------------------------------
: >"$work/declared-users"
# apply_user NAME [quota=value]...
apply_user() {
  name="$1"
  shift
  echo "$name" >>"$work/declared-users"
  [ "$(state_of "user:$name")" = "managed" ] || record "user:$name" managed
  kafka "set the SCRAM credential of user $name" kafka-configs.sh --command-config "$admin" --alter --entity-type users \\
    --entity-name "$name" --add-config-file "$secrets/scram-$name"
  awk -v u="$name" '$1 == u { print $2 }' "$work/quotas" | sort >"$work/have"
  wanted "$@"
  if ! cmp -s "$work/have" "$work/want"; then
    set_configs "set quotas of user $name" users "$name"
    say "user $name: quotas \${add:-none} (removed: \${delete:-none})"
  fi
}

${topicLines.length > 0 ? topicLines.join("\n") : ": no declared topics"}
${userLines.length > 0 ? userLines.join("\n") : ": no declared users"}

# ---- ACLs of managed users: exactly the declared ones ------------------------------------------------------------
cat >"$work/acls.want" <<'GEO_KAFKA_ACLS'
${desiredAcls.join("\n")}
GEO_KAFKA_ACLS
sed -i '/^$/d' "$work/acls.want"
sort -o "$work/acls.want" "$work/acls.want"
awk '$1 ~ /^user:/ { sub(/^user:/, "", $1); print "User:" $1 }' "$work/state" >"$work/principals"
sed 's/^/User:/' "$work/declared-users" >>"$work/principals"
sort -u -o "$work/principals" "$work/principals"
awk -F '|' -v p="$work/principals" 'FILENAME == p { m[$0] = 1; next } ($4 in m)' "$work/principals" "$work/acls" >"$work/acls.have"
# acl ACTION TYPE NAME PATTERN PRINCIPAL HOST PERMISSION OPERATIONS: one kafka-acls.sh call for the comma-separated
# operations one principal has on one resource pattern.
acl() {
  action="$1"; type="$2"; name="$3"; pattern="$4"; principal="$5"; host="$6"; permission="$7"; operations="$8"
  case "$type" in
    TOPIC) resource="--topic" ;; GROUP) resource="--group" ;; TRANSACTIONAL_ID) resource="--transactional-id" ;; CLUSTER) resource="--cluster" ;;
    *) say "FAILED: unknown resource type $type"; exit 1 ;;
  esac
  if [ "$permission" = "DENY" ]; then who="--deny-principal"; where="--deny-host"; else who="--allow-principal"; where="--allow-host"; fi
  if [ "$type" = "CLUSTER" ]; then set -- "$resource"; else set -- "$resource" "$name"; fi
  [ "$action" = "--remove" ] && set -- "$@" --force
  for operation in $(echo "$operations" | tr ',' ' '); do
    # kafka-acls.sh takes two-word operations in camel case (it lists them in upper snake case).
    case "$operation" in
      CLUSTER_ACTION) op=ClusterAction ;; DESCRIBE_CONFIGS) op=DescribeConfigs ;; ALTER_CONFIGS) op=AlterConfigs ;;
      IDEMPOTENT_WRITE) op=IdempotentWrite ;; *) op="$operation" ;;
    esac
    set -- "$@" --operation "$op"
  done
  kafka "$action ACL $type:$name $principal $operations $permission" kafka-acls.sh --command-config "$admin" "$action" \
    --resource-pattern-type "$pattern" "$who" "$principal" "$where" "$host" "$@"
  say "ACL \${action#--} $principal $permission $operations on $type $name ($pattern, host $host)"
  changes=$((changes + 1))
}
# Bindings grouped per principal and resource pattern: TYPE|NAME|PATTERN|PRINCIPAL|HOST|PERMISSION|OP,OP
grouped() {
  awk -F '|' '{ k = $1 "|" $2 "|" $3 "|" $4 "|" $5 "|" $7; if (k in ops) ops[k] = ops[k] "," $6; else ops[k] = $6 }
    END { for (k in ops) print k "|" ops[k] }' "$1" | sort
}
minus "$work/acls.have" "$work/acls.want" >"$work/acls.remove"
minus "$work/acls.want" "$work/acls.have" >"$work/acls.add"
grouped "$work/acls.remove" >"$work/acls.remove.grouped"
grouped "$work/acls.add" >"$work/acls.add.grouped"
while IFS='|' read -r type name pattern principal host permission operations; do
  acl --remove "$type" "$name" "$pattern" "$principal" "$host" "$permission" "$operations"
done <"$work/acls.remove.grouped"
while IFS='|' read -r type name pattern principal host permission operations; do
  acl --add "$type" "$name" "$pattern" "$principal" "$host" "$permission" "$operations"
done <"$work/acls.add.grouped"

# ---- what left the stack file ------------------------------------------------------------------------------------
while read -r key value; do
  kind="\${key%%:*}"; name="\${key#*:}"
  case "$kind" in
    topic)
      grep -qxF "$name" "$work/declared-topics" && continue
      if [ "$value" = "delete" ] && awk -v t="$name" '$1 == t { found = 1 } END { exit !found }' "$work/topics"; then
        kafka "delete topic $name" kafka-topics.sh --command-config "$admin" --delete --topic "$name"
        say "topic $name: deleted (it left the stack file with deletionPolicy delete)"
        changes=$((changes + 1))
      else
        say "WARNING: topic $name left the stack file and is kept with its data (deletionPolicy $value); no longer managed"
      fi
      record "topic:$name" removed
      ;;
    user)
      grep -qxF "$name" "$work/declared-users" && continue
      kafka "delete the SCRAM credential of user $name" kafka-configs.sh --command-config "$admin" --alter --entity-type users \\
        --entity-name "$name" --delete-config ${SCRAM_MECHANISM}
      awk -v u="$name" '$1 == u { sub(/=.*$/, "", $2); print $2 }' "$work/quotas" >"$work/have"
      delete="$(joined "$work/have")"
      [ -z "$delete" ] || kafka "delete quotas of user $name" kafka-configs.sh --command-config "$admin" --alter \\
        --entity-type users --entity-name "$name" --delete-config "$delete"
      say "user $name: credential, quotas and ACLs removed (it left the stack file)"
      record "user:$name" removed
      changes=$((changes + 1))
      ;;
  esac
done <"$work/state"

if [ -s "$work/record" ]; then
  input="$work/record" kafka "write the state topic" kafka-console-producer.sh --producer.config "$admin" \\
    --topic "$state_topic" --property parse.key=true --property key.separator=' ' --producer-property acks=all
fi
say "done: $changes change(s)"
`;
}
