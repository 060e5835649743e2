// AL2023 node user data: the rendered MIME document, the values it asks for, and the shell part run for real
// against a fake `sysctl` (it must raise limits and never lower one the AMI set higher).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  KAFKA_NOFILE_LIMIT,
  SYSCTL_CONF_PATH,
  USER_DATA_BOUNDARY,
  encodeUserData,
  renderNodeUserData,
  socketBufferSysctls,
  sysctlList,
} from "../lib/cloud/eks/user-data";
import { KAFKA_VM_MAX_MAP_COUNT, kafkaNodeSysctls } from "../lib/node-pools";
import { planSocketBuffers } from "../lib/socket-buffers";
import { parseMultipart, wantedSysctls } from "./eks-helpers";

/** The eks example's links: the worst BDP is us-east-1 <-> us-west-2 at 67 ms, capped at 5 Gbit/s per flow. */
const buffers = planSocketBuffers([
  { a: "us-east-1", b: "us-east-2", rttMs: 12, bandwidthBytesPerSecond: 1.25e9, perFlowCapBytesPerSecond: 625e6 },
  { a: "us-east-1", b: "us-west-2", rttMs: 67, bandwidthBytesPerSecond: 1.25e9, perFlowCapBytesPerSecond: 625e6 },
  { a: "us-east-2", b: "us-west-2", rttMs: 50, bandwidthBytesPerSecond: 1.25e9, perFlowCapBytesPerSecond: 625e6 },
]);
const kafkaUserData = renderNodeUserData({ sysctls: sysctlList(kafkaNodeSysctls(buffers.sysctls)), nofileLimit: KAFKA_NOFILE_LIMIT });

const lastField = (value: string) => Number(value.trim().split(/\s+/).pop());

describe("Kafka node user data", () => {
  it("is a MIME multi-part document: a nodeadm NodeConfig, then a shell script", () => {
    const doc = parseMultipart(kafkaUserData);
    expect(kafkaUserData.startsWith("MIME-Version: 1.0\n")).toBe(true);
    expect(doc.contentType).toBe(`multipart/mixed; boundary="${USER_DATA_BOUNDARY}"`);
    expect(doc.parts.map((p) => p.headers["content-type"])).toEqual(["application/node.eks.aws", 'text/x-shellscript; charset="us-ascii"']);
    expect(kafkaUserData.trimEnd().endsWith(`--${USER_DATA_BOUNDARY}--`)).toBe(true);
  });

  it("asks for socket buffers at least the computed buffer, and memory maps for log segments", () => {
    const wanted = wantedSysctls(parseMultipart(kafkaUserData).parts[1].body);
    expect([...wanted.keys()]).toEqual([
      "net.core.rmem_max",
      "net.core.wmem_max",
      "net.ipv4.tcp_rmem",
      "net.ipv4.tcp_wmem",
      "vm.max_map_count",
    ]);
    for (const key of ["net.core.rmem_max", "net.core.wmem_max", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]) {
      expect(lastField(wanted.get(key)!)).toBeGreaterThanOrEqual(buffers.socketBufferBytes);
      expect(wanted.get(key)).toBe(buffers.sysctls[key as keyof typeof buffers.sysctls]);
    }
    expect(Number(wanted.get("vm.max_map_count"))).toBe(KAFKA_VM_MAX_MAP_COUNT);
    expect(KAFKA_VM_MAX_MAP_COUNT).toBeGreaterThanOrEqual(262_144);
  });

  it("raises the containers' open-file limit through containerd's base runtime spec", () => {
    expect(parseMultipart(kafkaUserData).parts[0].body).toBe(
      [
        "---",
        "apiVersion: node.eks.aws/v1alpha1",
        "kind: NodeConfig",
        "spec:",
        "  containerd:",
        "    baseRuntimeSpec:",
        "      process:",
        "        rlimits:",
        "          - type: RLIMIT_NOFILE",
        "            soft: 1048576",
        "            hard: 1048576",
      ].join("\n"),
    );
  });

  it("renders exactly this document (snapshot)", () => {
    expect(kafkaUserData).toMatchInlineSnapshot(`
      "MIME-Version: 1.0
      Content-Type: multipart/mixed; boundary="GEOKAFKA-BOUNDARY"

      --GEOKAFKA-BOUNDARY
      Content-Type: application/node.eks.aws

      ---
      apiVersion: node.eks.aws/v1alpha1
      kind: NodeConfig
      spec:
        containerd:
          baseRuntimeSpec:
            process:
              rlimits:
                - type: RLIMIT_NOFILE
                  soft: 1048576
                  hard: 1048576

      --GEOKAFKA-BOUNDARY
      Content-Type: text/x-shellscript; charset="us-ascii"

      #!/bin/bash
      # geo-kafka: raise kernel limits before kubelet starts; never lower one the AMI already set higher.
      set -euo pipefail
      conf=/etc/sysctl.d/99-zz-geo-kafka.conf
      : > "$conf"
      while read -r key wanted; do
        current="$(sysctl -n "$key" | xargs)"
        value="$wanted"
        # Compare the last field: the value itself, or the maximum of a min/default/max triplet.
        if [ "\${current##* }" -gt "\${wanted##* }" ]; then value="$current"; fi
        echo "$key = $value" >> "$conf"
      done <<'GEOKAFKA_SYSCTLS'
      net.core.rmem_max 41943040
      net.core.wmem_max 41943040
      net.ipv4.tcp_rmem 4096 131072 83886080
      net.ipv4.tcp_wmem 4096 16384 83886080
      vm.max_map_count 262144
      GEOKAFKA_SYSCTLS
      sysctl -p "$conf"

      --GEOKAFKA-BOUNDARY--
      "
    `);
  });

  it("is base64 for the launch template, and decodes back to the same text", () => {
    expect(Buffer.from(encodeUserData(kafkaUserData), "base64").toString("utf8")).toBe(kafkaUserData);
  });

  it("system nodes get only the socket buffers: no NodeConfig part", () => {
    const doc = parseMultipart(renderNodeUserData({ sysctls: socketBufferSysctls(buffers.sysctls) }));
    expect(doc.parts).toHaveLength(1);
    expect([...wantedSysctls(doc.parts[0].body).keys()]).toEqual([
      "net.core.rmem_max",
      "net.core.wmem_max",
      "net.ipv4.tcp_rmem",
      "net.ipv4.tcp_wmem",
    ]);
  });

  it("refuses values that are not numbers, so nothing else can reach the shell", () => {
    expect(() => renderNodeUserData({ sysctls: [{ key: "vm.max_map_count", value: "1; reboot" }] })).toThrow(/refusing/);
    expect(() => renderNodeUserData({ sysctls: [] })).toThrow(/at least one part/);
  });
});

describe("the shell part, run with a fake sysctl", () => {
  /** Runs the script with `sysctl` answering from `current`; returns the conf file and what was loaded. */
  function runScript(current: Record<string, string>): { conf: string; loaded: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "userdata-"));
    const conf = path.join(dir, "geo-kafka.conf");
    const state = path.join(dir, "current");
    fs.writeFileSync(
      state,
      Object.entries(current)
        .map(([k, v]) => `${k}=${v}`)
        .join("\n") + "\n",
    );
    // `sysctl -n KEY` prints the current value (tab-separated like the kernel); `sysctl -p FILE` records the load.
    fs.writeFileSync(
      path.join(dir, "sysctl"),
      [
        "#!/bin/bash",
        `if [ "$1" = "-n" ]; then grep "^$2=" "${state}" | cut -d= -f2- | tr ' ' '\\t'; exit 0; fi`,
        `if [ "$1" = "-p" ]; then cp "$2" "${dir}/loaded"; exit 0; fi`,
        "exit 1",
      ].join("\n"),
      { mode: 0o755 },
    );
    const script = parseMultipart(kafkaUserData).parts[1].body.replace(SYSCTL_CONF_PATH, conf);
    fs.writeFileSync(path.join(dir, "user-data.sh"), script, { mode: 0o755 });
    execFileSync("bash", [path.join(dir, "user-data.sh")], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
    return { conf: fs.readFileSync(conf, "utf8"), loaded: fs.readFileSync(path.join(dir, "loaded"), "utf8") };
  }

  it("raises kernel defaults to the computed values and loads them", () => {
    const { conf, loaded } = runScript({
      "net.core.rmem_max": "212992",
      "net.core.wmem_max": "212992",
      "net.ipv4.tcp_rmem": "4096 131072 6291456",
      "net.ipv4.tcp_wmem": "4096 16384 4194304",
      "vm.max_map_count": "65530",
    });
    expect(conf).toBe(
      [
        `net.core.rmem_max = ${buffers.sysctls["net.core.rmem_max"]}`,
        `net.core.wmem_max = ${buffers.sysctls["net.core.wmem_max"]}`,
        `net.ipv4.tcp_rmem = ${buffers.sysctls["net.ipv4.tcp_rmem"]}`,
        `net.ipv4.tcp_wmem = ${buffers.sysctls["net.ipv4.tcp_wmem"]}`,
        "vm.max_map_count = 262144",
        "",
      ].join("\n"),
    );
    expect(loaded).toBe(conf);
  });

  it("keeps a value the AMI already set higher", () => {
    const { conf } = runScript({
      "net.core.rmem_max": "2147483647",
      "net.core.wmem_max": "212992",
      "net.ipv4.tcp_rmem": "4096 131072 2147483647",
      "net.ipv4.tcp_wmem": "4096 16384 4194304",
      "vm.max_map_count": "1048576",
    });
    expect(conf).toContain("net.core.rmem_max = 2147483647\n");
    expect(conf).toContain(`net.core.wmem_max = ${buffers.sysctls["net.core.wmem_max"]}\n`);
    expect(conf).toContain("net.ipv4.tcp_rmem = 4096 131072 2147483647\n");
    expect(conf).toContain("vm.max_map_count = 1048576\n");
  });
});
