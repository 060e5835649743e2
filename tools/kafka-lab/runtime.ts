// The Kafka release the lab runs: resolved by Maven from tools/kafka-lab/pom.xml into the machine's lab cache
// (tools/cache-dir.ts: outside the checkout, keyed by the pom's content), with a thin /opt/kafka of start scripts over
// those jars, and the lab's Java client compiled beside them (keyed by its sources). `npm run lab:kafka:fetch` does it
// once per machine; the lab then runs offline and refuses, saying how to fix it, when a piece is missing.
import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { TOOLS_LOG4J2_CONFIG } from "../../lib/kafka/readiness";
import { cacheRoot, contentKey } from "../cache-dir";
import { REPO_ROOT } from "../run-stack";

export const POM = path.join(REPO_ROOT, "tools", "kafka-lab", "pom.xml");
/** The lab client's Java sources (one class per concern, entry point LabClient), compiled together. */
export const CLIENT_SOURCE_DIR = path.join(REPO_ROOT, "tools", "kafka-lab", "client-java");

/** The client's source files in a stable order. */
export function clientSources(): string[] {
  if (!fs.existsSync(CLIENT_SOURCE_DIR)) return [];
  return fs
    .readdirSync(CLIENT_SOURCE_DIR)
    .filter((f) => f.endsWith(".java"))
    .sort()
    .map((f) => path.join(CLIENT_SOURCE_DIR, f));
}
export const FETCH_COMMAND = "npm run lab:kafka:fetch";

/** The Kafka version the pom pins: the lab runs only this one, and the stack must deploy the same. */
export function pinnedKafkaVersion(): string {
  const m = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(fs.readFileSync(POM, "utf8"));
  if (!m) throw new Error(`${POM} has no <kafka.version>`);
  return m[1].trim();
}

export interface KafkaRuntime {
  version: string;
  dir: string;
  /** Every jar of the release's dependency tree. */
  libs: string;
  /** What the lab mounts at the image's /opt/kafka: bin/ scripts over `libs`. */
  home: string;
  /** Compiled LabClient. */
  clientClasses: string;
  java: string;
}

/** Maven's local repository for the lab, shared by every entry. */
export function mavenRepository(): string {
  return path.join(cacheRoot(), "maven");
}

/** The client's compiled classes are keyed by its sources: a clone with other sources compiles its own. */
function clientSourceKey(): string {
  return contentKey(...clientSources().flatMap((f) => [path.basename(f), fs.readFileSync(f, "utf8")]));
}

export function runtimePaths(version = pinnedKafkaVersion()): KafkaRuntime {
  const dir = path.join(cacheRoot(), "kafka-lab", `${version}-${contentKey(fs.readFileSync(POM, "utf8"))}`);
  return {
    version,
    dir,
    libs: path.join(dir, "libs"),
    home: path.join(dir, "home"),
    clientClasses: path.join(dir, `client-${clientSourceKey()}`),
    java: "java",
  };
}

function sha256(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}

function has(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).status === 0;
}

/** Java's major version, or undefined. */
export function javaMajor(): number | undefined {
  const r = spawnSync("java", ["-version"], { encoding: "utf8" });
  const m = /version "(\d+)/.exec(`${r.stderr}${r.stdout}`);
  return m ? Number(m[1]) : undefined;
}

/**
 * The start scripts of the release's bin/ directory, reduced to what the rendered scripts call. The release tarball
 * is not on Maven Central, only its jars: these follow kafka-run-class.sh's environment contract (KAFKA_HEAP_OPTS,
 * KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_GC_LOG_OPTS, KAFKA_LOG4J_OPTS, KAFKA_OPTS, LOG_DIR) and main classes.
 */
export const BIN_SCRIPTS: Record<string, { mainClass: string; server?: boolean }> = {
  "kafka-server-start.sh": { mainClass: "kafka.Kafka", server: true },
  "kafka-storage.sh": { mainClass: "kafka.tools.StorageTool" },
  "kafka-topics.sh": { mainClass: "org.apache.kafka.tools.TopicCommand" },
  "kafka-metadata-quorum.sh": { mainClass: "org.apache.kafka.tools.MetadataQuorumCommand" },
  "kafka-configs.sh": { mainClass: "kafka.admin.ConfigCommand" },
  "kafka-features.sh": { mainClass: "org.apache.kafka.tools.FeatureCommand" },
  "kafka-cluster.sh": { mainClass: "org.apache.kafka.tools.ClusterTool" },
  "kafka-acls.sh": { mainClass: "org.apache.kafka.tools.AclCommand" },
  "kafka-console-consumer.sh": { mainClass: "org.apache.kafka.tools.consumer.ConsoleConsumer" },
  "kafka-console-producer.sh": { mainClass: "org.apache.kafka.tools.ConsoleProducer" },
};

function binScript(mainClass: string, server: boolean): string {
  return `#!/bin/sh
# geo-kafka Kafka lab: stands in for the release's script of the same name (kafka-run-class.sh contract).
base="$(cd "$(dirname "$0")/.." && pwd)"
heap="\${KAFKA_HEAP_OPTS:-${server ? "-Xmx1G -Xms1G" : "-Xmx256M"}}"
${server ? 'gc="${KAFKA_GC_LOG_OPTS:-}"\nperf="${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true}"' : 'gc=""\nperf="${KAFKA_JVM_PERFORMANCE_OPTS:--XX:TieredStopAtLevel=1 -Djava.awt.headless=true}"'}
log4j="\${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$base/config/tools-log4j2.yaml}"
# shellcheck disable=SC2086
exec java $heap $perf $gc $log4j \${KAFKA_OPTS:-} -cp "$base/libs/*" ${mainClass} "$@"
`;
}

export interface FetchReport {
  resolved: boolean;
  compiled: boolean;
  seconds: number;
}

/** Resolves the jars (once per pom content), writes the bin/ scripts and compiles the client (once per source). */
export function fetchRuntime(log: (line: string) => void): FetchReport {
  const started = Date.now();
  const missing = ["java", "javac", "mvn"].filter((c) => !has(c));
  if (missing.length > 0) {
    throw new Error(
      `missing ${missing.join(", ")}: install a JDK 17+ and Maven (Debian: apt-get install -y openjdk-17-jdk-headless maven)`,
    );
  }
  const rt = runtimePaths();
  const pomHash = sha256(fs.readFileSync(POM, "utf8"));
  const stamp = path.join(rt.dir, "libs.sha256");
  let resolved = false;
  if (!fs.existsSync(stamp) || fs.readFileSync(stamp, "utf8").trim() !== pomHash || !fs.existsSync(rt.libs)) {
    log(`resolving Kafka ${rt.version} and its dependencies with Maven (${POM})`);
    fs.rmSync(rt.libs, { recursive: true, force: true });
    fs.mkdirSync(rt.dir, { recursive: true });
    const r = spawnSync(
      "mvn",
      ["-B", "-q", "-f", POM, `-Dmaven.repo.local=${mavenRepository()}`, "dependency:copy-dependencies", `-DoutputDirectory=${rt.libs}`],
      { stdio: ["ignore", "inherit", "inherit"] },
    );
    if (r.status !== 0) throw new Error(`Maven could not resolve ${POM} (exit ${r.status})`);
    fs.writeFileSync(stamp, `${pomHash}\n`);
    resolved = true;
  }
  // /opt/kafka as the image lays it out: bin/, libs/, config/.
  fs.mkdirSync(path.join(rt.home, "bin"), { recursive: true });
  fs.mkdirSync(path.join(rt.home, "config"), { recursive: true });
  // Mount point of the pod's log volume (LOG_DIR), as in the image.
  fs.mkdirSync(path.join(rt.home, "logs"), { recursive: true });
  // A real directory of hard links, not a symlink to the cache: a pod's own /tmp volume covers the host's /tmp inside
  // its mount namespace, and with a checkout under /tmp a symlink would point into the covered tree.
  const homeLibs = path.join(rt.home, "libs");
  fs.rmSync(homeLibs, { recursive: true, force: true });
  fs.mkdirSync(homeLibs);
  for (const jar of fs.readdirSync(rt.libs)) fs.linkSync(path.join(rt.libs, jar), path.join(homeLibs, jar));
  for (const [name, s] of Object.entries(BIN_SCRIPTS)) {
    fs.writeFileSync(path.join(rt.home, "bin", name), binScript(s.mainClass, s.server === true), { mode: 0o755 });
  }
  fs.writeFileSync(path.join(rt.home, "config", "tools-log4j2.yaml"), TOOLS_LOG4J2_CONFIG);

  let compiled = false;
  const sources = clientSources();
  if (sources.length > 0) {
    const srcHash = sha256(sources.map((f) => `${path.basename(f)}\n${fs.readFileSync(f, "utf8")}`).join("\n"));
    const clientStamp = path.join(rt.clientClasses, "source.sha256");
    if (!fs.existsSync(clientStamp) || fs.readFileSync(clientStamp, "utf8").trim() !== srcHash) {
      log("compiling the lab client (tools/kafka-lab/client-java/)");
      fs.rmSync(rt.clientClasses, { recursive: true, force: true });
      fs.mkdirSync(rt.clientClasses, { recursive: true });
      const r = spawnSync("javac", ["-nowarn", "-d", rt.clientClasses, "-cp", `${rt.libs}/*`, ...sources], {
        stdio: ["ignore", "inherit", "inherit"],
      });
      if (r.status !== 0) throw new Error(`javac could not compile ${CLIENT_SOURCE_DIR}`);
      fs.writeFileSync(clientStamp, `${srcHash}\n`);
      compiled = true;
    }
  }
  // Everything under the cache is read by the lab's unprivileged Kafka user too.
  spawnSync("chmod", ["-R", "a+rX", rt.dir]);
  return { resolved, compiled, seconds: (Date.now() - started) / 1000 };
}

/** What is missing for a lab run, each with how to get it; empty when ready. */
export function runtimeProblems(stackKafkaVersion: string): string[] {
  const problems: string[] = [];
  const major = javaMajor();
  if (major === undefined) problems.push("java is not on PATH: install a JDK 17+ (Debian: apt-get install -y openjdk-17-jdk-headless)");
  else if (major < 17) problems.push(`java ${major} is too old: Kafka ${pinnedKafkaVersion()} needs 17+`);
  if (!has("mvn")) problems.push("mvn is not on PATH: install Maven (Debian: apt-get install -y maven), then run " + FETCH_COMMAND);
  const pinned = pinnedKafkaVersion();
  if (stackKafkaVersion !== pinned) {
    problems.push(
      `the stack deploys Kafka ${stackKafkaVersion} but tools/kafka-lab/pom.xml pins ${pinned}: set <kafka.version> to ${stackKafkaVersion} and run ${FETCH_COMMAND}`,
    );
  }
  const rt = runtimePaths(pinned);
  if (!fs.existsSync(path.join(rt.dir, "libs.sha256")) || !fs.existsSync(path.join(rt.home, "bin", "kafka-server-start.sh"))) {
    problems.push(`Kafka ${pinned} is not in the cache (${rt.dir}): run ${FETCH_COMMAND}`);
  } else if (fs.readFileSync(path.join(rt.dir, "libs.sha256"), "utf8").trim() !== sha256(fs.readFileSync(POM, "utf8"))) {
    problems.push(`the cache was fetched for another tools/kafka-lab/pom.xml: run ${FETCH_COMMAND}`);
  }
  if (!fs.existsSync(path.join(rt.clientClasses, "LabClient.class"))) problems.push(`the lab client is not compiled: run ${FETCH_COMMAND}`);
  return problems;
}
