// Builds the lab's network from lib/kafka-lab/network.ts: namespaces, veth pairs to each region's router, the
// delay lines between routers (tools/wan/delay-line.c), hosts files, and region cuts as blackhole routes (packets
// vanish silently, as on a real partition, instead of being refused).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  LabLink,
  LabMember,
  LabNetwork,
  LabRegion,
  allNamespaces,
  hostsFile,
  namespaceAddresses,
  queueBytesFor,
} from "../../lib/kafka-lab/network";
import { REPO_ROOT } from "../run-stack";
import { Finished, RunState, must, saveState, sh, sleep, spawnBounded, writeNsSysctl } from "./sys";

export const DELAY_LINE_SOURCE = path.join(REPO_ROOT, "tools", "wan", "delay-line.c");

export function buildDelayLine(dir: string): string {
  const binary = path.join(dir, "delay-line");
  const r = sh("gcc", ["-O2", "-Wall", "-Wextra", "-Werror", "-o", binary, DELAY_LINE_SOURCE], 120_000);
  if (!r.ok) throw new Error(`gcc could not build ${DELAY_LINE_SOURCE}:\n${r.stderr}`);
  return binary;
}

export interface RunningLink {
  link: LabLink;
  child: ReturnType<typeof spawnBounded>["child"];
  done: Promise<Finished>;
}

function addNamespace(ns: string, state: RunState): void {
  state.namespaces.push(ns);
  saveState(state);
  must("ip", ["netns", "add", ns]);
  must("ip", ["-n", ns, "link", "set", "lo", "up"]);
}

function attach(region: LabRegion, member: LabMember): void {
  must("ip", ["link", "add", member.routerDev, "netns", region.routerNs, "type", "veth", "peer", "name", "eth0", "netns", member.ns]);
  must("ip", ["-n", region.routerNs, "addr", "add", `${region.routerAddress}/32`, "dev", member.routerDev]);
  must("ip", ["-n", region.routerNs, "link", "set", member.routerDev, "up"]);
  must("ip", ["-n", region.routerNs, "route", "add", `${member.address}/32`, "dev", member.routerDev]);
  must("ip", ["-n", member.ns, "addr", "add", `${member.address}/32`, "dev", "eth0"]);
  must("ip", ["-n", member.ns, "link", "set", "eth0", "up"]);
  must("ip", ["-n", member.ns, "route", "add", region.routerAddress, "dev", "eth0"]);
  must("ip", ["-n", member.ns, "route", "add", "default", "via", region.routerAddress]);
}

/** Namespaces, veths and routes of every region; sysctls per pod namespace (the Kafka nodes' tcp_rmem/tcp_wmem). */
export function buildRegions(net: LabNetwork, state: RunState, podSysctls: Record<string, string>): void {
  for (const region of net.regions) {
    addNamespace(region.routerNs, state);
    writeNsSysctl(region.routerNs, "net.ipv4.ip_forward", "1");
    for (const key of ["net.ipv4.conf.all.rp_filter", "net.ipv4.conf.default.rp_filter"]) writeNsSysctl(region.routerNs, key, "0");
    for (const member of [region.client, ...region.pods]) {
      addNamespace(member.ns, state);
      attach(region, member);
    }
    for (const pod of [region.client, ...region.pods]) {
      for (const [key, value] of Object.entries(podSysctls)) writeNsSysctl(pod.ns, key, value);
    }
  }
  // Every namespace exists before any hosts file: all namespaces are listed in the state for cleanup.
  if (allNamespaces(net).length !== state.namespaces.length) throw new Error("namespace bookkeeping is off");
}

/** Starts one delay line per region pair and routes each pair's subnets through it. */
export async function startLinks(
  net: LabNetwork,
  binary: string,
  rateMbit: number,
  maxSeconds: number,
  logDir: string,
): Promise<RunningLink[]> {
  const running: RunningLink[] = [];
  for (const link of net.links) running.push(await startLink(net, link, binary, rateMbit, maxSeconds, logDir));
  return running;
}

/** Starts the delay line of one region pair (`rateMbit` 0: no rate limit, only the delay) and routes through it. */
export async function startLink(
  net: LabNetwork,
  link: LabLink,
  binary: string,
  rateMbit: number,
  maxSeconds: number,
  logDir: string,
): Promise<RunningLink> {
  const a = net.regions[link.a];
  const b = net.regions[link.b];
  const args = [
    "-n",
    "-10",
    binary,
    "--ns-a",
    a.routerNs,
    "--ns-b",
    b.routerNs,
    "--dev",
    link.dev,
    "--one-way-us",
    String(link.oneWayUs),
    "--rate-mbit",
    String(rateMbit),
    "--queue-bytes",
    String(queueBytesFor(rateMbit > 0 ? rateMbit : 10_000, link.rttMs)),
    "--max-seconds",
    String(maxSeconds),
    "--offload",
  ];
  const p = spawnBounded("nice", args, (maxSeconds + 30) * 1000, { logFile: path.join(logDir, `delay-line-${link.dev}.log`) });
  let ready = false;
  for (let i = 0; i < 50 && !ready; i++) {
    await sleep(100);
    ready = sh("ip", ["-n", a.routerNs, "link", "show", link.dev]).ok && sh("ip", ["-n", b.routerNs, "link", "show", link.dev]).ok;
  }
  if (!ready) {
    p.child.kill("SIGKILL");
    const f = await p.done;
    throw new Error(`the delay line ${link.dev} did not start: ${f.stderr.trim() || "no TUN devices within 5 s"}`);
  }
  for (const [self, peer] of [
    [a, b],
    [b, a],
  ]) {
    // A long TX queue: packets the delay line has not read yet must wait, not vanish, inside the emulator.
    must("ip", ["-n", self.routerNs, "link", "set", "dev", link.dev, "mtu", "1500", "txqueuelen", "10000", "up"]);
    // `replace`: a region cut may have left a blackhole route for the peer's subnet.
    must("ip", ["-n", self.routerNs, "route", "replace", peer.subnet, "dev", link.dev]);
  }
  return { link, child: p.child, done: p.done };
}

/**
 * Replaces one running delay line by another with a new RTT and rate (its TUN devices and routes go with the old
 * process; packets in flight are lost, as on a link flap). Returns the new one.
 */
export async function restartLink(
  net: LabNetwork,
  running: RunningLink,
  rttMs: number,
  binary: string,
  rateMbit: number,
  maxSeconds: number,
  logDir: string,
): Promise<RunningLink> {
  await stopLinks([running]);
  const link: LabLink = { ...running.link, rttMs, oneWayUs: Math.round(rttMs * 500) };
  return startLink(net, link, binary, rateMbit, maxSeconds, logDir);
}

export async function stopLinks(links: readonly RunningLink[]): Promise<string[]> {
  const out: string[] = [];
  for (const l of links) {
    l.child.kill("SIGTERM");
    const timer = setTimeout(() => l.child.kill("SIGKILL"), 3000);
    const f = await l.done;
    clearTimeout(timer);
    out.push(`${l.link.dev}: ${f.stderr.trim().split("\n").pop() ?? ""}`);
  }
  return out;
}

function linkDev(net: LabNetwork, x: number, y: number): string {
  const l = net.links.find((k) => (k.a === x && k.b === y) || (k.a === y && k.b === x));
  if (!l) throw new Error(`no link between regions ${x} and ${y}`);
  return l.dev;
}

/** Cuts every link of one region: both directions of both of its paths drop silently. */
export function cutRegion(net: LabNetwork, index: number): void {
  const cut = net.regions[index];
  for (const other of net.regions.filter((r) => r.index !== index)) {
    must("ip", ["-n", cut.routerNs, "route", "replace", "blackhole", other.subnet]);
    must("ip", ["-n", other.routerNs, "route", "replace", "blackhole", cut.subnet]);
  }
}

export function healRegion(net: LabNetwork, index: number): void {
  const cut = net.regions[index];
  for (const other of net.regions.filter((r) => r.index !== index)) {
    const dev = linkDev(net, index, other.index);
    must("ip", ["-n", cut.routerNs, "route", "replace", other.subnet, "dev", dev]);
    must("ip", ["-n", other.routerNs, "route", "replace", cut.subnet, "dev", dev]);
  }
}

/**
 * Writes /etc/netns/<ns>/hosts for every namespace (`ip netns exec` binds it over /etc/hosts): the pods' advertised
 * names, and the machine's host name (which the lab's processes see as theirs) at the namespace's own address.
 */
export function writeHostsFiles(
  net: LabNetwork,
  state: RunState,
  entries: ReadonlyArray<{ address: string; names: readonly string[] }>,
): void {
  const hostname = os.hostname();
  for (const { ns, address } of namespaceAddresses(net)) {
    const dir = path.join("/etc/netns", ns);
    state.netnsEtc.push(dir);
    saveState(state);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "hosts"), hostsFile(entries, { address, hostname }));
  }
}
