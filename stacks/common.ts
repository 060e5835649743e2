// What every stack shares around its composition: the cost summary in the preview log, and the outputs every stack
// exports. The derivation itself (buffers, cost, capacity) is pure: lib/derived-plan.ts.
import * as pulumi from "@pulumi/pulumi";
import { DataGuard } from "../components/durability/data-guard";
import { StackSpec } from "../lib/config/spec";
import { costEstimateOutput, renderSummary } from "../lib/cost-report";
import { DerivedPlan } from "../lib/derived-plan";
import { wanSocket } from "../lib/socket-buffers";

export { DerivedPlan, derivePlan } from "../lib/derived-plan";

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

/**
 * The stack's destroy guard (lib/durability/protection.ts): protected while `protectData` is true, and waiting for
 * every other resource of the stack, so that `pulumi destroy` refuses before anything is deleted. Pass every
 * top-level resource and component; a test checks that it waits for every custom resource of the plan.
 */
export function guardData(spec: StackSpec, everything: pulumi.Resource[]): DataGuard {
  return new DataGuard("data-guard", { protectData: spec.protectData, guards: everything });
}
