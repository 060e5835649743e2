// What both clouds derive from a StackSpec before creating anything: buffer sizing and the outputs every stack exports.
import { StackSpec } from "../lib/config/validate";
import { SocketBufferPlan, planSocketBuffers } from "../lib/socket-buffers";

export interface DerivedPlan {
  socketBuffers: SocketBufferPlan;
}

export function derivePlan(spec: StackSpec): DerivedPlan {
  return { socketBuffers: planSocketBuffers(spec.links) };
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
      kernelBytesPerConnection: derived.socketBuffers.kernelBytesPerConnection,
    },
  };
}
