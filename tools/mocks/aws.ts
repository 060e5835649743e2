// Mock computed outputs and invoke results for aws resources.
// Only the outputs the program reads back are filled in, each derived from the resource name so runs are identical.
import type { CallResults, ComputedOutputs, State } from "./index";

const arn = (service: string, name: string) => `mock-arn:${service}:${name}`;

/** The name a resource would get: its explicit `name` input, or the logical name (real Pulumi adds a suffix). */
const named = (name: string, inputs: State) => (typeof inputs.name === "string" ? inputs.name : name);

export const computed: ComputedOutputs = {
  "aws:ec2/vpc:Vpc": (name) => ({
    arn: arn("ec2", `vpc/${name}`),
    defaultSecurityGroupId: `mock-sg:${name}-default`,
    mainRouteTableId: `mock-rtb:${name}-main`,
  }),
  "aws:ec2/subnet:Subnet": (name) => ({ arn: arn("ec2", `subnet/${name}`) }),
  "aws:ec2/eip:Eip": (name) => ({ allocationId: `mock-eipalloc:${name}`, publicIp: `mock-public-ip:${name}` }),
  "aws:ec2/securityGroup:SecurityGroup": (name) => ({ arn: arn("ec2", `security-group/${name}`) }),
  "aws:ec2/launchTemplate:LaunchTemplate": (name) => ({ arn: arn("ec2", `launch-template/${name}`), latestVersion: 1, defaultVersion: 1 }),
  "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": () => ({ acceptStatus: "mock-pending-acceptance" }),
  "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter": () => ({ acceptStatus: "mock-active" }),
  "aws:iam/role:Role": (name, inputs) => ({ arn: arn("iam", `role/${named(name, inputs)}`), name: named(name, inputs) }),
  "aws:kms/key:Key": (name) => ({ arn: arn("kms", `key/${name}`), keyId: `mock-key-id:${name}` }),
  "aws:eks/cluster:Cluster": (name, inputs) => ({
    name: named(name, inputs),
    arn: arn("eks", `cluster/${named(name, inputs)}`),
    endpoint: `https://mock-endpoint.${name}.invalid`,
    certificateAuthority: { data: Buffer.from(`mock-ca:${name}`).toString("base64") },
    vpcConfig: {
      ...((inputs.vpcConfig as State | undefined) ?? {}),
      clusterSecurityGroupId: `mock-sg:${name}-cluster`,
      vpcId: `mock-vpc:${name}`,
    },
    identities: [{ oidcs: [{ issuer: `https://mock-oidc.${name}.invalid` }] }],
    status: "mock-ACTIVE",
  }),
  "aws:eks/nodeGroup:NodeGroup": (name) => ({ arn: arn("eks", `nodegroup/${name}`), nodeGroupName: `mock-nodegroup:${name}` }),
  "aws:eks/addon:Addon": (name) => ({ arn: arn("eks", `addon/${name}`), addonVersion: "mock-version" }),
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": (name) => ({
    associationArn: arn("eks", `podidentityassociation/${name}`),
    associationId: `mock-association:${name}`,
  }),
};

export const calls: CallResults = {};
