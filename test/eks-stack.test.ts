// Stack eks as recorded under mocks: the "Done when" list of issue 4, asserted on exact inputs.
import { beforeAll, describe, expect, it } from "vitest";
import { EKS_KUBERNETES_VERSIONS } from "../lib/cloud/versions";
import { CLUSTER_ROLE_POLICIES, EBS_CSI_ROLE_POLICIES, NODE_ROLE_POLICIES, managedPolicyArn } from "../lib/cloud/eks/eks";
import { KAFKA_VM_MAX_MAP_COUNT } from "../lib/node-pools";
import { cidr, overlaps } from "../lib/cidr";
import { KAFKA_PORTS, crossRegionPorts } from "../lib/ports";
import { planSocketBuffers } from "../lib/socket-buffers";
import { regionPairs } from "../lib/topology";
import { KAFKA_NODE_LABEL, KAFKA_NODE_TAINT, SYSTEM_NODE_LABEL } from "../lib/node-pools";
import { MockRun, RecordedResource, containsSecret, isSecretValue, renderSecrets } from "../tools/mock-runtime";
import { Recorded, planStackOk, stackConfig } from "./helpers/harness";
import { isKubernetesObject, schemaErrors } from "./helpers/k8s-schema";
import { parseMultipart, wantedSysctls } from "./eks-helpers";

const REGIONS = ["us-east-1", "us-east-2", "us-west-2"];
const T = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  routeTable: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  peering: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
  accepter: "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
  cluster: "aws:eks/cluster:Cluster",
  addon: "aws:eks/addon:Addon",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  role: "aws:iam/role:Role",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  storageClass: "kubernetes:storage.k8s.io/v1:StorageClass",
  k8sProvider: "pulumi:providers:kubernetes",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
} as const;

const id = (name: string) => `mock-id:${name}`;
const vpcCidrOf = (recorded: Recorded, region: string) => recorded.one(T.vpc, `eks-${region}-network-vpc`).inputs.cidrBlock as string;

let run: MockRun;
let recorded: Recorded;
beforeAll(async () => {
  ({ run, recorded } = await planStackOk("eks"));
});

/** Parents of a resource, nearest first. */
function ancestors(r: RecordedResource): string[] {
  const names: string[] = [];
  let parent = r.parent;
  while (parent !== null) {
    names.push(parent);
    parent = recorded.named(parent)?.parent ?? null;
  }
  return names;
}

/** The region whose provider an AWS resource must use: its EksRegion, or its side of a peering. */
function expectedRegion(r: RecordedResource): string {
  // Its region's EksRegion, or its region's network (created by the stack before the clusters).
  const owner = [r.name, ...ancestors(r)]
    .map((n) => REGIONS.find((region) => n === `eks-${region}` || n === `eks-${region}-network`))
    .find(Boolean);
  if (owner) return owner;
  const peering = /^peering-(.+)-(us-[a-z]+-\d)$/.exec(r.parent ?? "");
  if (!peering) throw new Error(`no region for ${r.type} ${r.name}`);
  const [, a, b] = peering;
  if (r.type === T.peering) return a;
  if (r.type === T.accepter) return b;
  return /-(us-[a-z]+-\d)-rt\d+-to-/.exec(r.name)![1];
}

describe("providers", () => {
  it("every AWS resource has an explicit provider, the one of its own region; nothing uses a default provider", () => {
    const aws = recorded.where((r) => r.type.startsWith("aws:"));
    expect(aws.length).toBeGreaterThan(150);
    for (const r of aws) expect({ name: r.name, provider: r.provider }).toEqual({ name: r.name, provider: `aws-${expectedRegion(r)}` });
    expect(recorded.ofType("pulumi:providers:aws").map((p) => [p.name, p.inputs.region])).toEqual(REGIONS.map((r) => [`aws-${r}`, r]));
  });
});

describe("networks", () => {
  it("creates 3 VPCs from the CIDR plan, pairwise non-overlapping", () => {
    const vpcs = recorded.ofType(T.vpc);
    expect(vpcs.map((v) => v.name)).toEqual(REGIONS.map((r) => `eks-${r}-network-vpc`));
    expect(vpcs.map((v) => v.inputs.cidrBlock)).toEqual(["10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16"]);
    for (const { a, b } of regionPairs(REGIONS)) expect(overlaps(cidr(vpcCidrOf(recorded, a)), cidr(vpcCidrOf(recorded, b)))).toBe(false);
    for (const v of vpcs) expect(v.inputs).toMatchObject({ enableDnsSupport: true, enableDnsHostnames: true });
  });

  it("puts nodes in private subnets across the region's three zones, with no public addresses", () => {
    for (const region of REGIONS) {
      const subnets = recorded.where((r) => r.type === T.subnet && r.name.startsWith(`eks-${region}-network-private-`));
      expect(subnets.map((s) => s.inputs.availabilityZone)).toEqual(["a", "b", "c"].map((z) => `${region}${z}`));
      for (const s of subnets) expect(s.inputs).toMatchObject({ vpcId: id(`eks-${region}-network-vpc`), mapPublicIpOnLaunch: false });
      const nodeGroups = recorded.where((r) => r.type === T.nodeGroup && r.name.startsWith(`eks-${region}-`));
      for (const ng of nodeGroups) expect(ng.inputs.subnetIds).toEqual(subnets.map((s) => id(s.name)));
      expect(recorded.one(T.cluster, `eks-${region}-control-plane-cluster`).inputs.vpcConfig).toMatchObject({
        subnetIds: subnets.map((s) => id(s.name)),
      });
    }
  });

  it("gives private subnets egress through one NAT gateway per region, and public subnets only the internet gateway", () => {
    for (const region of REGIONS) {
      const n = `eks-${region}-network`;
      expect(recorded.one("aws:ec2/natGateway:NatGateway", `${n}-nat`).inputs).toMatchObject({
        subnetId: id(`${n}-public-${region}a`),
        allocationId: id(`${n}-nat`),
        connectivityType: "public",
      });
      expect(recorded.one(T.route, `${n}-private-default`).inputs).toEqual({
        routeTableId: id(`${n}-private-rt`),
        destinationCidrBlock: "0.0.0.0/0",
        natGatewayId: id(`${n}-nat`),
      });
      expect(recorded.one(T.route, `${n}-public-default`).inputs).toEqual({
        routeTableId: id(`${n}-public-rt`),
        destinationCidrBlock: "0.0.0.0/0",
        gatewayId: id(`${n}-igw`),
      });
      for (const z of ["a", "b", "c"]) {
        expect(recorded.one("aws:ec2/routeTableAssociation:RouteTableAssociation", `${n}-private-${region}${z}-assoc`).inputs).toEqual({
          subnetId: id(`${n}-private-${region}${z}`),
          routeTableId: id(`${n}-private-rt`),
        });
      }
    }
    expect(recorded.ofType("aws:ec2/natGateway:NatGateway")).toHaveLength(3);
  });
});

describe("peering", () => {
  it("creates 3 peering connections with the requester's provider and 3 accepters with the peer's provider", () => {
    const pairs = regionPairs(REGIONS);
    expect(recorded.ofType(T.peering).map((p) => ({ name: p.name, provider: p.provider, inputs: p.inputs }))).toEqual(
      pairs.map(({ a, b }) => ({
        name: `peering-${a}-${b}-connection`,
        provider: `aws-${a}`,
        inputs: {
          vpcId: id(`eks-${a}-network-vpc`),
          peerVpcId: id(`eks-${b}-network-vpc`),
          peerRegion: b,
          tags: { Name: `${a} <-> ${b}` },
        },
      })),
    );
    expect(recorded.ofType(T.accepter).map((p) => ({ name: p.name, provider: p.provider, inputs: p.inputs }))).toEqual(
      pairs.map(({ a, b }) => ({
        name: `peering-${a}-${b}-accepter`,
        provider: `aws-${b}`,
        inputs: { vpcPeeringConnectionId: id(`peering-${a}-${b}-connection`), autoAccept: true, tags: { Name: `${a} <-> ${b}` } },
      })),
    );
    // Inter-region peering cannot auto-accept, and connection options need an active connection.
    for (const p of recorded.ofType(T.peering)) expect(p.inputs).not.toHaveProperty("autoAccept");
  });

  it("routes each peer's range over its peering in every private route table, in both directions", () => {
    const peeringRoutes = recorded.where((r) => r.type === T.route && r.inputs.vpcPeeringConnectionId !== undefined);
    expect(peeringRoutes).toHaveLength(6);
    for (const { a, b } of regionPairs(REGIONS)) {
      const connection = id(`peering-${a}-${b}-connection`);
      for (const [from, to] of [
        [a, b],
        [b, a],
      ]) {
        const privateTables = recorded.where((r) => r.type === T.routeTable && r.name.startsWith(`eks-${from}-network-private`));
        expect(privateTables.length).toBeGreaterThan(0);
        for (const table of privateTables) {
          const matches = peeringRoutes.filter(
            (r) =>
              r.inputs.routeTableId === id(table.name) &&
              r.inputs.destinationCidrBlock === vpcCidrOf(recorded, to) &&
              r.inputs.vpcPeeringConnectionId === connection,
          );
          expect(matches.map((m) => m.provider)).toEqual([`aws-${from}`]);
        }
      }
    }
  });
});

describe("security groups", () => {
  const ruleResources = () =>
    recorded.where((r) => r.type.startsWith("aws:") && /SecurityGroup(Ingress)?Rule$|:SecurityGroup$/.test(r.type));

  it("opens nothing to 0.0.0.0/0, and never the broker or controller ports", () => {
    for (const r of ruleResources()) {
      const text = JSON.stringify(r.inputs);
      expect(text).not.toContain("0.0.0.0/0");
      expect(text).not.toContain("::/0");
    }
    const brokerPorts: number[] = [KAFKA_PORTS.client, KAFKA_PORTS.replication, KAFKA_PORTS.controller];
    const brokerRules = recorded.ofType(T.ingressRule).filter((r) => brokerPorts.includes(r.inputs.fromPort as number));
    expect(brokerRules).toHaveLength(3 * 2 * brokerPorts.length);
    for (const r of brokerRules) {
      expect(r.inputs.toPort).toBe(r.inputs.fromPort);
      expect(REGIONS.map((reg) => vpcCidrOf(recorded, reg))).toContain(r.inputs.cidrIpv4);
    }
  });

  it("admits TCP 443 from the other VPCs on each control-plane security group, for the peers' istiod over the peering", () => {
    for (const region of REGIONS) {
      const rules = recorded.where((r) => r.type === T.ingressRule && r.parent === `eks-${region}-control-plane`);
      const peers = REGIONS.filter((r) => r !== region).map((r) => vpcCidrOf(recorded, r));
      expect(
        rules.map((r) => [r.inputs.securityGroupId, r.inputs.cidrIpv4, r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort]),
      ).toEqual(peers.map((peer) => [`mock-sg:eks-${region}-control-plane-cluster-cluster`, peer, "tcp", 443, 443]));
      for (const r of rules) expect(r.provider).toBe(`aws-${region}`);
    }
  });

  it("admits each peer VPC on exactly the cross-region ports of the mesh (plus ICMP fragmentation-needed), and nothing else", () => {
    const mesh = "istio";
    for (const region of REGIONS) {
      const group = `eks-${region}-cross-region`;
      const rules = recorded.where((r) => r.type === T.ingressRule && r.parent === group);
      for (const r of rules) expect(r.inputs.securityGroupId).toBe(id(`${group}-sg`));
      const peers = REGIONS.filter((r) => r !== region).map((r) => vpcCidrOf(recorded, r));
      const actual = rules.map((r) => [r.inputs.cidrIpv4, r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort]).sort();
      const expected = peers
        .flatMap((peer) => [...crossRegionPorts(mesh).map((p) => [peer, p.protocol, p.port, p.port]), [peer, "icmp", 3, 4]])
        .sort();
      expect(actual).toEqual(expected);
    }
    // Node groups: per region, two peers x (Kafka's 3 ports + ICMP); no istiod (15012/15017) or east-west (15443) port.
    expect(recorded.where((r) => r.type === T.ingressRule && r.parent?.endsWith("-cross-region") === true)).toHaveLength(3 * 2 * 4);
    expect(recorded.ofType(T.ingressRule).filter((r) => [15012, 15017, 15443].includes(r.inputs.fromPort as number))).toEqual([]);
    expect(recorded.ofType("aws:ec2/securityGroupRule:SecurityGroupRule")).toEqual([]);
    for (const sg of recorded.ofType("aws:ec2/securityGroup:SecurityGroup")) {
      expect(sg.inputs).not.toHaveProperty("ingress");
      expect(sg.inputs).not.toHaveProperty("egress");
    }
  });

  it("closes each VPC's default security group", () => {
    for (const sg of recorded.ofType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")) {
      expect(sg.inputs).not.toHaveProperty("ingress");
      expect(sg.inputs).not.toHaveProperty("egress");
    }
    expect(recorded.ofType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")).toHaveLength(3);
  });
});

describe("IAM", () => {
  /** Every policy document recorded anywhere: trust policies, inline policies, standalone policies, key policies. */
  function policyDocuments(): Array<{ resource: string; doc: { Statement: Array<Record<string, unknown>> } }> {
    const docs: Array<{ resource: string; doc: { Statement: Array<Record<string, unknown>> } }> = [];
    for (const r of recorded.where((r) => r.type.startsWith("aws:iam/") || r.type.startsWith("aws:kms/"))) {
      const inputs = renderSecrets(r.inputs, true) as Record<string, unknown>;
      for (const key of ["assumeRolePolicy", "policy"]) {
        if (typeof inputs[key] === "string") docs.push({ resource: `${r.name}.${key}`, doc: JSON.parse(inputs[key] as string) });
      }
      for (const inline of (inputs.inlinePolicies as Array<{ policy?: string }> | undefined) ?? []) {
        if (inline.policy) docs.push({ resource: `${r.name}.inlinePolicies`, doc: JSON.parse(inline.policy) });
      }
    }
    return docs;
  }

  it("grants no `*` action (nor any service-wide wildcard) in any policy document", () => {
    const docs = policyDocuments();
    expect(docs.length).toBe(recorded.ofType(T.role).length);
    for (const { resource, doc } of docs) {
      for (const statement of doc.Statement) {
        const actions = ([] as unknown[]).concat(statement.Action ?? []);
        expect(statement, resource).not.toHaveProperty("NotAction");
        for (const action of actions) expect(action as string, resource).not.toMatch(/(^\*$)|(:\*$)/);
      }
    }
    expect(recorded.ofType("aws:iam/rolePolicy:RolePolicy")).toEqual([]);
    expect(recorded.ofType("aws:iam/policy:Policy")).toEqual([]);
  });

  it("attaches exactly the managed policies each role needs", () => {
    const attachedTo = (role: string) =>
      recorded
        .ofType(T.attachment)
        .filter((a) => a.inputs.role === role)
        .map((a) => a.inputs.policyArn)
        .sort();
    for (const region of REGIONS) {
      const arns = (policies: readonly string[]) => policies.map((p) => managedPolicyArn(region, p)).sort();
      expect(attachedTo(`eks-${region}-control-plane-cluster-role`)).toEqual(arns(CLUSTER_ROLE_POLICIES));
      expect(attachedTo(`eks-${region}-node-role-role`)).toEqual(arns(NODE_ROLE_POLICIES));
      expect(attachedTo(`eks-${region}-storage-ebs-csi-role`)).toEqual(arns(EBS_CSI_ROLE_POLICIES));
    }
    expect(CLUSTER_ROLE_POLICIES).toEqual(["AmazonEKSClusterPolicy"]);
    expect(NODE_ROLE_POLICIES).toEqual(["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonEKS_CNI_Policy"]);
    expect(EBS_CSI_ROLE_POLICIES).toEqual(["service-role/AmazonEBSCSIDriverPolicy"]);
    expect(recorded.ofType(T.role)).toHaveLength(9);
    expect(recorded.ofType(T.attachment)).toHaveLength(3 * (1 + 3 + 1));
  });

  it("trusts the right service per role; the EBS CSI role only its own cluster's controller service account", () => {
    for (const region of REGIONS) {
      const trust = (role: string) => JSON.parse(recorded.one(T.role, role).inputs.assumeRolePolicy as string).Statement;
      expect(trust(`eks-${region}-control-plane-cluster-role`)).toEqual([
        { Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
      expect(trust(`eks-${region}-node-role-role`)).toEqual([
        { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
      expect(trust(`eks-${region}-storage-ebs-csi-role`)[0].Condition.StringEquals).toEqual({
        "aws:RequestTag/eks-cluster-name": `eks-${region}`,
        "aws:RequestTag/kubernetes-namespace": "kube-system",
        "aws:RequestTag/kubernetes-service-account": "ebs-csi-controller-sa",
      });
    }
  });
});

describe("clusters", () => {
  it("creates 3 EKS clusters: private endpoint on, public only for the configured CIDRs, secrets encrypted with a rotating KMS key", () => {
    const clusters = recorded.ofType(T.cluster);
    expect(clusters.map((c) => [c.name, c.provider])).toEqual(REGIONS.map((r) => [`eks-${r}-control-plane-cluster`, `aws-${r}`]));
    const serviceCidrs = ["10.3.0.0/20", "10.3.16.0/20", "10.3.32.0/20"];
    clusters.forEach((c, i) => {
      const region = REGIONS[i];
      expect(c.inputs).toMatchObject({
        name: `eks-${region}`,
        version: EKS_KUBERNETES_VERSIONS.defaultVersion,
        roleArn: `mock-arn:iam:role/eks-${region}-control-plane-cluster-role`,
        // The configured CIDRs, then the other regions' NAT addresses (their istiods watch this API).
        vpcConfig: {
          endpointPrivateAccess: true,
          endpointPublicAccess: true,
          publicAccessCidrs: [
            "203.0.113.0/24",
            ...REGIONS.filter((p) => p !== region).map((p) => `mock-public-ip:eks-${p}-network-nat/32`),
          ],
        },
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
        encryptionConfig: { resources: ["secrets"], provider: { keyArn: `mock-arn:kms:key/eks-${region}-control-plane-secrets-key` } },
        kubernetesNetworkConfig: { ipFamily: "ipv4", serviceIpv4Cidr: serviceCidrs[i] },
        bootstrapSelfManagedAddons: false,
        upgradePolicy: { supportType: "STANDARD" },
        enabledClusterLogTypes: ["audit", "authenticator"],
      });
      expect(recorded.one("aws:kms/key:Key", `eks-${region}-control-plane-secrets-key`).inputs).toMatchObject({
        enableKeyRotation: true,
        deletionWindowInDays: 30,
      });
    });
  });

  it("installs networking and Pod Identity add-ons before nodes, CoreDNS after them; the CNI keeps pod addresses across peering", () => {
    for (const region of REGIONS) {
      const addons = recorded.where((r) => r.type === T.addon && r.name.startsWith(`eks-${region}-`));
      expect(addons.map((a) => a.inputs.addonName).sort()).toEqual([
        "aws-ebs-csi-driver",
        "coredns",
        "eks-pod-identity-agent",
        "kube-proxy",
        "vpc-cni",
      ]);
      for (const a of addons) expect(a).toMatchObject({ provider: `aws-${region}`, inputs: { clusterName: `eks-${region}` } });
      const cni = addons.find((a) => a.inputs.addonName === "vpc-cni")!;
      // External SNAT (pod addresses across peering), pods at the inter-region peering's 8500-byte MTU, NetworkPolicies enforced.
      expect(JSON.parse(cni.inputs.configurationValues as string)).toEqual({
        env: { AWS_VPC_K8S_CNI_EXTERNALSNAT: "true", AWS_VPC_ENI_MTU: "8500" },
        enableNetworkPolicy: "true",
      });
    }
  });

  it("gives every cluster a Kubernetes provider that authenticates with `aws eks get-token`, its kubeconfig a secret", () => {
    for (const region of REGIONS) {
      const provider = recorded.one(T.k8sProvider, `eks-${region}-control-plane-k8s`);
      expect(isSecretValue(provider.inputs.kubeconfig)).toBe(true);
      const kubeconfig = JSON.parse(renderSecrets(provider.inputs.kubeconfig, true) as string);
      expect(kubeconfig.clusters[0].cluster.server).toBe(`https://mock-endpoint.eks-${region}-control-plane-cluster.invalid`);
      expect(kubeconfig.users[0].user.exec).toMatchObject({
        command: "aws",
        args: ["eks", "get-token", "--cluster-name", `eks-${region}`, "--region", region, "--output", "json"],
      });
    }
  });
});

describe("node groups", () => {
  const buffers = () => {
    const links = (
      stackConfig("eks")["geo-kafka:links"] as Array<{
        between: [string, string];
        rttMs: number;
        bandwidthBytesPerSecond: number;
        perFlowCapBytesPerSecond?: number;
      }>
    ).map((l) => ({
      a: l.between[0],
      b: l.between[1],
      rttMs: l.rttMs,
      bandwidthBytesPerSecond: l.bandwidthBytesPerSecond,
      perFlowCapBytesPerSecond: l.perFlowCapBytesPerSecond,
    }));
    return planSocketBuffers(links);
  };

  it("runs Kafka on r5.4xlarge x3 per region, labelled and tainted, from a launch template", () => {
    for (const region of REGIONS) {
      expect(recorded.one(T.nodeGroup, `eks-${region}-kafka-nodes`).inputs).toMatchObject({
        clusterName: `eks-${region}`,
        version: EKS_KUBERNETES_VERSIONS.defaultVersion,
        amiType: "AL2023_x86_64_STANDARD",
        capacityType: "ON_DEMAND",
        instanceTypes: ["r5.4xlarge"],
        scalingConfig: { desiredSize: 3, minSize: 3, maxSize: 3 },
        updateConfig: { maxUnavailable: 1 },
        labels: { [KAFKA_NODE_LABEL.key]: KAFKA_NODE_LABEL.value },
        taints: [{ key: KAFKA_NODE_TAINT.key, value: KAFKA_NODE_TAINT.value, effect: "NO_SCHEDULE" }],
        launchTemplate: { id: id(`eks-${region}-kafka-lt`), version: "1" },
        nodeRoleArn: `mock-arn:iam:role/eks-${region}-node-role-role`,
      });
      const system = recorded.one(T.nodeGroup, `eks-${region}-system-nodes`).inputs;
      expect(system).toMatchObject({
        instanceTypes: ["m5.xlarge"],
        scalingConfig: { desiredSize: 2, minSize: 2, maxSize: 2 },
        labels: { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value },
        taints: [],
      });
    }
  });

  it("launch templates require IMDSv2 (hop limit 1), encrypt the root volume and carry the cluster and cross-region groups", () => {
    for (const lt of recorded.ofType(T.launchTemplate)) {
      const region = REGIONS.find((r) => lt.name.startsWith(`eks-${r}-`))!;
      expect(lt.inputs).toMatchObject({
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeType: "gp3" } }],
        vpcSecurityGroupIds: [`mock-sg:eks-${region}-control-plane-cluster-cluster`, id(`eks-${region}-cross-region-sg`)],
      });
      expect(lt.inputs).not.toHaveProperty("imageId");
      expect(lt.inputs).not.toHaveProperty("iamInstanceProfile");
    }
    expect(recorded.ofType(T.launchTemplate)).toHaveLength(6);
  });

  it("boots Kafka nodes with sysctls at least the computed buffer (parsed from the launch template's user data)", () => {
    const plan = buffers();
    expect(plan.socketBufferBytes).toBe(Math.ceil((625e6 * 67) / 1000));
    for (const region of REGIONS) {
      const text = Buffer.from(recorded.one(T.launchTemplate, `eks-${region}-kafka-lt`).inputs.userData as string, "base64").toString(
        "utf8",
      );
      const doc = parseMultipart(text);
      expect(doc.parts.map((p) => p.headers["content-type"])).toEqual([
        "application/node.eks.aws",
        'text/x-shellscript; charset="us-ascii"',
      ]);
      const wanted = wantedSysctls(doc.parts[1].body);
      const last = (key: string) => Number(wanted.get(key)!.split(" ").pop());
      for (const key of ["net.core.rmem_max", "net.core.wmem_max", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]) {
        expect(last(key), `${region} ${key}`).toBeGreaterThanOrEqual(plan.socketBufferBytes);
      }
      expect(last("vm.max_map_count")).toBeGreaterThanOrEqual(KAFKA_VM_MAX_MAP_COUNT);
      expect(doc.parts[0].body).toContain("RLIMIT_NOFILE");
    }
  });

  it("boots every node, Kafka and system, with TCP path MTU probing on (parsed from the launch templates' user data)", () => {
    for (const region of REGIONS) {
      for (const pool of ["kafka", "system"]) {
        const userData = recorded.one(T.launchTemplate, `eks-${region}-${pool}-lt`).inputs.userData as string;
        const doc = parseMultipart(Buffer.from(userData, "base64").toString("utf8"));
        const script = doc.parts.find((p) => p.headers["content-type"].startsWith("text/x-shellscript"))!;
        expect(wantedSysctls(script.body).get("net.ipv4.tcp_mtu_probing"), `${region} ${pool}`).toBe("1");
      }
    }
  });
});

describe("storage", () => {
  it("installs the EBS CSI add-on in each cluster with credentials through EKS Pod Identity", () => {
    const addons = recorded.where((r) => r.type === T.addon && r.inputs.addonName === "aws-ebs-csi-driver");
    expect(addons.map((a) => [a.name, a.provider, a.inputs.clusterName])).toEqual(
      REGIONS.map((r) => [`eks-${r}-storage-aws-ebs-csi-driver`, `aws-${r}`, `eks-${r}`]),
    );
    for (const region of REGIONS) {
      expect(recorded.one("aws:eks/podIdentityAssociation:PodIdentityAssociation", `eks-${region}-storage-ebs-csi-identity`)).toMatchObject(
        {
          provider: `aws-${region}`,
          inputs: {
            clusterName: `eks-${region}`,
            namespace: "kube-system",
            serviceAccount: "ebs-csi-controller-sa",
            roleArn: `mock-arn:iam:role/eks-${region}-storage-ebs-csi-role`,
          },
        },
      );
    }
  });

  it("creates 3 io1 StorageClasses, each bound to its own cluster's provider", () => {
    const classes = recorded.ofType(T.storageClass);
    expect(classes.map((c) => [c.name, c.provider])).toEqual(
      REGIONS.map((r) => [`eks-${r}-storage-kafka-io1`, `eks-${r}-control-plane-k8s`]),
    );
    for (const c of classes) {
      expect(c.inputs).toEqual({
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name: "kafka-io1", labels: { "app.kubernetes.io/part-of": "geo-kafka" } },
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "io1", iopsPerGB: "10", encrypted: "true", "csi.storage.k8s.io/fstype": "xfs" },
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        reclaimPolicy: "Retain",
      });
    }
  });

  it("every Kubernetes object passes kubernetes-models validation", () => {
    const objects = recorded.where(isKubernetesObject);
    expect(objects.length).toBeGreaterThanOrEqual(3);
    for (const o of objects) expect(schemaErrors(o)).toEqual([]);
  });
});

describe("outputs", () => {
  it("exports cluster names, endpoints and networks per region, and no secret", () => {
    const eks = run.outputs.eks as { clusters: Array<Record<string, unknown>>; kubernetesVersion: string; peeringConnectionIds: string[] };
    expect(containsSecret(run.outputs)).toBe(false);
    expect(eks.kubernetesVersion).toBe(EKS_KUBERNETES_VERSIONS.defaultVersion);
    expect(eks.clusters.map((c) => [c.region, c.clusterName, c.vpcCidr, c.storageClassName])).toEqual([
      ["us-east-1", "eks-us-east-1", "10.0.0.0/16", "kafka-io1"],
      ["us-east-2", "eks-us-east-2", "10.1.0.0/16", "kafka-io1"],
      ["us-west-2", "eks-us-west-2", "10.2.0.0/16", "kafka-io1"],
    ]);
    expect(eks.clusters[0].endpoint).toBe("https://mock-endpoint.eks-us-east-1-control-plane-cluster.invalid");
    expect(eks.peeringConnectionIds).toHaveLength(3);
    expect(JSON.stringify(run.outputs)).not.toMatch(/kubeconfig|certificate-authority/);
  });

  it("plans without warnings from its own example config", () => {
    expect(run.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
  });
});
