// Socket-buffer sizing from the bandwidth-delay product, and the node sysctls that let Linux honour it.
//
// Linux clamps an explicit SO_RCVBUF/SO_SNDBUF to net.core.rmem_max/wmem_max (212992 bytes by default on
// most distributions) and stores twice the requested value to cover its own bookkeeping; an explicit size
// also turns off receive autotuning. So the buffer Kafka asks for must fit under rmem_max/wmem_max, and
// every open connection may pin up to twice the buffer in each direction.
import { AUTOTUNED_WINDOW_SHARE } from "./capacity-data";
import { RegionLink, flowBytesPerSecond, linkBdpBytes, worstPaths } from "./topology";
import type { Mesh } from "./types";

/** Largest value of a Java int: Kafka's socket buffer settings are ints. */
export const KAFKA_MAX_BUFFER_BYTES = 2_147_483_647;
/** Largest value of the int sysctls net.core.rmem_max/wmem_max and of each tcp_rmem/tcp_wmem field. */
export const SYSCTL_INT_MAX = 2_147_483_647;
/** Kafka's own defaults (broker and clients). */
export const KAFKA_DEFAULT_SOCKET_SEND_BUFFER_BYTES = 102_400;
export const KAFKA_DEFAULT_SOCKET_RECEIVE_BUFFER_BYTES = 102_400;
export const KAFKA_DEFAULT_REPLICA_SOCKET_RECEIVE_BUFFER_BYTES = 65_536;
/** Linux default net.core.rmem_max / wmem_max. */
export const LINUX_DEFAULT_RMEM_MAX_BYTES = 212_992;

const MIB = 1_048_576;

export interface NodeSysctls {
  "net.core.rmem_max": string;
  "net.core.wmem_max": string;
  /** "min default max" */
  "net.ipv4.tcp_rmem": string;
  "net.ipv4.tcp_wmem": string;
}

export interface SocketBufferPlan {
  /** The largest per-flow BDP over all region pairs, before any clamp. */
  worstBdpBytes: number;
  /** The link that sets it. */
  sizingLink: { a: string; b: string; rttMs: number; flowBytesPerSecond: number };
  /** The value for socket.send.buffer.bytes, socket.receive.buffer.bytes, replica.socket.receive.buffer.bytes and clients. */
  socketBufferBytes: number;
  /** True when the BDP exceeded Kafka's int range and the buffer was clamped. */
  clampedToKafkaMax: boolean;
  /** net.core.rmem_max / wmem_max to set on Kafka nodes (>= socketBufferBytes). */
  coreMaxBytes: number;
  /** Maximum field of tcp_rmem / tcp_wmem, for connections that autotune (explicit buffers ignore it). */
  tcpAutotuneMaxBytes: number;
  sysctls: NodeSysctls;
  /** Kernel memory one connection may pin with full buffers in both directions (Linux doubles each request). */
  kernelBytesPerConnection: number;
  /** Throughput of one replication flow on the worst-RTT path with Kafka's default 64 KiB fetch socket: window / RTT. */
  defaultReplicaThroughputBytesPerSecond: number;
  /** Throughput of one flow with the computed buffer on the sizing link: min(buffer / RTT, flow rate). */
  sizedThroughputBytesPerSecond: number;
}

function roundUpTo(value: number, step: number): number {
  return Math.ceil(value / step) * step;
}

/**
 * Sizes the socket buffers for the worst inter-region path.
 * buffer = max(largest per-flow BDP, Kafka's default), at most Kafka's int maximum;
 * rmem_max/wmem_max = buffer rounded up to a MiB; tcp_*mem max = twice that (autotuned buffers count overhead).
 */
export function planSocketBuffers(links: readonly RegionLink[]): SocketBufferPlan {
  const { byBdp, byRtt } = worstPaths(links);
  const worstBdpBytes = linkBdpBytes(byBdp);
  const wanted = Math.max(worstBdpBytes, KAFKA_DEFAULT_SOCKET_RECEIVE_BUFFER_BYTES);
  const socketBufferBytes = Math.min(wanted, KAFKA_MAX_BUFFER_BYTES);
  const coreMaxBytes = Math.min(roundUpTo(socketBufferBytes, MIB), SYSCTL_INT_MAX);
  const tcpAutotuneMaxBytes = Math.min(2 * coreMaxBytes, SYSCTL_INT_MAX);
  const flowRate = flowBytesPerSecond(byBdp);
  return {
    worstBdpBytes,
    sizingLink: { a: byBdp.a, b: byBdp.b, rttMs: byBdp.rttMs, flowBytesPerSecond: flowRate },
    socketBufferBytes,
    clampedToKafkaMax: wanted > KAFKA_MAX_BUFFER_BYTES,
    coreMaxBytes,
    tcpAutotuneMaxBytes,
    sysctls: {
      "net.core.rmem_max": String(coreMaxBytes),
      "net.core.wmem_max": String(coreMaxBytes),
      "net.ipv4.tcp_rmem": `4096 131072 ${tcpAutotuneMaxBytes}`,
      "net.ipv4.tcp_wmem": `4096 16384 ${tcpAutotuneMaxBytes}`,
    },
    kernelBytesPerConnection: 2 * socketBufferBytes * 2,
    defaultReplicaThroughputBytesPerSecond: Math.floor(KAFKA_DEFAULT_REPLICA_SOCKET_RECEIVE_BUFFER_BYTES / (byRtt.rttMs / 1000)),
    sizedThroughputBytesPerSecond: Math.floor(Math.min(socketBufferBytes / (byBdp.rttMs / 1000), flowRate)),
  };
}

/** The buffer the kernel actually grants for a requested size under a given core max (before its doubling). */
export function grantedBufferBytes(requestedBytes: number, coreMaxBytes: number): number {
  return Math.min(requestedBytes, coreMaxBytes);
}

/** The socket of a replication connection that crosses the WAN, as each mesh routes Kafka. */
export interface WanSocket {
  /** Kafka's own socket (native pod routes), or the sidecar's upstream connection (Istio; Kafka's ends on loopback). */
  owner: "kafka" | "envoy";
  /** Its usable TCP window, bytes. */
  windowBytes: number;
  /** Kernel memory that socket may pin with full buffers in both directions, bytes. */
  kernelBytesPerConnection: number;
}

/**
 * Which buffers govern the WAN leg. Submariner (service discovery only): Kafka's explicit buffer, granted under
 * rmem_max/wmem_max, pinned twice per direction. Istio: Envoy's socket autotunes up to tcp_rmem/tcp_wmem max, which
 * count the kernel's overhead (no doubling) and of which a share is window; Kafka's explicit buffer sizes only the
 * loopback leg to the sidecar, which drains at memory speed.
 */
export function wanSocket(plan: SocketBufferPlan, mesh: Mesh): WanSocket {
  switch (mesh) {
    case "submariner":
      return {
        owner: "kafka",
        windowBytes: grantedBufferBytes(plan.socketBufferBytes, plan.coreMaxBytes),
        kernelBytesPerConnection: plan.kernelBytesPerConnection,
      };
    case "istio":
      return {
        owner: "envoy",
        windowBytes: Math.floor(plan.tcpAutotuneMaxBytes * AUTOTUNED_WINDOW_SHARE.value),
        kernelBytesPerConnection: 2 * plan.tcpAutotuneMaxBytes,
      };
    default: {
      const never: never = mesh;
      throw new Error(`unknown mesh ${String(never)}`);
    }
  }
}
