// Container requests and limits for brokers and controllers on a dedicated Kafka node, from the machine's shape.
//
// One broker per node (required anti-affinity) and the region's controller beside one of them. The broker's JVM
// heap stays near 6 GiB; everything else the node can give is left to the page cache, which Linux charges to the
// broker's memory cgroup: the broker's memory limit is therefore what it may cache, so it is set to all the node
// memory that kubelet, system DaemonSets and the co-located controller leave over, and the request equals the limit
// so the scheduler reserves it. CPU requests leave room for the same neighbours; the CPU limit is the whole node,
// because CFS throttling of a broker stalls replication for every partition it leads.
import type { Mesh } from "../types";

export interface MachineShape {
  vcpus: number;
  memoryGiB: number;
}

export interface ContainerSizing {
  cpuRequestMillis: number;
  cpuLimitMillis: number;
  memoryRequestMiB: number;
  memoryLimitMiB: number;
}

export interface KafkaSizing {
  broker: ContainerSizing & { heapMiB: number };
  controller: ContainerSizing & { heapMiB: number };
  /** Istio mode only: the sidecar of each pod (set through sidecar.istio.io/proxy* annotations). */
  brokerSidecar?: ContainerSizing;
  controllerSidecar?: ContainerSizing;
  /** Node memory left to the page cache of the broker once its heap and JVM overhead are counted. */
  pageCacheMiB: number;
  /** What the sizing assumed the node keeps for itself (kubelet reservation and eviction threshold). */
  nodeReserved: { cpuMillis: number; memoryMiB: number };
  /** Hard problems: the node cannot hold a broker and a controller. Empty when the sizing is usable. */
  problems: string[];
}

const MIB_PER_GIB = 1024;

/** Long-standing operator advice: a heap around 6 GiB; more only lengthens GC pauses, the page cache does the caching. */
export const BROKER_HEAP_MIB = 6 * MIB_PER_GIB;
/** JVM memory beyond the heap: metaspace, thread stacks (hundreds of network/IO/fetcher threads), direct buffers, code cache. */
export const BROKER_JVM_OVERHEAD_MIB = 2 * MIB_PER_GIB;
/** A broker needs at least this much page cache to serve tailing consumers from memory; less is refused. */
export const MIN_BROKER_PAGE_CACHE_MIB = 4 * MIB_PER_GIB;
/** KRaft controllers hold only the metadata log: a small heap is plenty for hundreds of thousands of partitions. */
export const CONTROLLER_HEAP_MIB = MIB_PER_GIB;
export const CONTROLLER_MEMORY_MIB = 2 * MIB_PER_GIB;
export const CONTROLLER_CPU_REQUEST_MILLIS = 500;
export const CONTROLLER_CPU_LIMIT_MILLIS = 2000;
/**
 * DaemonSets that tolerate every taint and so also run on Kafka nodes: CNI agent, kube-proxy, CSI node plugin,
 * log and metrics agents, and the mesh's node agent (Submariner route agent, istio-cni). A budget, not a measurement.
 */
export const SYSTEM_DAEMONS = { cpuMillis: 1000, memoryMiB: MIB_PER_GIB } as const;
/** Istio sidecars: the broker's carries every replicated and produced byte through mTLS, so it gets real CPU. */
export const BROKER_SIDECAR: ContainerSizing = {
  cpuRequestMillis: 1000,
  cpuLimitMillis: 4000,
  memoryRequestMiB: 512,
  memoryLimitMiB: 1024,
};
export const CONTROLLER_SIDECAR: ContainerSizing = {
  cpuRequestMillis: 100,
  cpuLimitMillis: 1000,
  memoryRequestMiB: 128,
  memoryLimitMiB: 256,
};
/** Kubelet's hard eviction threshold memory.available (GKE and EKS default). */
export const EVICTION_THRESHOLD_MIB = 100;

/**
 * Memory the node keeps from pods, GKE's published formula: 25% of the first 4 GiB, 20% of the next 4, 10% of the
 * next 8, 6% of the next 112 and 2% above 128 GiB. EKS AL2023 reserves less (255 MiB + 11 MiB per max pod, about
 * 2.8 GiB on r5.4xlarge), so using GKE's figure for both clouds only leaves some page cache unused, never a
 * broker Pending for want of memory.
 */
export function reservedMemoryMiB(memoryGiB: number): number {
  const steps: Array<[number, number]> = [
    [4, 0.25],
    [4, 0.2],
    [8, 0.1],
    [112, 0.06],
    [Infinity, 0.02],
  ];
  let left = memoryGiB;
  let reservedGiB = 0;
  for (const [size, share] of steps) {
    const part = Math.min(left, size);
    reservedGiB += part * share;
    left -= part;
    if (left <= 0) break;
  }
  return Math.ceil(reservedGiB * MIB_PER_GIB);
}

/** CPU the node keeps from pods (GKE and EKS use the same steps): 6% of the first core, 1% of the next, 0.5% of the next 2, 0.25% above 4. */
export function reservedCpuMillis(vcpus: number): number {
  const steps: Array<[number, number]> = [
    [1, 0.06],
    [1, 0.01],
    [2, 0.005],
    [Infinity, 0.0025],
  ];
  let left = vcpus;
  let reservedCores = 0;
  for (const [size, share] of steps) {
    const part = Math.min(left, size);
    reservedCores += part * share;
    left -= part;
    if (left <= 0) break;
  }
  return Math.ceil(reservedCores * 1000);
}

const roundDown = (value: number, step: number) => Math.floor(value / step) * step;

/** Sizes broker and controller containers for one Kafka node shape. */
export function kafkaSizing(shape: MachineShape, mesh: Mesh): KafkaSizing {
  const problems: string[] = [];
  const nodeReserved = {
    cpuMillis: reservedCpuMillis(shape.vcpus),
    memoryMiB: reservedMemoryMiB(shape.memoryGiB) + EVICTION_THRESHOLD_MIB,
  };
  const allocatable = {
    cpuMillis: shape.vcpus * 1000 - nodeReserved.cpuMillis,
    memoryMiB: shape.memoryGiB * MIB_PER_GIB - nodeReserved.memoryMiB,
  };
  const istio = mesh === "istio";
  // The node that also runs the controller must still fit the broker: every broker is sized for that node.
  const neighbours = {
    cpuMillis:
      SYSTEM_DAEMONS.cpuMillis +
      CONTROLLER_CPU_REQUEST_MILLIS +
      (istio ? BROKER_SIDECAR.cpuRequestMillis + CONTROLLER_SIDECAR.cpuRequestMillis : 0),
    memoryMiB:
      SYSTEM_DAEMONS.memoryMiB + CONTROLLER_MEMORY_MIB + (istio ? BROKER_SIDECAR.memoryLimitMiB + CONTROLLER_SIDECAR.memoryLimitMiB : 0),
  };
  // Whole GiB and 100 millicores keep the numbers readable in the plan and absorb rounding in the estimates above.
  const brokerMemoryMiB = roundDown(allocatable.memoryMiB - neighbours.memoryMiB, MIB_PER_GIB);
  const brokerCpuMillis = roundDown(allocatable.cpuMillis - neighbours.cpuMillis, 100);
  const heapMiB = Math.min(BROKER_HEAP_MIB, roundDown(Math.max(brokerMemoryMiB, 0) / 4, 256));
  const pageCacheMiB = brokerMemoryMiB - heapMiB - BROKER_JVM_OVERHEAD_MIB;

  if (brokerCpuMillis < 1000) problems.push(`${shape.vcpus} vCPUs leave ${brokerCpuMillis}m for a broker; at least 1000m is needed`);
  if (pageCacheMiB < MIN_BROKER_PAGE_CACHE_MIB) {
    problems.push(
      `${shape.memoryGiB} GiB nodes leave ${Math.max(brokerMemoryMiB, 0)} MiB for a broker: ${heapMiB} MiB heap and ${BROKER_JVM_OVERHEAD_MIB} MiB ` +
        `JVM overhead leave ${pageCacheMiB} MiB of page cache, below ${MIN_BROKER_PAGE_CACHE_MIB} MiB`,
    );
  }
  return {
    broker: {
      heapMiB,
      cpuRequestMillis: brokerCpuMillis,
      cpuLimitMillis: shape.vcpus * 1000,
      memoryRequestMiB: brokerMemoryMiB,
      memoryLimitMiB: brokerMemoryMiB,
    },
    controller: {
      heapMiB: CONTROLLER_HEAP_MIB,
      cpuRequestMillis: CONTROLLER_CPU_REQUEST_MILLIS,
      cpuLimitMillis: CONTROLLER_CPU_LIMIT_MILLIS,
      memoryRequestMiB: CONTROLLER_MEMORY_MIB,
      memoryLimitMiB: CONTROLLER_MEMORY_MIB,
    },
    ...(istio ? { brokerSidecar: BROKER_SIDECAR, controllerSidecar: CONTROLLER_SIDECAR } : {}),
    pageCacheMiB,
    nodeReserved,
    problems,
  };
}

/** Kubernetes quantities for a sizing. */
export function resourceQuantities(s: ContainerSizing): {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
} {
  return {
    requests: { cpu: `${s.cpuRequestMillis}m`, memory: `${s.memoryRequestMiB}Mi` },
    limits: { cpu: `${s.cpuLimitMillis}m`, memory: `${s.memoryLimitMiB}Mi` },
  };
}

/** KAFKA_HEAP_OPTS: a fixed heap (Xms = Xmx) so the JVM never resizes it under load. */
export function heapOpts(heapMiB: number): string {
  return `-Xms${heapMiB}m -Xmx${heapMiB}m`;
}
