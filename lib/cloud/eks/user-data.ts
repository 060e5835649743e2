// EC2 user data for EKS managed nodes on Amazon Linux 2023: a MIME multi-part document with a nodeadm
// NodeConfig part and a shell part that raises kernel limits before kubelet starts.
//
// Managed node groups merge this document with the NodeConfig that joins the node to its cluster, so it carries
// no cluster details. Shell parts run in cloud-init's final stage, and AL2023's nodeadm-run.service (which
// starts kubelet) is ordered after cloud-final.service: no pod is scheduled before the sysctls are in place.
import { SOCKET_BUFFER_SYSCTL_KEYS } from "../../node-pools";
import { NodeSysctls } from "../../socket-buffers";

/** Open files per container on Kafka nodes (segments, index files, sockets); AL2023's default soft limit is 65536. */
export const KAFKA_NOFILE_LIMIT = 1_048_576;

export const USER_DATA_BOUNDARY = "GEOKAFKA-BOUNDARY";
/** Where the shell part writes the limits so a reboot applies them again. */
export const SYSCTL_CONF_PATH = "/etc/sysctl.d/99-zz-geo-kafka.conf";
/** Marks the list of wanted sysctls inside the shell part (a quoted here-document). */
export const SYSCTL_HEREDOC = "GEOKAFKA_SYSCTLS";

/** One kernel setting, in the order it is applied. */
export interface Sysctl {
  key: string;
  /** Space-separated fields; for triplets such as tcp_rmem the last field is the maximum. */
  value: string;
}

export interface NodeUserData {
  /** Kernel settings to raise (never lower) at boot. */
  sysctls: readonly Sysctl[];
  /** RLIMIT_NOFILE (soft = hard) for every container on the node; omitted: AL2023's default. */
  nofileLimit?: number;
}

/** Kernel settings from a key-value map, in the map's order. */
export function sysctlList(sysctls: Readonly<Record<string, string>>): Sysctl[] {
  return Object.entries(sysctls).map(([key, value]) => ({ key, value }));
}

/** The socket-buffer sysctls computed from the worst path, in a fixed order. */
export function socketBufferSysctls(sysctls: NodeSysctls): Sysctl[] {
  return SOCKET_BUFFER_SYSCTL_KEYS.map((key) => ({ key, value: sysctls[key] }));
}

/**
 * Path MTU safety on every node: pods already stay at the peering's 8500 bytes (lib/cloud/eks/eks.ts), and TCP probes the
 * path MTU (RFC 4821) when segments go unacknowledged, so a smaller hop that drops without an ICMP "fragmentation
 * needed" slows a connection down instead of stalling it. Linux's default is 0 (off).
 */
export const PATH_MTU_SYSCTLS: readonly Sysctl[] = [{ key: "net.ipv4.tcp_mtu_probing", value: "1" }];

function nodeConfigPart(nofileLimit: number): string {
  return [
    "Content-Type: application/node.eks.aws",
    "",
    "---",
    "apiVersion: node.eks.aws/v1alpha1",
    "kind: NodeConfig",
    "spec:",
    "  containerd:",
    "    baseRuntimeSpec:",
    "      process:",
    "        rlimits:",
    "          - type: RLIMIT_NOFILE",
    `            soft: ${nofileLimit}`,
    `            hard: ${nofileLimit}`,
  ].join("\n");
}

function sysctlScriptPart(sysctls: readonly Sysctl[]): string {
  for (const { key, value } of sysctls) {
    if (!/^[a-z0-9_.]+$/.test(key) || !/^\d+( \d+)*$/.test(value)) throw new Error(`refusing to render sysctl ${key}=${value}`);
  }
  return [
    'Content-Type: text/x-shellscript; charset="us-ascii"',
    "",
    "#!/bin/bash",
    "# geo-kafka: raise kernel limits before kubelet starts; never lower one the AMI already set higher.",
    "set -euo pipefail",
    `conf=${SYSCTL_CONF_PATH}`,
    ': > "$conf"',
    "while read -r key wanted; do",
    '  current="$(sysctl -n "$key" | xargs)"',
    '  value="$wanted"',
    "  # Compare the last field: the value itself, or the maximum of a min/default/max triplet.",
    '  if [ "${current##* }" -gt "${wanted##* }" ]; then value="$current"; fi',
    '  echo "$key = $value" >> "$conf"',
    `done <<'${SYSCTL_HEREDOC}'`,
    ...sysctls.map(({ key, value }) => `${key} ${value}`),
    SYSCTL_HEREDOC,
    'sysctl -p "$conf"',
  ].join("\n");
}

/** The user data as text: the MIME multi-part archive the EKS launch-template guide asks for. */
export function renderNodeUserData(input: NodeUserData): string {
  const parts: string[] = [];
  if (input.nofileLimit !== undefined) parts.push(nodeConfigPart(input.nofileLimit));
  if (input.sysctls.length > 0) parts.push(sysctlScriptPart(input.sysctls));
  if (parts.length === 0) throw new Error("node user data needs at least one part");
  const lines = ["MIME-Version: 1.0", `Content-Type: multipart/mixed; boundary="${USER_DATA_BOUNDARY}"`, ""];
  for (const part of parts) lines.push(`--${USER_DATA_BOUNDARY}`, part, "");
  lines.push(`--${USER_DATA_BOUNDARY}--`, "");
  return lines.join("\n");
}

/** Launch templates take user data base64-encoded. */
export function encodeUserData(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}
