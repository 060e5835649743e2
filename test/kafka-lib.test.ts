// The Kafka layer's pure parts: cluster id, container sizing, the start script (run for real with stub Kafka tools),
// the whole cluster's rendered configuration, certificate names, client snippets, input checks and the stack placement check.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StackSpec } from "../lib/config/spec";
import {
  MAX_COMMON_NAME_LENGTH,
  certificateNameProblems,
  kafkaDeploymentProblems,
  KafkaDeploymentInput,
  nodeCommonName,
} from "../lib/kafka/checks";
import {
  KAFKA_CLUSTER_ID_LENGTH,
  isValidKafkaClusterId,
  isValidKafkaUuid,
  kafkaClusterIdFromUuid,
  kafkaDirectoryIdFromUuid,
} from "../lib/kafka/cluster-id";
import { initialControllers, quorumBootstrapServers } from "../lib/kafka/quorum";
import { bootstrapServers, clientSnippets, crossClusterSourceRanges, nodeDnsNames, renderClusterConfigs } from "../lib/kafka/cluster";
import { KAFKA_IMAGE_VOLUMES, isKafkaImage } from "../lib/kafka/image";
import { checkStackPlacement, defaultTopics } from "../lib/kafka/placement-from-spec";
import { ClusterSettings, PATHS, RACK_AWARE_SELECTOR, parseProperties, renderProperties } from "../lib/kafka/properties";
import {
  BROKER_HEAP_MIB,
  BROKER_JVM_OVERHEAD_MIB,
  CONTROLLER_MEMORY_MIB,
  SYSTEM_DAEMONS,
  kafkaSizing,
  reservedCpuMillis,
  reservedMemoryMiB,
} from "../lib/kafka/sizing";
import { BROKER_READINESS_PROBE, READINESS_JVM, TOOLS_LOG4J2_CONFIG, renderReadinessScript } from "../lib/kafka/readiness";
import { SCRAM_ITERATIONS, scramCredential, scramSaltedPassword } from "../lib/kafka/scram";
import { CONFIG_FILES, LOG4J2_CONFIG, START_ENV, renderStartScript } from "../lib/kafka/start-script";
import { brokersOf, kafkaNodes } from "../lib/kafka/topology";
import { machineTypeShape } from "../lib/prices";
import { planSocketBuffers } from "../lib/socket-buffers";
import { stackSpec } from "./helpers/harness";

const gke = stackSpec("gke");
const eks = stackSpec("eks");
const nodesOf = (spec: StackSpec) =>
  kafkaNodes({
    regions: spec.regions.map((r) => ({ name: r.name, clusterId: r.clusterId })),
    brokersPerRegion: spec.kafka.brokersPerRegion,
    controllersPerRegion: spec.kafka.controllersPerRegion,
  });

describe("kafkaClusterIdFromUuid", () => {
  it("encodes the 16 bytes in unpadded base64url, as Kafka's Uuid.toString does", () => {
    // 0x00..0x0f -> base64url "AAECAwQFBgcICQoLDA0ODw" (Buffer's encoder is the reference).
    expect(kafkaClusterIdFromUuid("00010203-0405-0607-0809-0a0b0c0d0e0f")).toBe("AAECAwQFBgcICQoLDA0ODw");
    expect(kafkaClusterIdFromUuid("7b3f1c2e-9a4d-4e8f-b1c2-d3e4f5a6b7c8")).toHaveLength(KAFKA_CLUSTER_ID_LENGTH);
  });

  it("clears the first bit so the id never starts with '-' (which the storage tool would read as an option)", () => {
    // 0xf8 = 111110 00: unchanged, the first character would be '-' (index 62).
    const id = kafkaClusterIdFromUuid("f8000000-0000-4000-8000-000000000000");
    expect(id.startsWith("-")).toBe(false);
    expect(id[0]).toBe("e");
  });

  it("refuses text that is not a UUID and UUIDs that map to Kafka's reserved ids", () => {
    expect(() => kafkaClusterIdFromUuid("not-a-uuid")).toThrow(/not a UUID/);
    expect(() => kafkaClusterIdFromUuid("80000000-0000-0000-0000-000000000001")).toThrow(/reserved/);
  });

  it("property: every random v4 UUID gives a valid, 22-character, round-tripping Kafka id", () => {
    fc.assert(
      fc.property(fc.uuid({ version: 4 }), (uuid) => {
        const id = kafkaClusterIdFromUuid(uuid);
        expect(id).toHaveLength(KAFKA_CLUSTER_ID_LENGTH);
        expect(isValidKafkaClusterId(id)).toBe(true);
        // The same bytes, but the first bit.
        const bytes = Buffer.from(uuid.replace(/-/g, ""), "hex");
        bytes[0] &= 0x7f;
        expect(Buffer.from(id, "base64url").equals(bytes)).toBe(true);
      }),
    );
  });
});

describe("dynamic quorum", () => {
  const nodes = nodesOf(gke);
  const dirs = {
    "kafka-controller-gke-us-east4-0": kafkaDirectoryIdFromUuid("7b3f1c2e-9a4d-4e8f-b1c2-d3e4f5a6b7c8"),
    "kafka-controller-gke-us-central1-0": kafkaDirectoryIdFromUuid("1c2e7b3f-4e8f-4a4d-8000-000000000001"),
    "kafka-controller-gke-us-west1-0": kafkaDirectoryIdFromUuid("00000000-0000-4000-8000-000000000063"),
  };

  it("bootstraps every node from the controllers' cross-cluster addresses", () => {
    expect(quorumBootstrapServers("istio", nodes)).toBe(
      "kafka-controller-gke-us-east4-0.kafka.svc.cluster.local:9093,kafka-controller-gke-us-central1-0.kafka.svc.cluster.local:9093," +
        "kafka-controller-gke-us-west1-0.kafka.svc.cluster.local:9093",
    );
  });

  it("names each initial voter by node id, address and initial directory id, in the form --initial-controllers parses", () => {
    const voters = initialControllers("istio", nodes, dirs).split(",");
    expect(voters).toEqual([
      `1000@kafka-controller-gke-us-east4-0.kafka.svc.cluster.local:9093:${dirs["kafka-controller-gke-us-east4-0"]}`,
      `1100@kafka-controller-gke-us-central1-0.kafka.svc.cluster.local:9093:${dirs["kafka-controller-gke-us-central1-0"]}`,
      `1200@kafka-controller-gke-us-west1-0.kafka.svc.cluster.local:9093:${dirs["kafka-controller-gke-us-west1-0"]}`,
    ]);
    for (const id of Object.values(dirs)) expect(isValidKafkaUuid(id)).toBe(true);
    expect(() => initialControllers("istio", nodes, {})).toThrow(/no initial directory id for controller kafka-controller-gke-us-east4-0/);
  });

  it("never turns a version-4 UUID into one of Kafka's reserved directory ids (first 8 bytes zero, last below 100)", () => {
    expect(isValidKafkaUuid("AAAAAAAAAAAAAAAAAAAAYw")).toBe(false); // 99: DirectoryId.reserved, checked with Kafka's jars
    expect(isValidKafkaUuid("AAAAAAAAQACAAAAAAAAAAA")).toBe(true);
    expect(() => kafkaDirectoryIdFromUuid("00000000-0000-0000-0000-000000000063")).toThrow(/reserved/);
    fc.assert(fc.property(fc.uuid({ version: 4 }), (uuid) => isValidKafkaUuid(kafkaDirectoryIdFromUuid(uuid))));
  });
});

describe("SCRAM credential", () => {
  // Kafka 4.1.2's own ScramFormatter(SCRAM_SHA_512).saltedPassword("pencil-Sharpener-42", bytes 0..31, 8192), run
  // on the release's jars, printed this (docs/kafka.md, "Verified").
  const SALT = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
  const KAFKA_SALTED = "qHRKrN3dC6hvJqB2Ka7DThPnlxxxXO6eD//9MiM2G6bZiiQ6VH0MGzI8TMPEwAiivFCGsCMhxN7xr+vjgimdsQ==";

  it("salts the password as Kafka's ScramFormatter does (RFC 5802 Hi with HMAC-SHA-512)", () => {
    expect(scramSaltedPassword("pencil-Sharpener-42", SALT, 8192).toString("base64")).toBe(KAFKA_SALTED);
  });

  it("renders the salted form that kafka-storage format --add-scram accepts", () => {
    expect(scramCredential({ username: "admin", password: "pencil-Sharpener-42", salt: SALT })).toBe(
      `SCRAM-SHA-512=[name=admin,iterations=${SCRAM_ITERATIONS},salt="${SALT.toString("base64")}",saltedpassword="${KAFKA_SALTED}"]`,
    );
    expect(SCRAM_ITERATIONS).toBe(8192);
  });

  it("refuses names that need quoting, an empty salt and fewer than 4096 iterations", () => {
    expect(() => scramCredential({ username: "a,b", password: "p", salt: SALT })).toThrow(/quoting/);
    expect(() => scramCredential({ username: "a", password: "p", salt: Buffer.alloc(0) })).toThrow(/salt/);
    expect(() => scramCredential({ username: "a", password: "p", salt: SALT, iterations: 4095 })).toThrow(/4096/);
  });
});

describe("kafkaSizing", () => {
  it.each([
    // machine, mesh, broker cpu request m, broker memory Mi (request = limit), heap Mi
    ["n2-standard-16", "gke", "submariner", 14_300, 56_320, 6_144],
    ["n2-standard-16", "gke", "istio", 13_200, 55_296, 6_144],
    ["r5.4xlarge", "eks", "istio", 13_200, 116_736, 6_144],
  ] as const)("%s (%s, %s): broker %im / %iMi, heap %iMi", (machine, cloud, mesh, cpu, memory, heap) => {
    const shape = machineTypeShape(cloud, cloud === "gke" ? "us-central1" : "us-east-1", machine)!;
    const s = kafkaSizing(shape, mesh);
    expect(s.problems).toEqual([]);
    expect(s.broker).toMatchObject({
      cpuRequestMillis: cpu,
      cpuLimitMillis: shape.vcpus * 1000,
      memoryRequestMiB: memory,
      memoryLimitMiB: memory,
      heapMiB: heap,
    });
    expect(s.pageCacheMiB).toBe(memory - heap - BROKER_JVM_OVERHEAD_MIB);
    expect(s.controller).toMatchObject({ heapMiB: 1024, memoryRequestMiB: CONTROLLER_MEMORY_MIB, memoryLimitMiB: CONTROLLER_MEMORY_MIB });
    expect(mesh === "istio" ? s.brokerSidecar : undefined).toEqual(
      mesh === "istio" ? expect.objectContaining({ cpuRequestMillis: 1000 }) : undefined,
    );
  });

  it("reserves node resources by GKE's published steps", () => {
    expect(reservedMemoryMiB(64)).toBe(Math.ceil((1 + 0.8 + 0.8 + 48 * 0.06) * 1024));
    expect(reservedMemoryMiB(256)).toBe(Math.ceil((1 + 0.8 + 0.8 + 112 * 0.06 + 128 * 0.02) * 1024));
    expect(reservedCpuMillis(16)).toBe(110);
    expect(reservedCpuMillis(1)).toBe(60);
  });

  it("refuses nodes too small for a broker beside the controller", () => {
    const s = kafkaSizing({ vcpus: 2, memoryGiB: 8 }, "submariner");
    expect(s.problems.join("\n")).toMatch(/2 vCPUs leave 400m for a broker/);
    expect(s.problems.join("\n")).toMatch(/page cache/);
  });

  it("property: broker, controller, sidecars and system daemons always fit the node's allocatable resources", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 96 }),
        fc.integer({ min: 16, max: 768 }),
        fc.constantFrom("submariner" as const, "istio" as const),
        (vcpus, memoryGiB, mesh) => {
          const s = kafkaSizing({ vcpus, memoryGiB }, mesh);
          if (s.problems.length > 0) return;
          const cpu = s.broker.cpuRequestMillis + s.controller.cpuRequestMillis + SYSTEM_DAEMONS.cpuMillis;
          const sidecarCpu = (s.brokerSidecar?.cpuRequestMillis ?? 0) + (s.controllerSidecar?.cpuRequestMillis ?? 0);
          const memory = s.broker.memoryLimitMiB + s.controller.memoryLimitMiB + SYSTEM_DAEMONS.memoryMiB;
          const sidecarMemory = (s.brokerSidecar?.memoryLimitMiB ?? 0) + (s.controllerSidecar?.memoryLimitMiB ?? 0);
          expect(cpu + sidecarCpu).toBeLessThanOrEqual(vcpus * 1000 - s.nodeReserved.cpuMillis);
          expect(memory + sidecarMemory).toBeLessThanOrEqual(memoryGiB * 1024 - s.nodeReserved.memoryMiB);
          expect(s.broker.heapMiB).toBeLessThanOrEqual(BROKER_HEAP_MIB);
          expect(s.broker.memoryRequestMiB).toBe(s.broker.memoryLimitMiB);
        },
      ),
    );
  });
});

describe("renderStartScript", () => {
  /** Shells the script must run under: the image's busybox ash, and dash / the system sh for POSIX. */
  const shells = ["sh", "busybox sh", "dash"].filter((cmd) => {
    const [bin, ...args] = cmd.split(" ");
    return spawnSync(bin, [...args, "-c", "true"]).status === 0;
  });
  const CREDENTIAL = scramCredential({ username: "admin", password: "s3cretPassw0rd", salt: Buffer.alloc(32, 7) });
  const INITIAL =
    "1000@c0.example:9093:AAECAwQFBgcICQoLDA0ODw,1100@c1.example:9093:EBESExQVFhcYGRobHB0eHw,1200@c2.example:9093:ICEiIyQlJicoKSorLC0uLw";
  const NEW_DIRECTORY = "Zm9yZ2V0LW1lLW5vdC0xMg";

  /**
   * A fake Kafka installation whose tools record how they were called; its storage tool writes meta.properties like
   * the real one (directory.id from --initial-controllers for this node, else a new one).
   */
  function fakeKafka(role: "broker" | "controller", ordinals: number[]) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-start-"));
    const home = path.join(root, "kafka");
    const configDir = path.join(root, "config");
    const logDir = path.join(root, "data", "logs");
    // The data volume's mount point exists before anything is formatted, as in the pod.
    fs.mkdirSync(path.dirname(logDir));
    fs.mkdirSync(path.join(home, "bin"), { recursive: true });
    fs.mkdirSync(configDir);
    const log = path.join(root, "calls.log");
    // One append per call: the promotion runs in the background and appends its own line meanwhile.
    const record = (tool: string) =>
      `line="$(printf '%s heap=%s opts=[%s] gc=[%s]' "${tool}" "$KAFKA_HEAP_OPTS" "\${KAFKA_OPTS-unset}" "\${KAFKA_GC_LOG_OPTS-unset}")"\n` +
      `for a in "$@"; do line="$line$(printf ' [%s]' "$a")"; done\nprintf '%s\\n' "$line" >> "${log}"\n`;
    const storage =
      `#!/bin/sh\n${record("kafka-storage.sh")}[ -z "\${FAKE_FORMAT_FAILS:-}" ] || exit 1\n` +
      `cfg=""; dir="${NEW_DIRECTORY}"; prev=""\n` +
      `for a in "$@"; do [ "$prev" = --config ] && cfg="$a"; [ "$prev" = --initial-controllers ] && initial="$a"; prev="$a"; done\n` +
      `id="$(sed -n 's/^node.id=//p' "$cfg")"\n` +
      `[ -n "\${initial:-}" ] && dir="$(echo "$initial" | tr ',' '\\n' | sed -n "s/^$id@.*:\\([^:]*\\)$/\\1/p")"\n` +
      `mkdir -p "${logDir}" && printf 'node.id=%s\\ndirectory.id=%s\\n' "$id" "$dir" > "${logDir}/meta.properties"\n`;
    fs.writeFileSync(path.join(home, "bin", "kafka-storage.sh"), storage);
    fs.writeFileSync(path.join(home, "bin", "kafka-server-start.sh"), `#!/bin/sh\n${record("kafka-server-start.sh")}`);
    // The quorum's registered controllers as list-endpoints prints them (FAKE_ENDPOINTS), or no answer (status 1).
    fs.writeFileSync(
      path.join(home, "bin", "kafka-cluster.sh"),
      `#!/bin/sh\n${record("kafka-cluster.sh")}` +
        // FAKE_FAIL_ONCE: a file path; the first call creates it and fails, as a probe during a leader election would.
        `if [ -n "\${FAKE_FAIL_ONCE:-}" ] && [ ! -f "$FAKE_FAIL_ONCE" ]; then : > "$FAKE_FAIL_ONCE"; exit 1; fi\n` +
        `printf '%s' "\${FAKE_ENDPOINTS:-}"\nexit "\${FAKE_ENDPOINTS_STATUS:-1}"\n`,
    );
    for (const tool of ["kafka-storage.sh", "kafka-server-start.sh", "kafka-cluster.sh"]) fs.chmodSync(path.join(home, "bin", tool), 0o755);
    for (const o of ordinals) {
      const id = (role === "controller" ? 1000 : 0) + 100 * o;
      const props: Record<string, string> = {
        "process.roles": role,
        "node.id": String(id),
        "log.dirs": logDir,
        "controller.quorum.bootstrap.servers": "c0.example:9093,c1.example:9093,c2.example:9093",
        ...(role === "controller" ? { "metadata.log.dir": logDir } : {}),
      };
      fs.writeFileSync(path.join(configDir, `server-${o}.properties`), renderProperties(props));
    }
    fs.writeFileSync(path.join(configDir, CONFIG_FILES.clientProperties), "security.protocol=PLAINTEXT\n");
    fs.writeFileSync(path.join(configDir, CONFIG_FILES.promoteScript), `echo "promote-controller.sh pod=$POD_NAME" >> "${log}"\n`);
    const secretsDir = path.join(root, "secrets");
    fs.mkdirSync(secretsDir);
    fs.writeFileSync(path.join(secretsDir, CONFIG_FILES.adminScram), CREDENTIAL);
    const script = path.join(root, "start.sh");
    fs.writeFileSync(script, renderStartScript({ kafkaHome: home, configDir, secretsDir, probePauseSeconds: 0 }));
    const calls = () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : []);
    return { root, home, configDir, secretsDir, logDir, log, script, calls };
  }

  const CLUSTER_ID = "AAECAwQFBgcICQoLDA0ODw";
  const env = (pod: string, extra: Record<string, string> = {}) => ({
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    POD_NAME: pod,
    KAFKA_CLUSTER_ID: CLUSTER_ID,
    KAFKA_HEAP_OPTS: "-Xms6144m -Xmx6144m",
    KAFKA_OPTS: "-javaagent:/agent.jar",
    KAFKA_GC_LOG_OPTS: "-Xlog:gc*:file=/opt/kafka/logs/gc.log",
    ...extra,
  });
  /** A controller's environment: the shared voter set, plus what a test adds. */
  const controllerEnv = (pod: string, extra: Record<string, string> = {}) => env(pod, { KAFKA_INITIAL_CONTROLLERS: INITIAL, ...extra });
  const run = (shell: string, script: string, environment: Record<string, string>) => {
    const [bin, ...args] = shell.split(" ");
    return spawnSync(bin, [...args, script], { env: environment, encoding: "utf8" });
  };

  describe.each(shells)("under %s", (shell) => {
    it("broker, empty directory: formats with the cluster id and the salted SCRAM credential, no quorum flag, then execs the server", () => {
      const k = fakeKafka("broker", [0, 1, 2]);
      const result = run(shell, k.script, env("kafka-broker-gke-us-central1-2"));
      expect(result.status, result.stderr).toBe(0);
      const [format, start, ...rest] = k.calls();
      const config = path.join(k.configDir, "server-2.properties");
      // The format JVM runs small, without the metrics agent and without writing the server's GC log.
      expect(format).toBe(
        `kafka-storage.sh heap=-Xms256m -Xmx256m opts=[] gc=[] [format] [--cluster-id] [AAECAwQFBgcICQoLDA0ODw] [--config] [${config}] ` +
          `[--add-scram] [${CREDENTIAL}]`,
      );
      // The server keeps the container's heap and agent.
      expect(start).toBe(
        `kafka-server-start.sh heap=-Xms6144m -Xmx6144m opts=[-javaagent:/agent.jar] gc=[-Xlog:gc*:file=/opt/kafka/logs/gc.log] [${config}]`,
      );
      expect(rest).toEqual([]);
    });

    it("any node whose log directory holds meta.properties starts without formatting (and without reading the credential)", () => {
      for (const role of ["broker", "controller"] as const) {
        const k = fakeKafka(role, [0]);
        fs.mkdirSync(k.logDir, { recursive: true });
        fs.writeFileSync(path.join(k.logDir, "meta.properties"), "node.id=0\n");
        fs.rmSync(path.join(k.secretsDir, CONFIG_FILES.adminScram));
        const result = run(shell, k.script, env(`kafka-${role}-x-0`));
        expect(result.status, result.stderr).toBe(0);
        expect(k.calls().map((c) => c.split(" ")[0])).toEqual(["kafka-server-start.sh"]);
        expect(result.stdout).toMatch(/is formatted; starting without formatting/);
      }
    });

    const ENDPOINTS = (...ids: number[]) =>
      [
        "ID         HOST      PORT       RACK       ENDPOINT_TYPE",
        ...ids.map((id) => `${id}       c.example 9093       null       controller`),
      ].join("\n");
    /** The calls recorded so far, once the background promotion (if `promotion`) has recorded its own. */
    const settled = (k: ReturnType<typeof fakeKafka>, promotion: boolean) => {
      const until = Date.now() + 5000;
      while (promotion && !k.calls().some((c) => c.startsWith("promote-controller.sh")) && Date.now() < until) spawnSync("sleep", ["0.05"]);
      return k.calls();
    };

    it("controller, empty directory, no marker and no quorum answers: the cluster is new, an initial voter with the shared voter set", () => {
      const k = fakeKafka("controller", [0]);
      const result = run(shell, k.script, controllerEnv("kafka-controller-gke-us-east4-0"));
      expect(result.status, result.stderr).toBe(0);
      const [probe, ...others] = settled(k, false);
      // The probe asks every controller, with the node's own client settings, through a small tool JVM; silence is
      // taken for a new cluster only after three attempts.
      expect(probe).toBe(
        `kafka-cluster.sh heap=-Xms64m -Xmx128m opts=[] gc=[] [list-endpoints] [--bootstrap-controller] ` +
          `[c0.example:9093,c1.example:9093,c2.example:9093] [--config] [${path.join(k.configDir, CONFIG_FILES.clientProperties)}]`,
      );
      const [second, third, format, start, ...rest] = others;
      expect([second, third]).toEqual([probe, probe]);
      expect(result.stderr).toMatch(/no controller answers with a quorum \(attempt 3 of 3\)/);
      expect(format).toMatch(
        /\[--add-scram\] \[SCRAM-SHA-512=\[name=admin,iterations=8192,.*\]\] \[--initial-controllers\] \[1000@c0\.example:9093:AAECAwQFBgcICQoLDA0ODw,1100@/,
      );
      expect(start).toMatch(/^kafka-server-start\.sh /);
      expect(rest).toEqual([]);
      expect(fs.readFileSync(path.join(k.logDir, "meta.properties"), "utf8")).toContain("directory.id=AAECAwQFBgcICQoLDA0ODw");
      expect(result.stdout).toMatch(/no controller answers with a quorum: the cluster is new, formatting as an initial voter/);
      expect(fs.existsSync(path.join(path.dirname(k.logDir), CONFIG_FILES.promotionPending))).toBe(false);
    });

    it("controller, empty directory, no marker, a quorum that never saw this node id: an initial voter (the last controller of a new cluster)", () => {
      const k = fakeKafka("controller", [0, 1, 2]);
      const result = run(
        shell,
        k.script,
        controllerEnv("kafka-controller-x-2", {
          FAKE_ENDPOINTS: ENDPOINTS(1000, 1100, 12000),
          FAKE_ENDPOINTS_STATUS: "0",
        }),
      );
      expect(result.status, result.stderr).toBe(0);
      const [, format] = settled(k, false);
      expect(format).toMatch(/\[--initial-controllers\] \[1000@/);
      expect(result.stdout).toMatch(/the quorum has never seen controller 1200: the cluster is new/);
    });

    it("controller, empty directory, no marker, a quorum that knows this node id: an observer with a new directory, promoted beside the server", () => {
      const k = fakeKafka("controller", [0, 1]);
      const result = run(
        shell,
        k.script,
        controllerEnv("kafka-controller-gke-us-central1-1", {
          FAKE_ENDPOINTS: ENDPOINTS(1000, 1100, 1200),
          FAKE_ENDPOINTS_STATUS: "0",
        }),
      );
      expect(result.status, result.stderr).toBe(0);
      const calls = settled(k, true);
      const format = calls.find((c) => c.startsWith("kafka-storage.sh"));
      expect(format).toMatch(/\[--add-scram\] \[[^\]]+\]\] \[--no-initial-controllers\]$/);
      expect(format).not.toMatch(/--initial-controllers/);
      expect(calls).toContain("promote-controller.sh pod=kafka-controller-gke-us-central1-1");
      expect(calls.some((c) => c.startsWith("kafka-server-start.sh"))).toBe(true);
      expect(result.stderr).toMatch(/the quorum knows controller 1100 from before: formatting as an observer/);
      expect(result.stderr).toContain(`controller 1100 has directory ${NEW_DIRECTORY}, which is no voter yet`);
      const state = path.dirname(k.logDir);
      expect(fs.existsSync(path.join(state, CONFIG_FILES.promotionPending))).toBe(true);
      // add-controller reads the node's own settings (id, listeners, directory) and the client's from one file.
      expect(fs.readFileSync(path.join(state, CONFIG_FILES.addController), "utf8")).toBe(
        fs.readFileSync(path.join(k.configDir, "server-1.properties"), "utf8") +
          fs.readFileSync(path.join(k.configDir, CONFIG_FILES.clientProperties), "utf8"),
      );
    });

    it("a probe that fails once is asked again: the quorum then lists this node id, so an observer", () => {
      const k = fakeKafka("controller", [0, 1]);
      const result = run(
        shell,
        k.script,
        controllerEnv("kafka-controller-x-1", {
          FAKE_ENDPOINTS: ENDPOINTS(1000, 1100, 1200),
          FAKE_ENDPOINTS_STATUS: "0",
          FAKE_FAIL_ONCE: path.join(k.root, "failed-once"),
        }),
      );
      expect(result.status, result.stderr).toBe(0);
      const calls = settled(k, true);
      expect(calls.filter((c) => c.startsWith("kafka-cluster.sh"))).toHaveLength(2);
      expect(calls.find((c) => c.startsWith("kafka-storage.sh"))).toMatch(/\[--no-initial-controllers\]$/);
    });

    it("an observer's promotion is recorded before the format, so a crash right after it still promotes on restart", () => {
      const k = fakeKafka("controller", [0]);
      const result = run(
        shell,
        k.script,
        controllerEnv("kafka-controller-x-0", {
          KAFKA_QUORUM_FORMED: CLUSTER_ID,
          FAKE_FORMAT_FAILS: "1",
        }),
      );
      expect(result.status).not.toBe(0);
      const state = path.dirname(k.logDir);
      expect(fs.existsSync(path.join(state, CONFIG_FILES.promotionPending))).toBe(true);
      expect(fs.existsSync(path.join(state, CONFIG_FILES.addController))).toBe(true);
    });

    it("controller, empty directory, the marker names this cluster: an observer without asking the quorum", () => {
      const k = fakeKafka("controller", [0]);
      const result = run(
        shell,
        k.script,
        // Even a quorum answer that would say "new" is not asked for: the marker is enough.
        controllerEnv("kafka-controller-x-0", {
          KAFKA_QUORUM_FORMED: CLUSTER_ID,
          FAKE_ENDPOINTS_STATUS: "0",
        }),
      );
      expect(result.status, result.stderr).toBe(0);
      const calls = settled(k, true);
      expect(calls.filter((c) => c.startsWith("kafka-cluster.sh"))).toEqual([]);
      expect(calls.find((c) => c.startsWith("kafka-storage.sh"))).toMatch(/\[--no-initial-controllers\]$/);
      expect(calls).toContain("promote-controller.sh pod=kafka-controller-x-0");
      expect(result.stderr).toMatch(/the quorum was formed \(ConfigMap kafka-quorum-bootstrap\): formatting as an observer/);
    });

    it("controller, empty directory, the marker names another cluster: fails before formatting", () => {
      const k = fakeKafka("controller", [0]);
      const result = run(shell, k.script, controllerEnv("kafka-controller-x-0", { KAFKA_QUORUM_FORMED: "other-cluster" }));
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/names cluster other-cluster, but this node belongs to AAECAwQFBgcICQoLDA0ODw: not formatting/);
      expect(k.calls()).toEqual([]);
    });

    it("a formatted controller whose promotion is pending resumes it at every start; without the file it starts alone", () => {
      for (const pending of [true, false]) {
        const k = fakeKafka("controller", [0]);
        fs.mkdirSync(k.logDir, { recursive: true });
        fs.writeFileSync(path.join(k.logDir, "meta.properties"), "node.id=1000\n");
        if (pending) fs.writeFileSync(path.join(path.dirname(k.logDir), CONFIG_FILES.promotionPending), "");
        const result = run(shell, k.script, env("kafka-controller-x-0"));
        expect(result.status, result.stderr).toBe(0);
        const calls = settled(k, pending).map((c) => c.split(" ")[0]);
        expect(calls.sort()).toEqual(pending ? ["kafka-server-start.sh", "promote-controller.sh"] : ["kafka-server-start.sh"]);
      }
    });

    it("controller without the initial voter set: fails before formatting", () => {
      const k = fakeKafka("controller", [0]);
      const result = run(shell, k.script, env("kafka-controller-x-0"));
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/initial voter set is not set/);
      expect(k.calls()).toEqual([]);
    });

    it("refuses to start an empty node without the SCRAM credential file", () => {
      const k = fakeKafka("broker", [0]);
      fs.rmSync(path.join(k.secretsDir, CONFIG_FILES.adminScram));
      const result = run(shell, k.script, env("kafka-broker-x-0"));
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/no SCRAM credential in .*admin-scram/);
      expect(k.calls()).toEqual([]);
    });

    it("falls back to HOSTNAME and fails clearly when the ordinal has no rendered file", () => {
      const k = fakeKafka("broker", [0]);
      const withoutPod: Record<string, string> = { ...env("x"), HOSTNAME: "kafka-controller-gke-us-east4-3" };
      delete withoutPod.POD_NAME;
      const result = run(shell, k.script, withoutPod);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/no .*server-3\.properties for pod kafka-controller-gke-us-east4-3/);
      expect(k.calls()).toEqual([]);
    });
  });

  it("uses the official image's paths, Kafka 4's storage tool flags and no static quorum", () => {
    const text = renderStartScript();
    expect(text).toContain(`config="${PATHS.config}/server-\${ordinal}.properties"`);
    expect(text).toContain('"/opt/kafka/bin/kafka-storage.sh" format');
    expect(text).toMatch(/exec "\/opt\/kafka\/bin\/kafka-server-start\.sh" "\$config"\n$/);
    expect(text).not.toMatch(/--standalone|--ignore-formatted|controller\.quorum\.voters/);
    expect(LOG4J2_CONFIG).toMatch(/target: SYSTEM_OUT/);
  });

  it("names no credential in the script or its environment: the credential is read from a file", () => {
    const text = renderStartScript();
    expect(text).not.toMatch(/password/i);
    expect(text).toContain(`scram_file="/etc/kafka/secrets/${CONFIG_FILES.adminScram}"`);
    expect(Object.values(START_ENV).filter((name) => /PASSWORD|SCRAM|SECRET/i.test(name))).toEqual([]);
    expect(START_ENV).toEqual({
      clusterId: "KAFKA_CLUSTER_ID",
      podName: "POD_NAME",
      initialControllers: "KAFKA_INITIAL_CONTROLLERS",
      quorumFormed: "KAFKA_QUORUM_FORMED",
    });
  });
});

describe("renderReadinessScript", () => {
  const shells = ["sh", "busybox sh"].filter((cmd) => {
    const [bin, ...args] = cmd.split(" ");
    return spawnSync(bin, [...args, "-c", "true"]).status === 0;
  });

  /** A fake kafka-topics.sh that records its call and answers with FAKE_OUT / FAKE_STATUS. */
  function fakeBroker() {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-ready-"));
    const home = path.join(root, "kafka");
    const configDir = path.join(root, "config");
    fs.mkdirSync(path.join(home, "bin"), { recursive: true });
    fs.mkdirSync(configDir);
    const log = path.join(root, "calls.log");
    const tool = path.join(home, "bin", "kafka-topics.sh");
    fs.writeFileSync(
      tool,
      `#!/bin/sh
printf 'heap=[%s] opts=[%s] gc=[%s] jvm=[%s] log4j=[%s]' "$KAFKA_HEAP_OPTS" "$KAFKA_OPTS" "$KAFKA_GC_LOG_OPTS" "$KAFKA_JVM_PERFORMANCE_OPTS" "$KAFKA_LOG4J_OPTS" > "${log}"
` +
        `for a in "$@"; do printf ' [%s]' "$a" >> "${log}"; done
` +
        `printf '%s' "$FAKE_OUT"
exit "\${FAKE_STATUS:-0}"
`,
    );
    fs.chmodSync(tool, 0o755);
    fs.writeFileSync(
      path.join(configDir, "server-1.properties"),
      renderProperties({
        "process.roles": "broker",
        "advertised.listeners":
          "REPLICATION://kafka-broker-x-1.kafka.svc.cluster.local:9091,CLIENT://kafka-broker-x-1.kafka.svc.cluster.local:9092",
      }),
    );
    const script = path.join(root, "ready.sh");
    fs.writeFileSync(script, renderReadinessScript({ kafkaHome: home, configDir }));
    return { root, configDir, log, script };
  }

  const run = (shell: string, script: string, extra: Record<string, string>) => {
    const [bin, ...args] = shell.split(" ");
    return spawnSync(bin, [...args, script], {
      encoding: "utf8",
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        POD_NAME: "kafka-broker-x-1",
        // The container's own settings, which the check must not inherit.
        KAFKA_HEAP_OPTS: "-Xms6144m -Xmx6144m",
        KAFKA_OPTS: "-javaagent:/var/lib/kafka/data/jmx-exporter/agent.jar=9404:/etc/jmx-exporter/config.yaml",
        KAFKA_GC_LOG_OPTS: "-Xlog:gc*:file=/opt/kafka/logs/gc.log",
        KAFKA_LOG4J_OPTS: "-Dlog4j2.configurationFile=/etc/kafka/config/log4j2.yaml",
        ...extra,
      },
    });
  };

  describe.each(shells)("under %s", (shell) => {
    it("asks the broker's own REPLICATION listener, with the pod's client settings and a small agent-less JVM, and is ready on an empty answer", () => {
      const b = fakeBroker();
      const result = run(shell, b.script, { FAKE_OUT: "" });
      expect(result.status, result.stdout + result.stderr).toBe(0);
      expect(fs.readFileSync(b.log, "utf8")).toBe(
        `heap=[${READINESS_JVM.heapOpts}] opts=[] gc=[] jvm=[${READINESS_JVM.performanceOpts}] ` +
          `log4j=[-Dlog4j2.configurationFile=${b.configDir}/tools-log4j2.yaml] ` +
          `[--bootstrap-server] [kafka-broker-x-1.kafka.svc.cluster.local:9091] [--command-config] [${b.configDir}/client.properties] ` +
          `[--describe] [--under-replicated-partitions]`,
      );
    });

    it("is not ready while any partition is under-replicated, and says which", () => {
      const b = fakeBroker();
      const result = run(shell, b.script, { FAKE_OUT: "\tTopic: t\tPartition: 0\tLeader: 1\tReplicas: 1,101,201\tIsr: 1,101\n" });
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/under-replicated partitions:\n\tTopic: t\tPartition: 0/);
    });

    it("is not ready when the tool fails (no metadata, a timeout), even with nothing on stdout", () => {
      const b = fakeBroker();
      const result = run(shell, b.script, { FAKE_OUT: "", FAKE_STATUS: "1" });
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/kafka-topics failed/);
    });
  });

  it("runs from the config volume with the image's Kafka, every 30 s, and logs the tool to stderr only", () => {
    const text = renderReadinessScript();
    expect(text).toContain(
      '"/opt/kafka/bin/kafka-topics.sh" --bootstrap-server "$address" --command-config "/etc/kafka/config/client.properties"',
    );
    expect(BROKER_READINESS_PROBE.periodSeconds).toBe(30);
    expect(BROKER_READINESS_PROBE.timeoutSeconds).toBeLessThan(BROKER_READINESS_PROBE.periodSeconds);
    expect(TOOLS_LOG4J2_CONFIG).toMatch(/target: SYSTEM_ERR/);
    expect(TOOLS_LOG4J2_CONFIG).not.toMatch(/SYSTEM_OUT/);
    expect(CONFIG_FILES.readinessScript).toBe("ready.sh");
  });
});

describe("renderClusterConfigs", () => {
  const settings = (spec: StackSpec): ClusterSettings => ({
    mesh: spec.mesh.mode,
    nodes: nodesOf(spec),
    adminUsername: "admin",
    defaultPartitions: spec.kafka.defaultPartitions,
    replicationFactor: spec.kafka.replicationFactor,
    minInsyncReplicas: spec.kafka.minInsyncReplicas,
    socketBufferBytes: planSocketBuffers(spec.links).socketBufferBytes,
    vcpus: 16,
  });

  it.each([
    ["gke", gke],
    ["eks", eks],
  ] as const)("%s: six StatefulSets, one file per pod, every broker with its region as rack and the BDP buffers", (_stack, spec) => {
    const sets = renderClusterConfigs(settings(spec));
    const buffer = String(planSocketBuffers(spec.links).socketBufferBytes);
    expect(sets.map((s) => [s.role, s.region, Object.keys(s.files)])).toEqual(
      spec.regions.flatMap((r) => [
        ["controller", r.name, ["server-0.properties"]],
        ["broker", r.name, ["server-0.properties", "server-1.properties", "server-2.properties"]],
      ]),
    );
    for (const set of sets.filter((s) => s.role === "broker")) {
      for (const text of Object.values(set.files)) {
        expect(parseProperties(text)).toMatchObject({
          "broker.rack": set.region,
          "replica.selector.class": RACK_AWARE_SELECTOR,
          "socket.send.buffer.bytes": buffer,
          "socket.receive.buffer.bytes": buffer,
          "replica.socket.receive.buffer.bytes": buffer,
        });
      }
    }
  });

  it("refuses node lists whose ordinals do not run 0..n-1 (the start script picks files by ordinal)", () => {
    const nodes = nodesOf(gke).filter((n) => !(n.role === "broker" && n.ordinal === 1));
    expect(() => renderClusterConfigs({ ...settings(gke), nodes })).toThrow(/ordinals must run 0\.\.1/);
  });

  it("keeps logs on the data volume, which is the image's data VOLUME, in a subdirectory of it (never the root)", () => {
    expect(PATHS.data).toBe("/var/lib/kafka/data");
    expect(PATHS.data).toBe(KAFKA_IMAGE_VOLUMES.data);
    expect(path.posix.dirname(PATHS.logDirs)).toBe(PATHS.data);
    for (const set of renderClusterConfigs(settings(gke))) {
      for (const text of Object.values(set.files)) {
        const p = parseProperties(text);
        expect(p["log.dirs"]).toBe("/var/lib/kafka/data/logs");
        expect(p["metadata.log.dir"]).toBe(set.role === "controller" ? "/var/lib/kafka/data/logs" : undefined);
      }
    }
  });
});

describe("the apache/kafka image", () => {
  it("declares the VOLUMEs of its Dockerfile", () => {
    expect(Object.values(KAFKA_IMAGE_VOLUMES).sort()).toEqual(["/etc/kafka/secrets", "/mnt/shared/config", "/var/lib/kafka/data"]);
  });

  it.each([
    ["apache/kafka:4.1.2", true],
    ["docker.io/apache/kafka:4.1.2", true],
    ["registry.example:5000/apache/kafka@sha256:0123", true],
    ["apache/kafka", true],
    ["apache/kafka-native:4.1.2", false],
    ["curlimages/curl:8.11.1", false],
  ])("%s is the Kafka image: %s", (image, expected) => {
    expect(isKafkaImage(image)).toBe(expected);
  });
});

describe("names, bootstrap and client snippets", () => {
  const nodes = nodesOf(gke);
  const broker = brokersOf(nodes).find((b) => b.region === "us-west1" && b.ordinal === 2)!;

  it("puts the cross-cluster name first in a node's certificate, then its in-cluster names", () => {
    expect(nodeDnsNames("submariner", broker)).toEqual([
      "kafka-broker-gke-us-west1-2.gke-us-west1.kafka-broker-gke-us-west1.kafka.svc.clusterset.local",
      "kafka-broker-gke-us-west1-2.kafka-broker-gke-us-west1.kafka.svc.cluster.local",
      "kafka-broker-gke-us-west1-2.kafka-broker-gke-us-west1.kafka.svc",
    ]);
  });

  it.each([
    ["gke", gke],
    ["eks", eks],
  ] as const)("%s: every certificate common name is the pod name, within RFC 5280's 64 characters", (_stack, spec) => {
    const all = nodesOf(spec);
    expect(all).toHaveLength(12);
    for (const n of all) {
      expect(nodeCommonName(n)).toBe(n.podName);
      expect(nodeCommonName(n).length).toBeLessThanOrEqual(MAX_COMMON_NAME_LENGTH);
      // The long names the certificate must answer to are its SANs.
      expect(Math.max(...nodeDnsNames(spec.mesh.mode, n).map((d) => d.length))).toBeGreaterThan(MAX_COMMON_NAME_LENGTH);
    }
    expect(certificateNameProblems(all)).toEqual([]);
  });

  it("refuses cluster ids that make a common name longer than 64 characters, once per region", () => {
    const long = kafkaNodes({
      regions: [
        { name: "a", clusterId: "a" },
        { name: "b", clusterId: "b".repeat(48) },
        { name: "c", clusterId: "c" },
      ],
      brokersPerRegion: 3,
      controllersPerRegion: 1,
    });
    const problems = certificateNameProblems(long);
    expect(problems.map((p) => p.propertyPath)).toEqual(["regions[1].clusterId"]);
    // kafka-controller-<48>-0: 17 + 48 + 2 = 67 characters.
    expect(problems[0].reason).toMatch(/kafka-controller-b{48}-0 67 characters long; RFC 5280 allows 64/);
  });

  it("bootstraps each region from its own three brokers' client listeners", () => {
    expect(bootstrapServers("istio", nodes, "us-central1").split(",")).toEqual([
      "kafka-broker-gke-us-central1-0.kafka.svc.cluster.local:9092",
      "kafka-broker-gke-us-central1-1.kafka.svc.cluster.local:9092",
      "kafka-broker-gke-us-central1-2.kafka.svc.cluster.local:9092",
    ]);
  });

  it("gives producers acks=all, idempotence and the stack's batching, consumers their rack, and nobody a password", () => {
    const snippets = clientSnippets({
      mesh: "submariner",
      nodes,
      region: "us-east4",
      username: "admin",
      socketBufferBytes: 81_250_000,
      producer: gke.kafka.producer,
    });
    const producer = parseProperties(snippets.producer);
    expect(producer).toMatchObject({
      acks: "all",
      "enable.idempotence": "true",
      "compression.type": "lz4",
      "batch.size": "131072",
      "linger.ms": "50",
      "send.buffer.bytes": "81250000",
      "security.protocol": "SASL_SSL",
      "sasl.mechanism": "SCRAM-SHA-512",
      "ssl.truststore.type": "PEM",
    });
    expect(parseProperties(snippets.consumer)).toMatchObject({ "client.rack": "us-east4", "receive.buffer.bytes": "81250000" });
    expect(producer["bootstrap.servers"]).toBe(bootstrapServers("submariner", nodes, "us-east4"));
    expect(producer["sasl.jaas.config"]).toMatch(
      /username="admin" password="<password: Secret kafka\/kafka-admin-credentials, key password>"/,
    );
    const istio = clientSnippets({
      mesh: "istio",
      nodes,
      region: "us-east4",
      username: "admin",
      socketBufferBytes: 1,
      producer: gke.kafka.producer,
    });
    expect(parseProperties(istio.consumer)["security.protocol"]).toBe("SASL_PLAINTEXT");
    expect(istio.consumer).not.toMatch(/ssl\./);
  });

  it("admits the other clusters' pod ranges: the secondary pod range on GKE, the VPC itself on EKS (VPC CNI)", () => {
    expect(crossClusterSourceRanges(gke.regions, 0)).toEqual([gke.regions[1].podCidr, gke.regions[2].podCidr]);
    expect(crossClusterSourceRanges(eks.regions, 2)).toEqual([eks.regions[0].nodeCidr, eks.regions[1].nodeCidr]);
  });
});

describe("kafkaDeploymentProblems", () => {
  const ok: KafkaDeploymentInput = {
    specRegions: ["a", "b", "c"],
    clusterRegions: ["a", "b", "c"],
    specMesh: "istio",
    layerMesh: "istio",
    socketBufferBytes: 81_250_000,
    brokersPerRegion: 3,
    controllersPerRegion: 1,
    kafkaNodesPerRegion: 3,
    machineType: "n2-standard-16",
    shapeKnown: true,
    sizingProblems: [],
    clientNamespaces: ["kafka-clients"],
  };

  it("accepts the stacks' shape", () => {
    expect(kafkaDeploymentProblems(ok)).toEqual([]);
  });

  it("lists every problem at once, each under its input path", () => {
    const problems = kafkaDeploymentProblems({
      ...ok,
      clusterRegions: ["a", "c", "b"],
      layerMesh: "submariner",
      socketBufferBytes: 0.5,
      brokersPerRegion: 4,
      controllersPerRegion: 0,
      shapeKnown: false,
      clientNamespaces: ["Bad_Name"],
    });
    expect(problems.map((p) => p.propertyPath)).toEqual([
      "clusters[1].region",
      "clusters[2].region",
      "mesh.mode",
      "socketBufferBytes",
      "controllersPerRegion",
      "kafkaNodes.countPerRegion",
      "kafkaNodes.machineType",
      "clientNamespaces[0]",
    ]);
  });
});

describe("checkStackPlacement", () => {
  it.each([
    ["gke", gke],
    ["eks", eks],
  ] as const)("%s: one replica per region, and losing any region keeps min.insync.replicas and a controller majority", (_stack, spec) => {
    const check = checkStackPlacement(spec);
    expect(check.problems).toEqual([]);
    expect(check.ok).toBe(true);
    expect(check.regionLoss.map((r) => r.controllersLeft)).toEqual([2, 2, 2]);
    expect(defaultTopics(spec.kafka).map((t) => t.name)).toEqual(["(default topic)", "__consumer_offsets", "__transaction_state"]);
  });

  it("fails for topics a region loss would stop (RF 2 with min.insync.replicas 2)", () => {
    const check = checkStackPlacement(gke, [{ name: "t", partitions: 12, replicationFactor: 2 }]);
    expect(check.ok).toBe(false);
    expect(check.problems.join("\n")).toMatch(/below min.insync.replicas=2/);
  });
});
