// The AWS components one at a time under mocks, stack eks with changed settings, and the RegionalCluster
// list the stack hands the mesh and Kafka layers.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { VpcPeering } from "../components/aws/peering";
import { EksNodeGroup } from "../components/aws/node-group";
import { CrossRegionSecurityGroup } from "../components/aws/security";
import { KAFKA_NODE_LABEL, KAFKA_NODE_TAINT } from "../lib/node-pools";
import { RegionalCluster } from "../components/platform";
import { crossRegionIngressRules } from "../lib/cloud/eks/network";
import { derivePlan } from "../stacks/common";
import { eksStack } from "../stacks/eks";
import { planStack, planStackOk, runComponent, setPath, stackConfig, stackSpec } from "./helpers/harness";

/** The value of an output, once the mocks have answered. */
function resolve<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise((done) => pulumi.output(output).apply((v) => done(v as T)));
}

async function nameOf(resource: pulumi.Resource): Promise<string> {
  const urn = await resolve(resource.urn);
  return urn.slice(urn.lastIndexOf("::") + 2);
}

describe("stack eks with other settings", () => {
  it("keeps the API endpoint private when no control-plane CIDR is configured", async () => {
    const config = stackConfig("eks");
    setPath(config, "access", ["controlPlaneCidrs"], []);
    const { recorded } = await planStackOk("eks", config);
    const clusters = recorded.ofType("aws:eks/cluster:Cluster");
    expect(clusters).toHaveLength(3);
    for (const c of clusters) {
      expect(c.inputs.vpcConfig).toEqual({
        endpointPrivateAccess: true,
        endpointPublicAccess: false,
        subnetIds: expect.any(Array),
      });
    }
  });

  it("refuses Submariner on EKS before creating anything (the AWS VPC CNI is unsupported)", async () => {
    const config = stackConfig("eks");
    setPath(config, "mesh", ["mode"], "submariner");
    const result = await planStack("eks", config);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map((p) => p.path)).toContain("geo-kafka:mesh.mode");
    expect(result.run?.resources ?? []).toEqual([]);
  });

  it("refuses one availability zone and fractional IOPS per GiB by config path, before any resource exists", async () => {
    const config = stackConfig("eks");
    setPath(config, "regions", [1, "zones"], ["us-east-2a"]);
    setPath(config, "kafka", ["disk", "iopsPerGiB"], 7.5);
    const result = await planStack("eks", config);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map((p) => p.path)).toEqual(["geo-kafka:regions[1].zones", "geo-kafka:kafka.disk.iopsPerGiB"]);
    expect((result.run?.resources ?? []).filter((r) => r.type.startsWith("aws:") || r.type.startsWith("pulumi:providers:"))).toEqual([]);
  });

  it("sizes StorageClass IOPS from config", async () => {
    const config = stackConfig("eks");
    setPath(config, "kafka", ["disk", "iopsPerGiB"], 25);
    const { recorded } = await planStackOk("eks", config);
    for (const c of recorded.ofType("kubernetes:storage.k8s.io/v1:StorageClass"))
      expect(c.inputs.parameters).toMatchObject({ iopsPerGB: "25" });
  });
});

describe("eksStack's RegionalCluster list", () => {
  it("gives the layers above one cluster per region: its Kubernetes provider, io1 class, Kafka placement and readiness", async () => {
    const spec = stackSpec("eks");
    let clusters: RegionalCluster[] = [];
    let dependsOnNames: string[][] = [];
    let providerNames: string[] = [];
    let classNames: string[] = [];
    await runComponent(async () => {
      clusters = eksStack(spec, derivePlan(spec)).clusters;
      providerNames = await Promise.all(clusters.map((c) => nameOf(c.provider)));
      classNames = await Promise.all(clusters.map((c) => resolve(c.storageClassName)));
      dependsOnNames = await Promise.all(clusters.map((c) => Promise.all(c.dependsOn.map(nameOf))));
    });
    expect(clusters.map((c) => c.region.name)).toEqual(["us-east-1", "us-east-2", "us-west-2"]);
    expect(providerNames).toEqual([
      "eks-us-east-1-control-plane-k8s",
      "eks-us-east-2-control-plane-k8s",
      "eks-us-west-2-control-plane-k8s",
    ]);
    expect(classNames).toEqual(["kafka-io1", "kafka-io1", "kafka-io1"]);
    for (const c of clusters) {
      expect(c.kafkaNodeSelector).toEqual({ [KAFKA_NODE_LABEL.key]: KAFKA_NODE_LABEL.value });
      expect(c.kafkaTolerations).toEqual([
        { key: KAFKA_NODE_TAINT.key, operator: "Equal", value: KAFKA_NODE_TAINT.value, effect: "NoSchedule" },
      ]);
    }
    expect(dependsOnNames[0]).toEqual([
      "eks-us-east-1-kafka-nodes",
      "eks-us-east-1-system-nodes",
      "eks-us-east-1-coredns",
      "eks-us-east-1-storage-aws-ebs-csi-driver",
      "peering-us-east-1-us-east-2-us-east-1-rt0-to-us-east-2",
      "peering-us-east-1-us-east-2-us-east-2-rt0-to-us-east-1",
      "peering-us-east-1-us-west-2-us-east-1-rt0-to-us-west-2",
      "peering-us-east-1-us-west-2-us-west-2-rt0-to-us-east-1",
    ]);
    // us-west-2 waits for its own two peerings, not for us-east-1 <-> us-east-2.
    expect(dependsOnNames[2].filter((n) => n.startsWith("peering-"))).toEqual([
      "peering-us-east-1-us-west-2-us-east-1-rt0-to-us-west-2",
      "peering-us-east-1-us-west-2-us-west-2-rt0-to-us-east-1",
      "peering-us-east-2-us-west-2-us-east-2-rt0-to-us-west-2",
      "peering-us-east-2-us-west-2-us-west-2-rt0-to-us-east-2",
    ]);
  });
});

describe("VpcPeering", () => {
  it("adds a route to every given route table on each side, each with its own side's provider", async () => {
    const { recorded } = await runComponent(() => {
      const east = new aws.Provider("p-east", { region: "us-east-1" });
      const west = new aws.Provider("p-west", { region: "us-west-2" });
      new VpcPeering("pair", {
        requester: { region: "us-east-1", provider: east, vpcId: "vpc-a", cidr: "10.3.0.0/16", routeTableIds: ["rt-a0", "rt-a1"] },
        accepter: { region: "us-west-2", provider: west, vpcId: "vpc-b", cidr: "10.5.0.0/16", routeTableIds: ["rt-b0"] },
      });
    });
    const routes = recorded
      .ofType("aws:ec2/route:Route")
      .map((r) => [r.provider, r.inputs.routeTableId, r.inputs.destinationCidrBlock, r.inputs.vpcPeeringConnectionId]);
    expect(routes).toEqual([
      ["p-east", "rt-a0", "10.5.0.0/16", "mock-id:pair-connection"],
      ["p-east", "rt-a1", "10.5.0.0/16", "mock-id:pair-connection"],
      ["p-west", "rt-b0", "10.3.0.0/16", "mock-id:pair-connection"],
    ]);
    expect(recorded.one("aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "pair-connection")).toMatchObject({
      parent: "pair",
      provider: "p-east",
      inputs: { vpcId: "vpc-a", peerVpcId: "vpc-b", peerRegion: "us-west-2" },
    });
    expect(recorded.one("aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter", "pair-accepter")).toMatchObject({
      parent: "pair",
      provider: "p-west",
      inputs: { autoAccept: true, vpcPeeringConnectionId: "mock-id:pair-connection" },
    });
  });
});

describe("CrossRegionSecurityGroup", () => {
  it("with Submariner admits only Kafka's ports and ICMP from the peer range (no cable port), nothing from anywhere else", async () => {
    const { recorded } = await runComponent(() => {
      const provider = new aws.Provider("p", { region: "us-east-1" });
      new CrossRegionSecurityGroup("xr", {
        vpcId: "vpc-a",
        rules: crossRegionIngressRules([{ region: "us-west-2", cidr: "10.5.0.0/16" }], "submariner"),
        provider,
      });
    });
    const rules = recorded.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    expect(rules.map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.cidrIpv4])).toEqual([
      ["tcp", 9092, "10.5.0.0/16"],
      ["tcp", 9091, "10.5.0.0/16"],
      ["tcp", 9093, "10.5.0.0/16"],
      ["icmp", 3, "10.5.0.0/16"],
    ]);
    for (const r of rules) expect(r).toMatchObject({ parent: "xr", provider: "p", inputs: { securityGroupId: "mock-id:xr-sg" } });
  });
});

describe("EksNodeGroup", () => {
  it("picks the ARM AMI for Graviton, defaults the root volume, and sends no user data when given none", async () => {
    const { recorded } = await runComponent(() => {
      const provider = new aws.Provider("p", { region: "us-east-1" });
      new EksNodeGroup("ng", {
        clusterName: "c",
        kubernetesVersion: "1.35",
        nodeRoleArn: "arn:role",
        subnetIds: ["s1", "s2"],
        machineType: "r7g.2xlarge",
        count: 2,
        securityGroupIds: ["sg-cluster"],
        provider,
      });
    });
    const lt = recorded.one("aws:ec2/launchTemplate:LaunchTemplate", "ng-lt");
    expect(lt).toMatchObject({ parent: "ng", provider: "p" });
    expect(lt.inputs).not.toHaveProperty("userData");
    expect(lt.inputs.blockDeviceMappings).toEqual([
      { deviceName: "/dev/xvda", ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
    ]);
    expect(recorded.one("aws:eks/nodeGroup:NodeGroup", "ng-nodes").inputs).toMatchObject({
      amiType: "AL2023_ARM_64_STANDARD",
      instanceTypes: ["r7g.2xlarge"],
      scalingConfig: { desiredSize: 2, minSize: 2, maxSize: 2 },
      labels: {},
      taints: [],
      subnetIds: ["s1", "s2"],
    });
  });
});
