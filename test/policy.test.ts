// Policy rules over the offline plans: both stacks pass, and a fixture breaks each rule.
import { beforeAll, describe, expect, it } from "vitest";
import { PolicyResource, RULES, runPolicies } from "../lib/policy/rules";
import { OFFLINE_ONLY, fromSdk, policies } from "../policy/policies";
import { policyResources } from "../tools/policy";
import { planStackOk } from "./helpers/harness";

const plans: Record<string, PolicyResource[]> = {};
beforeAll(async () => {
  for (const stack of ["gke", "eks", "existing"]) plans[stack] = policyResources((await planStackOk(stack)).run);
});

const clone = (rs: PolicyResource[]) => structuredClone(rs);
const first = (rs: PolicyResource[], type: string) => {
  const r = rs.find((x) => x.type === type);
  if (!r) throw new Error(`no ${type} in the plan`);
  return r;
};
const providerOf = (rs: PolicyResource[], prefix: string) =>
  rs.find((r) => r.type === "pulumi:providers:kubernetes" && r.name.startsWith(prefix))!.name;

const properties = (lines: Record<string, string | undefined>) =>
  Object.entries(lines)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n");

/** The fixture broker's server properties, valid under every rule. */
const FIXTURE_PROPERTIES: Record<string, string> = {
  "process.roles": "broker",
  "listener.security.protocol.map": "CONTROLLER:SSL,REPLICATION:SSL,CLIENT:SASL_SSL",
  "listener.name.controller.ssl.client.auth": "required",
  "listener.name.replication.ssl.client.auth": "required",
  "sasl.enabled.mechanisms": "SCRAM-SHA-512",
  "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
  "super.users": "User:admin",
  "default.replication.factor": "3",
  "min.insync.replicas": "2",
};

/**
 * A minimal Kafka broker StatefulSet, its PDB and its config, valid under every rule; fixtures break one part.
 * `overrides` change the fixture's server properties (undefined removes a key).
 */
function kafkaObjects(provider: string, overrides: Record<string, string | undefined> = {}): PolicyResource[] {
  const labels = { "app.kubernetes.io/name": "kafka", "app.kubernetes.io/component": "broker" };
  const container = {
    name: "kafka",
    image: "apache/kafka:4.1.2",
    resources: { requests: { cpu: "4", memory: "16Gi" }, limits: { cpu: "8", memory: "16Gi" } },
    volumeMounts: [
      { name: "data", mountPath: "/var/lib/kafka/data" },
      { name: "secrets", mountPath: "/etc/kafka/secrets" },
      { name: "shared", mountPath: "/mnt/shared/config" },
    ],
  };
  return [
    {
      type: "kubernetes:apps/v1:StatefulSet",
      name: "fixture-broker",
      provider,
      inputs: {
        metadata: { name: "kafka-broker-fixture" },
        spec: {
          template: {
            metadata: { labels },
            spec: {
              containers: [container],
              volumes: [
                { name: "secrets", emptyDir: {} },
                { name: "shared", emptyDir: {} },
              ],
              topologySpreadConstraints: [{ topologyKey: "topology.kubernetes.io/zone", maxSkew: 1 }],
            },
          },
          volumeClaimTemplates: [{ metadata: { name: "data" } }],
        },
      },
    },
    {
      type: "kubernetes:policy/v1:PodDisruptionBudget",
      name: "fixture-pdb",
      provider,
      inputs: { spec: { maxUnavailable: 1, selector: { matchLabels: labels } } },
    },
    {
      type: "kubernetes:core/v1:ConfigMap",
      name: "fixture-config",
      provider,
      inputs: {
        data: {
          "server-0.properties": properties({ ...FIXTURE_PROPERTIES, ...overrides }),
        },
      },
    },
  ];
}

type Breaker = (rs: PolicyResource[]) => PolicyResource[];
/** A breaker that changes a copy of the plan in place. */
const edited =
  (change: (out: PolicyResource[]) => void): Breaker =>
  (rs) => {
    const out = clone(rs);
    change(out);
    return out;
  };

interface FixtureStatefulSet {
  spec: {
    template: { spec: { containers: Array<{ volumeMounts: Array<{ name: string; mountPath: string }> }>; volumes: unknown[] } };
  };
}
/** The kafka container's mounts of a StatefulSet's inputs. */
const kafkaMounts = (r: PolicyResource) => (r.inputs as unknown as FixtureStatefulSet).spec.template.spec.containers[0].volumeMounts;
const firstKafkaStatefulSet = (rs: PolicyResource[]) =>
  rs.find((r) => r.type === "kubernetes:apps/v1:StatefulSet" && r.name.endsWith("-broker"))!;

/** For every rule, at least one change to a passing plan that must make it fail. */
const BREAKERS: Record<string, Array<{ stack: string; why: string; apply: Breaker }>> = {
  "no-public-kafka-ports": [
    {
      stack: "gke",
      why: "a firewall allowing 9092 from anywhere",
      apply: (rs) => [
        ...rs,
        {
          type: "gcp:compute/firewall:Firewall",
          name: "open",
          provider: "gcp-us-east4",
          inputs: { sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "tcp", ports: ["9090-9100"] }] },
        },
      ],
    },
    {
      stack: "eks",
      why: "a security group rule opening every port to the internet",
      apply: (rs) => [
        ...rs,
        {
          type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
          name: "open",
          provider: "aws-us-east-1",
          inputs: { cidrIpv4: "0.0.0.0/0", ipProtocol: "-1" },
        },
      ],
    },
    {
      stack: "gke",
      why: "a LoadBalancer Service in front of the brokers",
      apply: (rs) => [
        ...rs,
        {
          type: "kubernetes:core/v1:Service",
          name: "lb",
          provider: providerOf(rs, "gke"),
          inputs: { spec: { type: "LoadBalancer", ports: [{ port: 9092 }] } },
        },
      ],
    },
  ],
  "encrypted-volumes": [
    {
      stack: "eks",
      why: "an unencrypted io1 StorageClass",
      apply: edited((out) => {
        (first(out, "kubernetes:storage.k8s.io/v1:StorageClass").inputs.parameters as Record<string, string>).encrypted = "false";
      }),
    },
    {
      stack: "eks",
      why: "a cluster without KMS secrets encryption",
      apply: edited((out) => {
        delete first(out, "aws:eks/cluster:Cluster").inputs.encryptionConfig;
      }),
    },
  ],
  "secrets-are-secret": [
    {
      stack: "gke",
      why: "a Kubernetes Secret with plain data",
      apply: (rs) => [
        ...rs,
        {
          type: "kubernetes:core/v1:Secret",
          name: "plain",
          provider: providerOf(rs, "gke"),
          inputs: { stringData: { password: "hunter2" } },
        },
      ],
    },
    {
      stack: "eks",
      why: "a kubeconfig in the clear",
      apply: edited((out) => {
        const p = first(out, "pulumi:providers:kubernetes");
        p.inputs.kubeconfig = "apiVersion: v1\nusers: [{user: {token: abc}}]";
      }),
    },
    {
      stack: "gke",
      why: "a token, not a Secret's name, under a key that names a Kubernetes Secret",
      apply: edited((out) => {
        const sd = out.find((r) => r.inputs.kind === "ServiceDiscovery");
        if (!sd) throw new Error("no ServiceDiscovery in the gke plan");
        (sd.inputs.spec as Record<string, unknown>).brokerK8sSecret = "eyJhbGciOiJSUzI1NiJ9.payload.signature";
      }),
    },
  ],
  "kafka-listeners-encrypted": [
    {
      stack: "gke",
      why: "a SASL_PLAINTEXT client listener with no mesh mTLS",
      apply: (rs) => {
        const objs = kafkaObjects(providerOf(rs, "gke"));
        const data = objs[2].inputs.data as Record<string, string>;
        data["server-0.properties"] = data["server-0.properties"].replace("CLIENT:SASL_SSL", "CLIENT:SASL_PLAINTEXT");
        return [...rs, ...objs];
      },
    },
  ],
  "kafka-listeners-authenticate": [
    {
      stack: "eks",
      why: "a PLAINTEXT replication listener (encrypted by the cluster's STRICT mTLS, but anyone is User:ANONYMOUS)",
      apply: (rs) => [
        ...rs,
        ...kafkaObjects(providerOf(rs, "eks"), {
          "listener.security.protocol.map": "CONTROLLER:SSL,REPLICATION:PLAINTEXT,CLIENT:SASL_SSL",
        }),
      ],
    },
    {
      stack: "gke",
      why: "an SSL controller listener without ssl.client.auth=required",
      apply: (rs) => [...rs, ...kafkaObjects(providerOf(rs, "gke"), { "listener.name.controller.ssl.client.auth": undefined })],
    },
    {
      stack: "gke",
      why: "a listener's ssl.client.auth=requested overriding a global required",
      apply: (rs) => [
        ...rs,
        ...kafkaObjects(providerOf(rs, "gke"), { "ssl.client.auth": "required", "listener.name.replication.ssl.client.auth": "requested" }),
      ],
    },
    {
      stack: "eks",
      why: "a SASL_SSL client listener with no sasl.enabled.mechanisms",
      apply: (rs) => [...rs, ...kafkaObjects(providerOf(rs, "eks"), { "sasl.enabled.mechanisms": undefined })],
    },
  ],
  "kafka-authorizer": [
    {
      stack: "gke",
      why: "a node without an authorizer",
      apply: (rs) => [...rs, ...kafkaObjects(providerOf(rs, "gke"), { "authorizer.class.name": undefined })],
    },
    {
      stack: "eks",
      why: "the ZooKeeper-era AclAuthorizer",
      apply: (rs) => [
        ...rs,
        ...kafkaObjects(providerOf(rs, "eks"), { "authorizer.class.name": "kafka.security.authorizer.AclAuthorizer" }),
      ],
    },
    {
      stack: "gke",
      why: "allow.everyone.if.no.acl.found=true",
      apply: (rs) => [...rs, ...kafkaObjects(providerOf(rs, "gke"), { "allow.everyone.if.no.acl.found": "true" })],
    },
    {
      stack: "eks",
      why: "User:ANONYMOUS among the super users",
      apply: (rs) => [...rs, ...kafkaObjects(providerOf(rs, "eks"), { "super.users": "User:admin;User:ANONYMOUS" })],
    },
    {
      stack: "gke",
      why: "every principal a super user",
      apply: (rs) => [...rs, ...kafkaObjects(providerOf(rs, "gke"), { "super.users": "User:*" })],
    },
  ],
  "private-nodes": [
    {
      stack: "gke",
      why: "a cluster with public nodes",
      apply: edited((out) => {
        (first(out, "gcp:container/cluster:Cluster").inputs.privateClusterConfig as Record<string, unknown>).enablePrivateNodes = false;
      }),
    },
    {
      stack: "eks",
      why: "a node group in a subnet that hands out public addresses",
      apply: edited((out) => {
        const group = first(out, "aws:eks/nodeGroup:NodeGroup");
        const subnetName = String((group.inputs.subnetIds as string[])[0]).replace("mock-id:", "");
        out.find((r) => r.name === subnetName)!.inputs.mapPublicIpOnLaunch = true;
      }),
    },
  ],
  "no-wildcard-iam-actions": [
    {
      stack: "eks",
      why: "an inline policy allowing s3:*",
      apply: (rs) => [
        ...rs,
        {
          type: "aws:iam/rolePolicy:RolePolicy",
          name: "wild",
          provider: "aws-us-east-1",
          inputs: { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["s3:*"], Resource: "*" }] }) },
        },
      ],
    },
    {
      stack: "gke",
      why: "nodes granted roles/editor",
      apply: edited((out) => {
        first(out, "gcp:projects/iAMMember:IAMMember").inputs.role = "roles/editor";
      }),
    },
  ],
  "disruption-budgets-and-anti-affinity": [
    {
      stack: "gke",
      why: "a broker StatefulSet without a PDB and without spread",
      apply: (rs) => {
        const objs = kafkaObjects(providerOf(rs, "gke"));
        delete ((objs[0].inputs.spec as Record<string, Record<string, Record<string, unknown>>>).template.spec as Record<string, unknown>)
          .topologySpreadConstraints;
        return [...rs, objs[0], objs[2]];
      },
    },
  ],
  "requests-and-limits": [
    {
      stack: "gke",
      why: "a container without limits",
      apply: (rs) => {
        const objs = kafkaObjects(providerOf(rs, "gke"));
        const c = (
          (objs[0].inputs.spec as Record<string, Record<string, Record<string, unknown>>>).template.spec.containers as Array<
            Record<string, Record<string, unknown>>
          >
        )[0];
        delete c.resources.limits;
        return [...rs, ...objs];
      },
    },
  ],
  "images-pinned": [
    {
      stack: "eks",
      why: "an image on :latest",
      apply: (rs) => {
        const objs = kafkaObjects(providerOf(rs, "eks"));
        const c = (
          (objs[0].inputs.spec as Record<string, Record<string, Record<string, unknown>>>).template.spec.containers as Array<
            Record<string, unknown>
          >
        )[0];
        c.image = "apache/kafka:latest";
        return [...rs, ...objs];
      },
    },
    {
      stack: "gke",
      why: "a chart release without a version",
      apply: (rs) => [
        ...rs,
        { type: "kubernetes:helm.sh/v3:Release", name: "unpinned", provider: providerOf(rs, "gke"), inputs: { chart: "istiod" } },
      ],
    },
  ],
  "kafka-storage-retain": [
    {
      stack: "gke",
      why: "a StorageClass that deletes volumes",
      apply: edited((out) => {
        first(out, "kubernetes:storage.k8s.io/v1:StorageClass").inputs.reclaimPolicy = "Delete";
      }),
    },
  ],
  "image-volumes-mounted": [
    {
      stack: "gke",
      why: "the data claim mounted at /var/lib/kafka, the parent of the image's data VOLUME",
      apply: edited((out) => {
        kafkaMounts(firstKafkaStatefulSet(out)).find((m) => m.name === "data")!.mountPath = "/var/lib/kafka";
      }),
    },
    {
      stack: "eks",
      why: "nothing mounted at /mnt/shared/config",
      apply: edited((out) => {
        const sts = firstKafkaStatefulSet(out);
        const mounts = kafkaMounts(sts);
        mounts.splice(
          mounts.findIndex((m) => m.mountPath === "/mnt/shared/config"),
          1,
        );
      }),
    },
    {
      stack: "gke",
      why: "an emptyDir instead of the claim at the data path",
      apply: (rs) => {
        const objs = kafkaObjects(providerOf(rs, "gke"));
        kafkaMounts(objs[0])[0].name = "secrets";
        return [...rs, ...objs];
      },
    },
  ],
  "custom-resources-have-crds": [
    {
      stack: "eks",
      why: "PodMonitors whose cluster runs another chart in place of kube-prometheus-stack",
      apply: (rs) =>
        rs.map((r) =>
          r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === "kube-prometheus-stack"
            ? { ...r, inputs: { ...r.inputs, chart: "grafana" } }
            : r,
        ),
    },
    {
      stack: "gke",
      why: "a VirtualService whose CRD nothing installs (Submariner mode: no Istio base chart)",
      apply: (rs) => [
        ...rs,
        {
          type: "kubernetes:networking.istio.io/v1:VirtualService",
          name: "fixture-virtual-service",
          provider: providerOf(rs, "gke"),
          inputs: {},
          dependsOn: [],
        },
      ],
    },
    {
      stack: "eks",
      why: "a PodMonitor whose chart is in the plan but not waited for",
      apply: (rs) => [
        ...rs,
        {
          type: "kubernetes:monitoring.coreos.com/v1:PodMonitor",
          name: "fixture-pod-monitor",
          provider: providerOf(rs, "eks"),
          inputs: {},
          dependsOn: [],
        },
      ],
    },
    {
      stack: "gke",
      why: "PodMonitorings on clusters with GKE managed collection turned off",
      apply: (rs) =>
        rs.map((r) =>
          r.type === "gcp:container/cluster:Cluster"
            ? { ...r, inputs: { ...r.inputs, monitoringConfig: { managedPrometheus: { enabled: false } } } }
            : r,
        ),
    },
  ],
  "network-policies-enforced": [
    {
      stack: "gke",
      why: "GKE's legacy datapath without the network policy add-on",
      apply: (rs) =>
        rs.map((r) =>
          r.type === "gcp:container/cluster:Cluster" ? { ...r, inputs: { ...r.inputs, datapathProvider: "LEGACY_DATAPATH" } } : r,
        ),
    },
    {
      stack: "eks",
      why: "the VPC CNI add-on without enableNetworkPolicy",
      apply: (rs) =>
        rs.map((r) =>
          r.type === "aws:eks/addon:Addon" && r.inputs.addonName === "vpc-cni"
            ? { ...r, inputs: { ...r.inputs, configurationValues: JSON.stringify({ env: { AWS_VPC_ENI_MTU: "8500" } }) } }
            : r,
        ),
    },
  ],
  "network-policies-admit-needed-traffic": [
    {
      stack: "gke",
      why: "the scrapers' policy gone: GKE managed collection refused on the metrics port",
      apply: (rs) => rs.filter((r) => !(r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && r.name.endsWith("-metrics-ingress"))),
    },
    {
      stack: "eks",
      why: "the other clusters' pod ranges dropped from the Kafka ingress policy",
      apply: edited((out) => {
        for (const np of out.filter(
          (r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && r.name.endsWith("kafka-us-east-1-ingress"),
        )) {
          const spec = np.inputs.spec as { ingress: Array<{ from?: Array<Record<string, unknown>> }> };
          spec.ingress = spec.ingress.filter((rule) => !(rule.from ?? []).some((peer) => "ipBlock" in peer));
        }
      }),
    },
    {
      stack: "eks",
      why: "a PodMonitor scraping the sidecar's Envoy port, which the metrics policy does not open",
      apply: edited((out) => {
        const pm = out.find((r) => r.type === "kubernetes:monitoring.coreos.com/v1:PodMonitor")!;
        (pm.inputs.spec as { podMetricsEndpoints: Array<{ port: string }> }).podMetricsEndpoints.push({ port: "http-envoy-prom" });
      }),
    },
  ],
  "peered-path-mtu": [
    {
      stack: "eks",
      why: "pods at the VPC CNI's default 9001-byte MTU across inter-region peering",
      apply: (rs) =>
        rs.map((r) =>
          r.type === "aws:eks/addon:Addon" && r.inputs.addonName === "vpc-cni"
            ? { ...r, inputs: { ...r.inputs, configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }) } }
            : r,
        ),
    },
  ],
  "private-api-reachable-by-peers": [
    {
      stack: "eks",
      why: "private-only API endpoints whose security groups admit no peer VPC on 443",
      apply: (rs) =>
        rs
          .filter((r) => !(r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.inputs.fromPort === 443))
          .map((r) =>
            r.type === "aws:eks/cluster:Cluster"
              ? { ...r, inputs: { ...r.inputs, vpcConfig: { ...(r.inputs.vpcConfig as object), endpointPublicAccess: false } } }
              : r,
          ),
    },
  ],
  "replication-defaults": [
    {
      stack: "eks",
      why: "brokers defaulting to one replica",
      apply: (rs) => {
        const objs = kafkaObjects(providerOf(rs, "eks"));
        const data = objs[2].inputs.data as Record<string, string>;
        data["server-0.properties"] = data["server-0.properties"].replace("default.replication.factor=3", "default.replication.factor=1");
        return [...rs, ...objs];
      },
    },
    {
      stack: "gke",
      why: "a controller without min.insync.replicas (with ELR it would set 1 cluster-wide)",
      apply: (rs) => {
        const objs = kafkaObjects(providerOf(rs, "gke"));
        const data = objs[2].inputs.data as Record<string, string>;
        data["server-0.properties"] = data["server-0.properties"]
          .replace("process.roles=broker", "process.roles=controller")
          .replace("min.insync.replicas=2\n", "")
          .replace(/\nmin.insync.replicas=2$/, "");
        return [...rs, ...objs];
      },
    },
  ],
};

const named = (rs: PolicyResource[], name: string) => {
  const r = rs.find((x) => x.name === name);
  if (!r) throw new Error(`no ${name} in the plan`);
  return r;
};
const guardOf = (rs: PolicyResource[]) => first(rs, "geo-kafka:durability:DataGuard");
/** The plan with its destroy guard waiting for every resource, fixtures appended by a breaker included. */
const guardEverything = (rs: PolicyResource[]) => {
  const out = clone(rs);
  const guard = guardOf(out);
  guard.dependsOn = out.filter((r) => r !== guard).map((r) => r.name);
  return out;
};

BREAKERS["data-protected"] = [
  {
    stack: "gke",
    why: "the Kafka namespace of a region not protected",
    apply: edited((out) => {
      named(out, "kafka-us-east4-ns").protect = false;
    }),
  },
  {
    stack: "eks",
    why: "the Kafka namespace protected but not retained",
    apply: edited((out) => {
      named(out, "kafka-us-west-2-ns").retainOnDelete = false;
    }),
  },
  {
    stack: "eks",
    why: "a Kafka node group not protected",
    apply: edited((out) => {
      named(out, "eks-us-east-2-kafka-nodes").protect = false;
    }),
  },
  {
    stack: "gke",
    why: "a GKE cluster protected in Pulumi but with GKE's deletionProtection off",
    apply: edited((out) => {
      first(out, "gcp:container/cluster:Cluster").inputs.deletionProtection = false;
    }),
  },
  {
    stack: "gke",
    why: "no destroy guard",
    apply: (rs) => rs.filter((r) => r.type !== "geo-kafka:durability:DataGuard"),
  },
  {
    stack: "eks",
    why: "a guard that does not wait for one Secret, which a destroy could delete before the guard refuses",
    apply: edited((out) => {
      const secret = first(out, "kubernetes:core/v1:Secret").name;
      const guard = guardOf(out);
      guard.dependsOn = (guard.dependsOn ?? []).filter((n) => n !== secret);
    }),
  },
  {
    stack: "existing",
    why: "a Kubernetes provider without clusterIdentifier (a rotated CA would replace everything in that cluster)",
    apply: edited((out) => {
      delete first(out, "pulumi:providers:kubernetes").inputs.clusterIdentifier;
    }),
  },
  {
    stack: "existing",
    why: "a Kafka StatefulSet whose deletion would delete its pods",
    apply: edited((out) => {
      const sts = out.find((r) => r.type === "kubernetes:apps/v1:StatefulSet" && r.name.startsWith("kafka-"))!;
      delete (sts.inputs.metadata as { annotations: Record<string, string> }).annotations["pulumi.com/deletionPropagationPolicy"];
    }),
  },
];

BREAKERS["rolls-ordered"] = [
  {
    stack: "gke",
    why: "a broker StatefulSet left with the provider's 10-minute timeout",
    apply: edited((out) => {
      delete named(out, "kafka-us-central1-broker").customTimeouts;
    }),
  },
  {
    stack: "eks",
    why: "a Kafka node pool whose timeout fits one node of three",
    apply: edited((out) => {
      named(out, "eks-us-west-2-kafka-nodes").customTimeouts = { updateSeconds: 3600 };
    }),
  },
  {
    stack: "eks",
    why: "the last region's Kafka node group no longer waits for the previous region's",
    apply: edited((out) => {
      const pool = named(out, "eks-us-west-2-kafka-nodes");
      pool.dependsOn = (pool.dependsOn ?? []).filter((n) => n !== "eks-us-east-2-kafka-nodes");
    }),
  },
  {
    stack: "existing",
    why: "the first region's brokers no longer wait for the last region's controller",
    apply: edited((out) => {
      const brokers = out.filter((r) => r.type === "kubernetes:apps/v1:StatefulSet" && r.name.endsWith("-broker"));
      const controllers = out.filter((r) => r.type === "kubernetes:apps/v1:StatefulSet" && r.name.endsWith("-controller"));
      const firstBrokers = brokers.find((b) => !(b.dependsOn ?? []).some((d) => d.endsWith("-broker")))!;
      const last = controllers.find((c) => !out.some((o) => o.name.endsWith("-controller") && (o.dependsOn ?? []).includes(c.name)))!;
      firstBrokers.dependsOn = (firstBrokers.dependsOn ?? []).filter((n) => n !== last.name);
    }),
  },
  {
    stack: "gke",
    why: "the first region's controller no longer waits for the other regions' Kafka pools",
    apply: edited((out) => {
      const controller = named(out, "kafka-us-east4-controller");
      controller.dependsOn = (controller.dependsOn ?? []).filter((n) => !/^gke-us-(central1|west1)-cluster-kafka-pool$/.test(n));
    }),
  },
];

describe("policy rules over the offline plans", () => {
  it.each(["gke", "eks", "existing"])("stack %s passes every rule", (stack) => {
    expect(runPolicies(plans[stack])).toEqual([]);
  });

  it("replication-defaults accepts RF 2 with min.insync.replicas 1, and refuses RF 2 with 2", () => {
    const rule = RULES.find((r) => r.id === "replication-defaults")!;
    const withDurability = (rf: number, minIsr: number) => {
      const objs = kafkaObjects(providerOf(plans.gke, "gke"));
      const data = objs[2].inputs.data as Record<string, string>;
      data["server-0.properties"] = data["server-0.properties"]
        .replace("default.replication.factor=3", `default.replication.factor=${rf}`)
        .replace("min.insync.replicas=2", `min.insync.replicas=${minIsr}`);
      expect(data["server-0.properties"]).toContain(`default.replication.factor=${rf}`);
      return objs;
    };
    expect(rule.check(withDurability(2, 1))).toEqual([]);
    expect(rule.check(withDurability(2, 2)).map((v) => v.message)).toEqual([expect.stringMatching(/min.insync.replicas=2, not 1/)]);
    expect(rule.check(withDurability(3, 1)).map((v) => v.message)).toEqual([expect.stringMatching(/min.insync.replicas=1, not 2/)]);
  });

  it("kafka-listeners-authenticate accepts SASL mechanisms set per listener and a global ssl.client.auth=required", () => {
    const rule = RULES.find((r) => r.id === "kafka-listeners-authenticate")!;
    const check = (overrides: Record<string, string | undefined>) =>
      rule.check(kafkaObjects(providerOf(plans.gke, "gke"), overrides)).map((v) => v.message);
    expect(
      check({
        "sasl.enabled.mechanisms": undefined,
        "listener.name.client.sasl.enabled.mechanisms": "SCRAM-SHA-512",
        "listener.name.controller.ssl.client.auth": undefined,
        "listener.name.replication.ssl.client.auth": undefined,
        "ssl.client.auth": "required",
      }),
    ).toEqual([]);
    expect(check({ "listener.security.protocol.map": "REPLICATION:SASL_PLAINTEXT,CLIENT:SASL_SSL" })).toEqual([]);
    expect(check({ "listener.name.replication.ssl.client.auth": "none" })).toEqual([
      "server-0.properties: listener REPLICATION: SSL without ssl.client.auth=required accepts any caller as User:ANONYMOUS",
    ]);
    expect(check({ "listener.security.protocol.map": undefined })).toEqual([
      "server-0.properties: no listener.security.protocol.map (Kafka defaults to PLAINTEXT)",
    ]);
  });

  it("kafka-authorizer accepts allow.everyone.if.no.acl.found=false and no super.users, and names each problem", () => {
    const rule = RULES.find((r) => r.id === "kafka-authorizer")!;
    const check = (overrides: Record<string, string | undefined>) =>
      rule.check(kafkaObjects(providerOf(plans.eks, "eks"), overrides)).map((v) => `${v.resource}: ${v.message}`);
    expect(check({ "allow.everyone.if.no.acl.found": "false", "super.users": undefined })).toEqual([]);
    expect(
      check({ "authorizer.class.name": undefined, "allow.everyone.if.no.acl.found": "TRUE", "super.users": "User:*;User:admin" }),
    ).toEqual([
      expect.stringMatching(/^kubernetes:core\/v1:ConfigMap fixture-config: server-0.properties: authorizer.class.name=\(none/),
      expect.stringContaining("allow.everyone.if.no.acl.found=TRUE"),
      expect.stringContaining("super.users includes User:*"),
    ]);
  });

  it("the fixture Kafka objects pass every rule (so each breaker breaks only what it says)", () => {
    expect(runPolicies(kafkaObjects(providerOf(plans.gke, "gke")))).toEqual([]);
    expect(runPolicies(guardEverything([...plans.gke, ...kafkaObjects(providerOf(plans.gke, "gke"))]))).toEqual(runPolicies(plans.gke));
  });

  it.each(["gke", "eks", "existing"])("stack %s: every custom resource waits for what installs its CRD in its own cluster", (stack) => {
    const rule = RULES.find((r) => r.id === "custom-resources-have-crds")!;
    const custom = plans[stack].filter(
      (r) => /^kubernetes:[^/]*\.[^/]*\//.test(r.type) && !/^kubernetes:(helm\.sh|[^/]*\.k8s\.io)\//.test(r.type),
    );
    // Both stacks have custom resources for the rule to judge: scrape objects, and the mesh's (ServiceExport or Istio).
    expect(custom.length).toBeGreaterThanOrEqual(12);
    expect(rule.check(plans[stack])).toEqual([]);
  });

  it("has a failing fixture for every rule", () => {
    expect(Object.keys(BREAKERS).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  const cases = Object.entries(BREAKERS).flatMap(([rule, list]) => list.map((b) => ({ rule, ...b })));
  // Judged against the unbroken plan's own violations, which the "passes every rule" tests above must show empty.
  it.each(cases)("$rule fails on $stack: $why", ({ rule, stack, apply }) => {
    const before = new Set(runPolicies(plans[stack]).map((v) => JSON.stringify(v)));
    // Fixtures a breaker appends are waited for by the destroy guard, as the plan's own resources are, except when the
    // guard is what the breaker breaks.
    const broken = rule === "data-protected" ? apply(plans[stack]) : guardEverything(apply(plans[stack]));
    const violations = runPolicies(broken).filter((v) => !before.has(JSON.stringify(v)));
    expect(violations.length).toBeGreaterThan(0);
    expect(new Set(violations.map((v) => v.rule))).toEqual(new Set([rule]));
  });
});

describe("policy pack", () => {
  it("packages every rule but the offline-only one as a mandatory stack policy", () => {
    expect(policies.map((p) => p.name)).toEqual(RULES.map((r) => r.id).filter((id) => !OFFLINE_ONLY.has(id)));
    expect(policies.every((p) => p.enforcementLevel === "mandatory")).toBe(true);
  });

  it("reports a violation through the pack's callback with the resource's URN", async () => {
    const policy = policies.find((p) => p.name === "kafka-storage-retain")!;
    const reported: Array<[string, string | undefined]> = [];
    const resources = [
      {
        type: "kubernetes:storage.k8s.io/v1:StorageClass",
        name: "sc",
        urn: "urn:pulumi:s::p::kubernetes:storage.k8s.io/v1:StorageClass::sc",
        props: { reclaimPolicy: "Delete" },
      },
    ];
    await (policy as unknown as { validateStack: (a: unknown, r: (m: string, u?: string) => void) => void }).validateStack(
      { resources },
      (m, u) => reported.push([m, u]),
    );
    expect(reported).toEqual([["reclaimPolicy is Delete", "urn:pulumi:s::p::kubernetes:storage.k8s.io/v1:StorageClass::sc"]]);
    // The pack reads protect from the resource's options (the offline plan records it itself).
    expect(fromSdk([{ ...resources[0], opts: { protect: true } }] as never)[0].protect).toBe(true);
    // ...and the timeouts it waits with, in seconds, leaving out the ones the SDK reports as 0 (not set).
    expect(
      fromSdk([{ ...resources[0], opts: { customTimeouts: { createSeconds: 0, updateSeconds: 600, deleteSeconds: 0 } } }] as never)[0]
        .customTimeouts,
    ).toEqual({ updateSeconds: 600 });
    expect(fromSdk(resources as never)[0]).toEqual({
      type: "kubernetes:storage.k8s.io/v1:StorageClass",
      name: "sc",
      provider: null,
      inputs: { reclaimPolicy: "Delete" },
      dependsOn: [],
    });
  });
});
