// What both clouds derive from a StackSpec before creating anything: buffer sizing, the cost estimate with its
// capacity ceiling, and the outputs every stack exports.
import * as pulumi from "@pulumi/pulumi";
import { CapacityEstimate, estimateCapacity } from "../lib/capacity";
import { capacityInputsFromSpec } from "../lib/capacity-from-spec";
import { StackSpec } from "../lib/config/spec";
import { CostEstimate, estimateCost } from "../lib/cost";
import { PriceUse, costInputsFromSpec } from "../lib/cost-from-spec";
import { costEstimateOutput, renderSummary } from "../lib/cost-report";
import { SocketBufferPlan, planSocketBuffers, wanSocket } from "../lib/socket-buffers";

export interface DerivedPlan {
  socketBuffers: SocketBufferPlan;
  cost: CostEstimate;
  prices: PriceUse[];
  /** Undefined when the machine or disk type has no capacity data. */
  capacity?: CapacityEstimate;
}

export function derivePlan(spec: StackSpec): DerivedPlan {
  const socketBuffers = planSocketBuffers(spec.links);
  const { inputs, prices } = costInputsFromSpec(spec);
  const capacityInputs = capacityInputsFromSpec(spec, socketBuffers);
  return {
    socketBuffers,
    cost: estimateCost(inputs),
    prices,
    ...(capacityInputs ? { capacity: estimateCapacity(capacityInputs) } : {}),
  };
}

/** During `pulumi preview`, one readable cost summary in the log; warnings where the plan cannot carry the traffic. */
export function reportCost(spec: StackSpec, derived: DerivedPlan): void {
  if (pulumi.runtime.isDryRun()) void pulumi.log.info(renderSummary(pulumi.getStack(), derived.cost, derived.capacity));
  if (derived.capacity && derived.capacity.utilization > 1) {
    void pulumi.log.warn(
      `geo-kafka:traffic.produceBytesPerSecond: ${spec.traffic.produceBytesPerSecond} bytes/s is above the deployment's ceiling of ${Math.floor(derived.capacity.ceilingProduceBytesPerSecond)} (bottleneck: ${derived.capacity.bottleneck.name})`,
    );
  }
}

/** Outputs every stack exports, whatever the cloud. */
export function commonOutputs(spec: StackSpec, derived: DerivedPlan) {
  return {
    cloud: spec.cloud,
    mesh: spec.mesh.mode,
    regions: spec.regions.map((r) => ({
      name: r.name,
      clusterId: r.clusterId,
      zones: r.zones,
      nodeCidr: r.nodeCidr,
      podCidr: r.podCidr,
      serviceCidr: r.serviceCidr,
    })),
    socketBuffers: {
      socketBufferBytes: derived.socketBuffers.socketBufferBytes,
      worstBdpBytes: derived.socketBuffers.worstBdpBytes,
      sizingLink: derived.socketBuffers.sizingLink,
      nodeSysctls: derived.socketBuffers.sysctls,
      // What one WAN connection may pin in kernel memory: Kafka's own socket, or Envoy's upstream with Istio.
      kernelBytesPerConnection: wanSocket(derived.socketBuffers, spec.mesh.mode).kernelBytesPerConnection,
    },
    costEstimate: costEstimateOutput(derived.cost, derived.capacity, derived.prices),
  };
}
