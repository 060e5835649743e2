// The pure AWS helpers behind stack eks: subnet plan, cross-region rules, pre-creation checks, IAM documents,
// endpoint access, node-group settings, io1 parameters and the exec kubeconfig.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  PEERED_PATH_MTU_BYTES,
  amiTypeFor,
  eksTaintEffect,
  endpointAccess,
  io1StorageClassParameters,
  managedPolicyArn,
  podIdentityTrustPolicy,
  renderKubeconfig,
  serviceTrustPolicy,
  vpcCniConfiguration,
} from "../lib/cloud/eks/eks";
import { apiServerIngressRules, crossRegionIngressRules, peerRanges, planVpcSubnets, tryPlanVpcSubnets } from "../lib/cloud/eks/network";
import { eksSpecProblems } from "../lib/cloud/eks/checks";
import { ebsStorageArgsProblems, networkArgsProblems, nodeGroupArgsProblems, peeringArgsProblems } from "../lib/cloud/eks/args";
import { cidr, contains, overlaps } from "../lib/cidr";
import { crossRegionPorts } from "../lib/ports";
import { stackSpec } from "./helpers/harness";

const eksSpec = () => stackSpec("eks");

describe("planVpcSubnets", () => {
  it("cuts a /16 over three zones into three /18 private and three /24 public subnets", () => {
    expect(planVpcSubnets("10.3.0.0/16", ["us-east-1a", "us-east-1b", "us-east-1c"])).toEqual({
      vpcCidr: "10.3.0.0/16",
      privateSubnets: [
        { zone: "us-east-1a", cidr: "10.3.0.0/18" },
        { zone: "us-east-1b", cidr: "10.3.64.0/18" },
        { zone: "us-east-1c", cidr: "10.3.128.0/18" },
      ],
      publicSubnets: [
        { zone: "us-east-1a", cidr: "10.3.192.0/24" },
        { zone: "us-east-1b", cidr: "10.3.193.0/24" },
        { zone: "us-east-1c", cidr: "10.3.194.0/24" },
      ],
    });
  });

  it.each([
    ["10.0.0.0/20", ["a", "b"], "10.0.0.0/22", "10.0.12.0/24"],
    ["10.0.0.0/24", ["a", "b", "c"], "10.0.0.0/26", "10.0.0.192/28"],
  ])("plans %s over %j", (vpc, zones, firstPrivate, firstPublic) => {
    const plan = planVpcSubnets(vpc, zones);
    expect(plan.privateSubnets[0].cidr).toBe(firstPrivate);
    expect(plan.publicSubnets[0].cidr).toBe(firstPublic);
  });

  it("refuses a VPC too small for AWS's /28 subnets", () => {
    expect(tryPlanVpcSubnets("10.0.0.0/27", ["a", "b", "c"])).toEqual({ ok: false, message: expect.stringContaining("/28") });
    expect(() => planVpcSubnets("10.0.0.0/27", ["a", "b", "c"])).toThrow(/too small/);
  });

  it("property: every subnet lies inside the VPC, none overlap, each is /16../28, one private and one public per zone", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 16, max: 24 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 255 }),
        (prefix, zoneCount, octet) => {
          const base = cidr(`10.${octet}.0.0/16`);
          const vpc = `${base.text.split("/")[0]}/${prefix}`;
          const zones = Array.from({ length: zoneCount }, (_, i) => `zone-${i}`);
          const result = tryPlanVpcSubnets(vpc, zones);
          if (!result.ok) return; // too small: refused, never a wrong plan
          const subnets = [...result.plan.privateSubnets, ...result.plan.publicSubnets].map((s) => cidr(s.cidr));
          expect(result.plan.privateSubnets.map((s) => s.zone)).toEqual(zones);
          expect(result.plan.publicSubnets.map((s) => s.zone)).toEqual(zones);
          for (const s of subnets) {
            expect(contains(cidr(vpc), s)).toBe(true);
            expect(s.prefixLength).toBeGreaterThanOrEqual(16);
            expect(s.prefixLength).toBeLessThanOrEqual(28);
          }
          for (let i = 0; i < subnets.length; i++) {
            for (let j = i + 1; j < subnets.length; j++) expect(overlaps(subnets[i], subnets[j])).toBe(false);
          }
        },
      ),
    );
  });
});

describe("cross-region rules", () => {
  it("admits each peer's VPC range, and only it, on exactly the mesh's cross-region ports plus ICMP fragmentation-needed", () => {
    const spec = eksSpec();
    const self = spec.regions[0];
    const peers = peerRanges(spec.regions, self);
    expect(peers).toEqual([
      { region: spec.regions[1].name, cidr: spec.regions[1].nodeCidr },
      { region: spec.regions[2].name, cidr: spec.regions[2].nodeCidr },
    ]);
    const rules = crossRegionIngressRules(peers, "istio");
    for (const peer of peers) {
      const mine = rules.filter((r) => r.cidr === peer.cidr);
      expect(mine.filter((r) => r.protocol !== "icmp").map((r) => [r.protocol, r.fromPort, r.toPort])).toEqual(
        crossRegionPorts("istio").map((p) => [p.protocol, p.port, p.port]),
      );
      expect(mine.filter((r) => r.protocol === "icmp").map((r) => [r.fromPort, r.toPort])).toEqual([[3, 4]]);
      expect(mine.every((r) => r.peerRegion === peer.region)).toBe(true);
    }
    expect(rules.some((r) => r.cidr === self.nodeCidr || r.cidr === "0.0.0.0/0")).toBe(false);
    expect(new Set(rules.map((r) => r.key)).size).toBe(rules.length);
  });

  it.each(["istio", "submariner"] as const)("opens, with %s, only Kafka's ports and ICMP: no istiod, east-west or cable port", (mesh) => {
    const rules = crossRegionIngressRules([{ region: "b", cidr: "10.4.0.0/16" }], mesh);
    expect(rules.map((r) => r.key)).toEqual([
      "tcp-9092-from-10-4-0-0-16",
      "tcp-9091-from-10-4-0-0-16",
      "tcp-9093-from-10-4-0-0-16",
      "icmp-frag-needed-from-10-4-0-0-16",
    ]);
  });
});

describe("Kubernetes API from the peers", () => {
  it("admits TCP 443 from each client VPC range, named after the range, and nothing else", () => {
    const rules = apiServerIngressRules([
      { region: "b", cidr: "10.4.0.0/16" },
      { region: "c", cidr: "10.8.0.0/16" },
    ]);
    expect(rules.map((r) => [r.key, r.cidr, r.protocol, r.fromPort, r.toPort])).toEqual([
      ["api-tcp-443-from-10-4-0-0-16", "10.4.0.0/16", "tcp", 443, 443],
      ["api-tcp-443-from-10-8-0-0-16", "10.8.0.0/16", "tcp", 443, 443],
    ]);
    expect(apiServerIngressRules([])).toEqual([]);
  });
});

describe("eksSpecProblems", () => {
  it("finds nothing wrong with Pulumi.eks.yaml", () => {
    expect(eksSpecProblems(eksSpec())).toEqual([]);
  });

  it("names every problem by config path: one zone, a VPC too small, fractional IOPS per GiB", () => {
    const spec = eksSpec();
    spec.regions[0] = { ...spec.regions[0], zones: ["us-east-1a"] };
    spec.regions[1] = { ...spec.regions[1], nodeCidr: "10.4.0.0/27" };
    spec.kafka = { ...spec.kafka, disk: { ...spec.kafka.disk, iopsPerGiB: 12.5 } };
    expect(eksSpecProblems(spec).map((p) => p.path)).toEqual([
      "geo-kafka:regions[0].zones",
      "geo-kafka:regions[1].nodeCidr",
      "geo-kafka:kafka.disk.iopsPerGiB",
    ]);
  });
});

describe("IAM documents", () => {
  it("trusts exactly one service with sts:AssumeRole", () => {
    expect(JSON.parse(serviceTrustPolicy("eks.amazonaws.com"))).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
  });

  it("limits a Pod Identity role to one service account of one cluster", () => {
    const doc = JSON.parse(podIdentityTrustPolicy({ clusterName: "c", namespace: "kube-system", serviceAccount: "sa" }));
    expect(doc.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
          StringEquals: {
            "aws:RequestTag/eks-cluster-name": "c",
            "aws:RequestTag/kubernetes-namespace": "kube-system",
            "aws:RequestTag/kubernetes-service-account": "sa",
          },
        },
      },
    ]);
  });

  it.each([
    ["us-east-1", "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"],
    ["us-gov-west-1", "arn:aws-us-gov:iam::aws:policy/AmazonEKSClusterPolicy"],
    ["cn-north-1", "arn:aws-cn:iam::aws:policy/AmazonEKSClusterPolicy"],
  ])("builds managed policy ARNs in the region's partition (%s)", (region, arn) => {
    expect(managedPolicyArn(region, "AmazonEKSClusterPolicy")).toBe(arn);
  });
});

describe("endpoint access", () => {
  it("is private only when no CIDR is configured, and never sends an empty public list (EKS would read 0.0.0.0/0)", () => {
    expect(endpointAccess([])).toEqual({ endpointPrivateAccess: true, endpointPublicAccess: false });
  });

  it("opens the public endpoint to exactly the configured CIDRs", () => {
    expect(endpointAccess(["203.0.113.0/24", "198.51.100.7/32"])).toEqual({
      endpointPrivateAccess: true,
      endpointPublicAccess: true,
      publicAccessCidrs: ["203.0.113.0/24", "198.51.100.7/32"],
    });
  });

  it("adds the other regions' NAT addresses to a public endpoint, and nothing to a private one", () => {
    expect(endpointAccess(["203.0.113.0/24"], ["192.0.2.10", "192.0.2.20"]).publicAccessCidrs).toEqual([
      "203.0.113.0/24",
      "192.0.2.10/32",
      "192.0.2.20/32",
    ]);
    expect(endpointAccess([], ["192.0.2.10"])).toEqual({ endpointPrivateAccess: true, endpointPublicAccess: false });
  });
});

describe("node-group settings", () => {
  it.each([
    ["r5.4xlarge", "AL2023_x86_64_STANDARD"],
    ["m5.xlarge", "AL2023_x86_64_STANDARD"],
    ["g4dn.xlarge", "AL2023_x86_64_STANDARD"],
    ["r7g.4xlarge", "AL2023_ARM_64_STANDARD"],
    ["m6gd.2xlarge", "AL2023_ARM_64_STANDARD"],
    ["c7gn.large", "AL2023_ARM_64_STANDARD"],
    ["im4gn.xlarge", "AL2023_ARM_64_STANDARD"],
    ["a1.large", "AL2023_ARM_64_STANDARD"],
  ])("%s runs %s", (machineType, amiType) => {
    expect(amiTypeFor(machineType)).toBe(amiType);
  });

  it("spells taint effects the EKS way", () => {
    expect(eksTaintEffect("NoSchedule")).toBe("NO_SCHEDULE");
    expect(eksTaintEffect("PreferNoSchedule")).toBe("PREFER_NO_SCHEDULE");
    expect(eksTaintEffect("NoExecute")).toBe("NO_EXECUTE");
  });

  it("keeps pod source addresses towards peered VPCs (external SNAT), holds pods to the peering's 8500-byte MTU, enforces NetworkPolicies", () => {
    expect(JSON.parse(vpcCniConfiguration())).toEqual({
      env: { AWS_VPC_K8S_CNI_EXTERNALSNAT: "true", AWS_VPC_ENI_MTU: "8500" },
      enableNetworkPolicy: "true",
    });
    expect(PEERED_PATH_MTU_BYTES).toBe(8500);
  });
});

describe("io1 StorageClass parameters", () => {
  it("uses the EBS CSI driver's parameter names, with IOPS per GiB as an integer string", () => {
    expect(io1StorageClassParameters(10)).toEqual({
      type: "io1",
      iopsPerGB: "10",
      encrypted: "true",
      "csi.storage.k8s.io/fstype": "xfs",
    });
  });

  it.each([12.5, 0, -3])("refuses %s IOPS per GiB", (iops) => {
    expect(() => io1StorageClassParameters(iops)).toThrow(/positive integer/);
  });
});

describe("renderKubeconfig", () => {
  it("authenticates with `aws eks get-token` for the cluster and region, and holds no token", () => {
    const text = renderKubeconfig({
      clusterName: "eks-us-east-1",
      region: "us-east-1",
      endpoint: "https://x.invalid",
      certificateAuthorityData: "Q0E=",
    });
    const config = JSON.parse(text);
    expect(config["current-context"]).toBe("eks-us-east-1");
    expect(config.clusters).toEqual([
      { name: "eks-us-east-1", cluster: { server: "https://x.invalid", "certificate-authority-data": "Q0E=" } },
    ]);
    expect(config.users[0].user).toEqual({
      exec: {
        apiVersion: "client.authentication.k8s.io/v1beta1",
        command: "aws",
        args: ["eks", "get-token", "--cluster-name", "eks-us-east-1", "--region", "us-east-1", "--output", "json"],
        interactiveMode: "Never",
      },
    });
    expect(text).not.toMatch(/token:|password/);
  });
});

describe("AWS component argument checks (lib/cloud/eks/args)", () => {
  it("accepts what the eks stack passes", () => {
    const spec = eksSpec();
    const plan = planVpcSubnets(spec.regions[0].nodeCidr, spec.regions[0].zones);
    expect(ebsStorageArgsProblems({ iopsPerGiB: spec.kafka.disk.iopsPerGiB })).toEqual([]);
    expect(nodeGroupArgsProblems({ count: 3, subnetCount: 3 })).toEqual([]);
    expect(networkArgsProblems(plan)).toEqual([]);
    expect(
      peeringArgsProblems({ region: "us-east-1", cidr: spec.regions[0].nodeCidr }, { region: "us-west-2", cidr: spec.regions[1].nodeCidr }),
    ).toEqual([]);
  });

  it("names each bad argument", () => {
    expect(ebsStorageArgsProblems({ iopsPerGiB: 7.5 }).map((p) => p.propertyPath)).toEqual(["iopsPerGiB"]);
    expect(ebsStorageArgsProblems({ iopsPerGiB: 51 }).map((p) => p.propertyPath)).toEqual(["iopsPerGiB"]);
    expect(nodeGroupArgsProblems({ count: 0, subnetCount: 0, rootVolumeGiB: 0.5 }).map((p) => p.propertyPath)).toEqual([
      "count",
      "subnetIds",
      "rootVolumeGiB",
    ]);
    expect(
      networkArgsProblems({ vpcCidr: "10.0.0.0/16", privateSubnets: [{ zone: "a", cidr: "10.1.0.0/18" }], publicSubnets: [] }).map(
        (p) => p.propertyPath,
      ),
    ).toEqual(["plan.publicSubnets", "plan.privateSubnets[0].cidr"]);
    expect(
      peeringArgsProblems({ region: "us-east-1", cidr: "10.0.0.0/16" }, { region: "us-east-1", cidr: "10.0.128.0/17" }).map(
        (p) => p.propertyPath,
      ),
    ).toEqual(["accepter.region", "accepter.cidr"]);
  });
});
