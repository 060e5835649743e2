// The lab's emulated network as plain data: one namespace per pod (its own address, like a pod sandbox), a router
// namespace per region, one client namespace per region, a delay line per region pair with that pair's RTT, and the
// hosts entries that make the names Kafka advertises resolve to the lab's addresses. tools/kafka-lab/net.ts builds it.
import { parseProperties } from "../kafka/properties";
import type { RegionLink } from "../topology";

/** A private range used only inside the namespaces the lab creates; 10.254.<region>.0/24 per region. */
export const LAB_PREFIX = "10.254";
export const ROUTER_HOST = 1;
export const CLIENT_HOST = 2;
export const FIRST_POD_HOST = 10;

export interface LabMember {
  /** Pod name, or `client-<region>`. */
  name: string;
  ns: string;
  address: string;
  /** Veth name on the router side (<= 15 characters). */
  routerDev: string;
}

export interface LabRegion {
  name: string;
  index: number;
  routerNs: string;
  routerAddress: string;
  subnet: string;
  client: LabMember;
  pods: LabMember[];
}

export interface LabLink {
  a: number;
  b: number;
  /** TUN device name in both routers. */
  dev: string;
  rttMs: number;
  oneWayUs: number;
}

export interface LabNetwork {
  prefix: string;
  regions: LabRegion[];
  links: LabLink[];
}

/** Namespace names: short, so `ip` and the veth names stay within their limits; unique per run prefix. */
export function labNetwork(
  prefix: string,
  regions: ReadonlyArray<{ name: string; pods: readonly string[] }>,
  links: readonly RegionLink[],
): LabNetwork {
  if (regions.length > 9) throw new Error("the lab addresses at most 9 regions");
  const labRegions = regions.map((r, index): LabRegion => {
    const base = `${LAB_PREFIX}.${index}`;
    if (r.pods.length > 200) throw new Error(`${r.name}: at most 200 pods per region`);
    return {
      name: r.name,
      index,
      routerNs: `${prefix}-r${index}`,
      routerAddress: `${base}.${ROUTER_HOST}`,
      subnet: `${base}.0/24`,
      client: { name: `client-${r.name}`, ns: `${prefix}-c${index}`, address: `${base}.${CLIENT_HOST}`, routerDev: `vc${index}` },
      pods: r.pods.map((pod, i) => ({
        name: pod,
        ns: `${prefix}-p${index}-${i}`,
        address: `${base}.${FIRST_POD_HOST + i}`,
        routerDev: `vp${index}-${i}`,
      })),
    };
  });
  const labLinks: LabLink[] = [];
  for (let a = 0; a < labRegions.length; a++) {
    for (let b = a + 1; b < labRegions.length; b++) {
      const link = links.find(
        (l) => (l.a === labRegions[a].name && l.b === labRegions[b].name) || (l.b === labRegions[a].name && l.a === labRegions[b].name),
      );
      if (!link) throw new Error(`no link between ${labRegions[a].name} and ${labRegions[b].name} in the stack`);
      labLinks.push({ a, b, dev: `wan${a}${b}`, rttMs: link.rttMs, oneWayUs: Math.round(link.rttMs * 500) });
    }
  }
  return { prefix, regions: labRegions, links: labLinks };
}

export function allNamespaces(net: LabNetwork): string[] {
  return namespaceAddresses(net).map((n) => n.ns);
}

export function memberOf(net: LabNetwork, pod: string): { region: LabRegion; member: LabMember } {
  for (const region of net.regions) {
    const member = region.pods.find((p) => p.name === pod);
    if (member) return { region, member };
  }
  throw new Error(`pod ${pod} is not in the lab network`);
}

/** Host names in `advertised.listeners` (`NAME://host:port,...`). */
export function advertisedHosts(serverProperties: string): string[] {
  const value = parseProperties(serverProperties)["advertised.listeners"] ?? "";
  return [
    ...new Set(
      value
        .split(",")
        .map((l) => /^[A-Za-z0-9_]+:\/\/(\[[^\]]+\]|[^:]+):\d+$/.exec(l.trim())?.[1])
        .filter((h): h is string => h !== undefined && h !== "" && h !== "0.0.0.0"),
    ),
  ];
}

/** Host names a node dials to find the quorum (dynamic bootstrap servers or static voters). */
export function quorumHosts(serverProperties: string): string[] {
  const p = parseProperties(serverProperties);
  const hosts: string[] = [];
  for (const entry of (p["controller.quorum.bootstrap.servers"] ?? "").split(",").filter(Boolean)) {
    const m = /^(.+):\d+$/.exec(entry.trim());
    if (m) hosts.push(m[1]);
  }
  for (const entry of (p["controller.quorum.voters"] ?? "").split(",").filter(Boolean)) {
    const m = /^\d+@(.+):\d+$/.exec(entry.trim());
    if (m) hosts.push(m[1]);
  }
  return hosts;
}

/**
 * /etc/hosts text for one namespace: each pod's advertised names at its lab address, and, as kubelet writes into every
 * pod's /etc/hosts, the host name the namespace's processes see at the namespace's own address. Without that line a
 * JVM's InetAddress.getLocalHost() (log4j2 asks for it at start) goes to a name server the namespace cannot reach and
 * waits out the resolver's timeouts: 5-10 s for every Kafka node and tool started in the lab.
 */
export function hostsFile(
  entries: ReadonlyArray<{ address: string; names: readonly string[] }>,
  self?: { address: string; hostname: string },
): string {
  const lines = ["127.0.0.1 localhost", "::1 localhost ip6-localhost ip6-loopback"];
  if (self) lines.push(`${self.address} ${self.hostname}`);
  for (const e of entries) if (e.names.length > 0) lines.push(`${e.address} ${e.names.join(" ")}`);
  return `${lines.join("\n")}\n`;
}

/** Each namespace with its own address: a pod's or client's lab address, a router's address on its veths. */
export function namespaceAddresses(net: LabNetwork): Array<{ ns: string; address: string }> {
  return net.regions.flatMap((r) => [
    { ns: r.routerNs, address: r.routerAddress },
    ...[r.client, ...r.pods].map((m) => ({ ns: m.ns, address: m.address })),
  ]);
}

/** Delay-line queue: one BDP of the slowest-to-drain path at the link rate, at least 1 MiB. */
export function queueBytesFor(rateMbit: number, rttMs: number): number {
  return Math.max(1_048_576, Math.ceil(((rateMbit * 1e6) / 8) * (rttMs / 1000)));
}
