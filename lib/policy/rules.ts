// Security and operations rules over a stack's resources, as pure functions: run on the offline plan in tests,
// and packaged for `pulumi preview --policy-pack policy/` (policy/index.ts) over a real preview.
import { KAFKA_IMAGE_VOLUMES, isKafkaImage } from "../kafka/image";
import { parseProperties } from "../kafka/properties";
import { K8S_PROVIDER_TYPE } from "../plan";
import { KAFKA_PORTS } from "../ports";
import { customResourcesHaveCrds } from "./crd-rules";
import { dataProtected } from "./durability-rules";
import { networkRules } from "./network-rules";
import { rollsOrdered } from "./roll-rules";
import { PolicyResource, PolicyRule, SecretValue, Violation, get, isSecret, list, reveal, str, violation } from "./plan-access";

export type { PolicyResource, PolicyRule, SecretValue, Violation };
export { isSecret };
export { CHART_CRDS } from "./crd-rules";

const KAFKA_PORT_NUMBERS: readonly number[] = Object.values(KAFKA_PORTS);
const WORLD = new Set(["0.0.0.0/0", "::/0"]);

/** Whether a GCP firewall port list ("9092", "9000-9100", or none = every port) covers a Kafka port. */
function gcpPortsCoverKafka(ports: unknown[]): boolean {
  if (ports.length === 0) return true;
  return ports.some((p) => {
    const [from, to] = String(p).split("-").map(Number);
    return KAFKA_PORT_NUMBERS.some((k) => k >= from && k <= (to ?? from));
  });
}

function rangeCoversKafka(fromPort: unknown, toPort: unknown, protocol: unknown): boolean {
  const proto = String(reveal(protocol));
  if (proto === "-1" || proto === "all") return true;
  if (proto !== "tcp" && proto !== "6") return false;
  const from = Number(reveal(fromPort));
  const to = Number(reveal(toPort ?? fromPort));
  return KAFKA_PORT_NUMBERS.some((k) => k >= from && k <= to);
}

const noPublicKafkaPorts: PolicyRule = {
  id: "no-public-kafka-ports",
  description: "No broker or controller port is reachable from 0.0.0.0/0.",
  check(resources) {
    const out: Violation[] = [];
    for (const r of resources) {
      if (r.type === "gcp:compute/firewall:Firewall") {
        const ingress = (str(r.inputs.direction) ?? "INGRESS") === "INGRESS";
        const world = list(r.inputs.sourceRanges).some((s) => WORLD.has(String(reveal(s))));
        const opens = list(r.inputs.allows).some((a) => {
          const proto = str(get(a, "protocol"));
          return (proto === "tcp" || proto === "all") && gcpPortsCoverKafka(list(get(a, "ports")));
        });
        if (ingress && world && opens) out.push(violation(this.id, r, "allows Kafka ports from 0.0.0.0/0"));
      } else if (r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
        if (WORLD.has(str(r.inputs.cidrIpv4) ?? "") || WORLD.has(str(r.inputs.cidrIpv6) ?? "")) {
          if (rangeCoversKafka(r.inputs.fromPort, r.inputs.toPort, r.inputs.ipProtocol))
            out.push(violation(this.id, r, "allows Kafka ports from the internet"));
        }
      } else if (r.type === "aws:ec2/securityGroup:SecurityGroup" || r.type === "aws:ec2/securityGroupRule:SecurityGroupRule") {
        const rules =
          r.type === "aws:ec2/securityGroup:SecurityGroup" ? list(r.inputs.ingress) : str(r.inputs.type) === "ingress" ? [r.inputs] : [];
        for (const rule of rules) {
          const world = list(get(rule, "cidrBlocks")).some((c) => WORLD.has(String(reveal(c))));
          if (world && rangeCoversKafka(get(rule, "fromPort"), get(rule, "toPort"), get(rule, "protocol")))
            out.push(violation(this.id, r, "allows Kafka ports from 0.0.0.0/0"));
        }
      } else if (r.type === "kubernetes:core/v1:Service") {
        const type = str(get(r.inputs, "spec", "type")) ?? "ClusterIP";
        const kafka = list(get(r.inputs, "spec", "ports")).some((p) => KAFKA_PORT_NUMBERS.includes(Number(reveal(get(p, "port")))));
        if (kafka && (type === "LoadBalancer" || type === "NodePort"))
          out.push(violation(this.id, r, `exposes Kafka ports as a ${type} Service`));
      }
    }
    return out;
  },
};

const encryptedVolumes: PolicyRule = {
  id: "encrypted-volumes",
  description: "Every disk and volume is encrypted at rest (GCP persistent disks always are).",
  check(resources) {
    const out: Violation[] = [];
    for (const r of resources) {
      if (r.type === "kubernetes:storage.k8s.io/v1:StorageClass" && str(r.inputs.provisioner) === "ebs.csi.aws.com") {
        if (str(get(r.inputs, "parameters", "encrypted")) !== "true")
          out.push(violation(this.id, r, 'EBS StorageClass without encrypted: "true"'));
      } else if (r.type === "aws:ec2/launchTemplate:LaunchTemplate") {
        for (const m of list(r.inputs.blockDeviceMappings)) {
          if (String(reveal(get(m, "ebs", "encrypted"))) !== "true")
            out.push(violation(this.id, r, `block device ${str(get(m, "deviceName")) ?? "?"} is not encrypted`));
        }
      } else if (r.type === "aws:eks/cluster:Cluster") {
        if (
          !list(get(r.inputs, "encryptionConfig", "resources"))
            .map((x) => reveal(x))
            .includes("secrets")
        )
          out.push(violation(this.id, r, "Kubernetes secrets are not envelope-encrypted with KMS"));
      }
    }
    return out;
  },
};

const SECRET_KEY = /(password|passwd|secret|token|private[-_]?key|privatekeypem|kubeconfig|ca-key|key\.pem|credentials)$/i;

/** Inputs whose key names a credential must be Pulumi secrets; so must the data of every Kubernetes Secret. */
const secretsAreSecret: PolicyRule = {
  id: "secrets-are-secret",
  description: "Every password, key and token is a Pulumi secret.",
  check(resources) {
    const out: Violation[] = [];
    const walk = (r: PolicyResource, value: unknown, path: string) => {
      if (isSecret(value)) return;
      if (Array.isArray(value)) value.forEach((v, i) => walk(r, v, `${path}[${i}]`));
      else if (value !== null && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) {
          const here = path ? `${path}.${k}` : k;
          if (SECRET_KEY.test(k) && !isSecret(v) && typeof v === "string" && v !== "" && !isReference(k, v))
            out.push(violation(this.id, r, `${here} is not a secret`));
          else walk(r, v, here);
        }
      }
    };
    for (const r of resources) {
      if (r.type === "kubernetes:core/v1:Secret") {
        for (const field of ["data", "stringData"]) {
          const data = r.inputs[field];
          if (data !== undefined && !isSecret(data) && Object.values(data as object).some((v) => !isSecret(v)))
            out.push(violation(this.id, r, `${field} of a Kubernetes Secret is not a Pulumi secret`));
        }
      } else if (!r.type.startsWith("pulumi:providers:") || r.type === K8S_PROVIDER_TYPE) {
        walk(r, r.inputs, "");
      }
    }
    return out;
  },
};

/**
 * Names of secrets, ARNs and file paths are references, not credentials. A key naming a Kubernetes Secret (Submariner's
 * `brokerK8sSecret`, charts' `existingSecret`) holds that Secret's name, so its value must also be a DNS-1123 name.
 */
function isReference(key: string, value: string): boolean {
  if (/(k8sSecret|existingSecret)$/i.test(key)) return /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(value);
  return /name$|arn$|ref$|path$|location$/i.test(key) || value.startsWith("arn:") || value.startsWith("/");
}

function propertiesFiles(resources: readonly PolicyResource[]): Array<{ r: PolicyResource; file: string; props: Record<string, string> }> {
  const out: Array<{ r: PolicyResource; file: string; props: Record<string, string> }> = [];
  for (const r of resources) {
    if (r.type !== "kubernetes:core/v1:ConfigMap") continue;
    const data = reveal(r.inputs.data) as Record<string, unknown> | undefined;
    for (const [file, text] of Object.entries(data ?? {})) {
      if (!file.endsWith(".properties") || typeof reveal(text) !== "string") continue;
      const props = parseProperties(reveal(text) as string);
      if (props["process.roles"] !== undefined) out.push({ r, file, props });
    }
  }
  return out;
}

const kafkaListenersEncrypted: PolicyRule = {
  id: "kafka-listeners-encrypted",
  description: "Every Kafka listener is encrypted: Kafka TLS, or plaintext only behind STRICT mesh mTLS in the same cluster.",
  check(resources) {
    const strictBy = new Set(
      resources
        .filter((r) => r.type.startsWith("kubernetes:security.istio.io/") && r.type.endsWith(":PeerAuthentication"))
        .filter((r) => str(get(r.inputs, "spec", "mtls", "mode")) === "STRICT")
        .map((r) => r.provider),
    );
    const out: Violation[] = [];
    for (const { r, file, props } of propertiesFiles(resources)) {
      const map = (props["listener.security.protocol.map"] ?? "").split(",").filter(Boolean);
      for (const entry of map) {
        const [listener, protocol] = entry.split(":");
        const encrypted = protocol === "SSL" || protocol === "SASL_SSL";
        if (!encrypted && !strictBy.has(r.provider))
          out.push(violation(this.id, r, `${file}: listener ${listener} is ${protocol} without STRICT mTLS in its cluster`));
      }
      if (map.length === 0) out.push(violation(this.id, r, `${file}: no listener.security.protocol.map (Kafka defaults to PLAINTEXT)`));
    }
    return out;
  },
};

/** Each `NAME:PROTOCOL` entry of a node's listener.security.protocol.map (Kafka upper-cases both). */
function listenerProtocols(props: Record<string, string>): Array<{ listener: string; protocol: string }> {
  return (props["listener.security.protocol.map"] ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [listener, protocol = ""] = entry.split(":").map((x) => x.trim().toUpperCase());
      return { listener, protocol };
    });
}

const kafkaListenersAuthenticate: PolicyRule = {
  id: "kafka-listeners-authenticate",
  description:
    "Every Kafka listener authenticates its peer: SASL with enabled mechanisms, or SSL with ssl.client.auth=required; never PLAINTEXT.",
  check(resources) {
    const out: Violation[] = [];
    for (const { r, file, props } of propertiesFiles(resources)) {
      const map = listenerProtocols(props);
      if (map.length === 0) out.push(violation(this.id, r, `${file}: no listener.security.protocol.map (Kafka defaults to PLAINTEXT)`));
      for (const { listener, protocol } of map) {
        const prefix = `listener.name.${listener.toLowerCase()}.`;
        if (protocol === "SASL_SSL" || protocol === "SASL_PLAINTEXT") {
          if (!props[`${prefix}sasl.enabled.mechanisms`] && !props["sasl.enabled.mechanisms"])
            out.push(violation(this.id, r, `${file}: listener ${listener}: ${protocol} without sasl.enabled.mechanisms`));
        } else if (protocol === "SSL") {
          const clientAuth = props[`${prefix}ssl.client.auth`] ?? props["ssl.client.auth"];
          if (clientAuth?.toLowerCase() !== "required")
            out.push(
              violation(
                this.id,
                r,
                `${file}: listener ${listener}: SSL without ssl.client.auth=required accepts any caller as User:ANONYMOUS`,
              ),
            );
        } else if (protocol === "PLAINTEXT") {
          out.push(violation(this.id, r, `${file}: listener ${listener}: PLAINTEXT accepts any caller as User:ANONYMOUS`));
        } else {
          out.push(violation(this.id, r, `${file}: listener ${listener}: unknown security protocol "${protocol}"`));
        }
      }
    }
    return out;
  },
};

const STANDARD_AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";
const OPEN_PRINCIPALS = new Set(["User:ANONYMOUS", "User:*"]);

const kafkaAuthorizer: PolicyRule = {
  id: "kafka-authorizer",
  description:
    `Every Kafka node runs ${STANDARD_AUTHORIZER}, denies when no ACL is found, ` +
    "and has no super user that any caller can be (User:ANONYMOUS, User:*).",
  check(resources) {
    const out: Violation[] = [];
    for (const { r, file, props } of propertiesFiles(resources)) {
      const authorizer = props["authorizer.class.name"];
      if (authorizer !== STANDARD_AUTHORIZER)
        out.push(
          violation(this.id, r, `${file}: authorizer.class.name=${authorizer ?? "(none: no authorization)"}, not ${STANDARD_AUTHORIZER}`),
        );
      const allowEveryone = props["allow.everyone.if.no.acl.found"];
      if (allowEveryone !== undefined && allowEveryone.toLowerCase() !== "false")
        out.push(violation(this.id, r, `${file}: allow.everyone.if.no.acl.found=${allowEveryone}: a resource without ACLs is open to all`));
      for (const principal of (props["super.users"] ?? "").split(";").map((p) => p.trim()))
        if (OPEN_PRINCIPALS.has(principal)) out.push(violation(this.id, r, `${file}: super.users includes ${principal}`));
    }
    return out;
  },
};

const privateNodes: PolicyRule = {
  id: "private-nodes",
  description: "Nodes have no public addresses.",
  check(resources) {
    const out: Violation[] = [];
    const subnetsById = new Map(resources.filter((r) => r.type === "aws:ec2/subnet:Subnet").map((r) => [`mock-id:${r.name}`, r]));
    for (const r of resources) {
      if (r.type === "gcp:container/cluster:Cluster") {
        if (get(r.inputs, "privateClusterConfig", "enablePrivateNodes") !== true)
          out.push(violation(this.id, r, "GKE nodes are not private"));
      } else if (r.type === "aws:eks/nodeGroup:NodeGroup") {
        for (const id of list(r.inputs.subnetIds)) {
          const subnet = subnetsById.get(String(reveal(id)));
          if (subnet && subnet.inputs.mapPublicIpOnLaunch !== false)
            out.push(violation(this.id, r, `subnet ${subnet.name} gives public addresses`));
        }
      } else if (r.type === "aws:ec2/launchTemplate:LaunchTemplate") {
        for (const ni of list(r.inputs.networkInterfaces)) {
          if (String(reveal(get(ni, "associatePublicIpAddress"))) === "true")
            out.push(violation(this.id, r, "launch template associates a public address"));
        }
      }
    }
    return out;
  },
};

function statements(policy: unknown): unknown[] {
  const text = str(policy);
  let doc: unknown = reveal(policy);
  if (text !== undefined) {
    try {
      doc = JSON.parse(text);
    } catch {
      return [];
    }
  }
  const s = get(doc, "Statement");
  return Array.isArray(s) ? s : s !== undefined ? [s] : [];
}

const noWildcardIam: PolicyRule = {
  id: "no-wildcard-iam-actions",
  description: "No IAM statement allows `*` actions; no primitive GCP roles.",
  check(resources) {
    const out: Violation[] = [];
    for (const r of resources) {
      if (r.type.startsWith("aws:iam/")) {
        for (const key of ["policy", "assumeRolePolicy", "inlinePolicies"]) {
          const docs = key === "inlinePolicies" ? list(r.inputs[key]).map((p) => get(p, "policy")) : [r.inputs[key]];
          for (const doc of docs) {
            for (const st of statements(doc)) {
              if (str(get(st, "Effect")) !== "Allow") continue;
              const actions = list(get(st, "Action")).length > 0 ? list(get(st, "Action")) : [get(st, "Action")];
              for (const a of actions.map((x) => String(reveal(x))))
                if (a === "*" || a.endsWith(":*")) out.push(violation(this.id, r, `allows action ${a}`));
            }
          }
        }
      } else if (r.type.startsWith("gcp:projects/iAM") || r.type.startsWith("gcp:serviceaccount/iAM")) {
        const role = str(r.inputs.role) ?? "";
        if (["roles/owner", "roles/editor"].includes(role)) out.push(violation(this.id, r, `grants the primitive role ${role}`));
      }
    }
    return out;
  },
};

const WORKLOADS = [
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:apps/v1:Deployment",
  "kubernetes:apps/v1:DaemonSet",
  "kubernetes:batch/v1:Job",
  "kubernetes:core/v1:Pod",
];

function podSpec(r: PolicyResource): Record<string, unknown> | undefined {
  const spec = r.type === "kubernetes:core/v1:Pod" ? get(r.inputs, "spec") : get(r.inputs, "spec", "template", "spec");
  return (reveal(spec) as Record<string, unknown> | undefined) ?? undefined;
}

function containers(r: PolicyResource): Array<Record<string, unknown>> {
  const spec = podSpec(r);
  return [...list(spec?.initContainers), ...list(spec?.containers)].map((c) => reveal(c) as Record<string, unknown>);
}

const kafkaWorkloads = (resources: readonly PolicyResource[]) =>
  resources.filter(
    (r) => r.type === "kubernetes:apps/v1:StatefulSet" && String(reveal(get(r.inputs, "metadata", "name")) ?? r.name).startsWith("kafka-"),
  );

const budgetsAndSpread: PolicyRule = {
  id: "disruption-budgets-and-anti-affinity",
  description: "Every Kafka StatefulSet has a PodDisruptionBudget in its cluster and spreads its pods (anti-affinity or topology spread).",
  check(resources) {
    const out: Violation[] = [];
    const pdbs = resources.filter((r) => r.type === "kubernetes:policy/v1:PodDisruptionBudget");
    for (const sts of kafkaWorkloads(resources)) {
      const labels = (reveal(get(sts.inputs, "spec", "template", "metadata", "labels")) ?? {}) as Record<string, unknown>;
      const covered = pdbs.some((p) => {
        if (p.provider !== sts.provider) return false;
        const match = (reveal(get(p.inputs, "spec", "selector", "matchLabels")) ?? {}) as Record<string, unknown>;
        return Object.keys(match).length > 0 && Object.entries(match).every(([k, v]) => reveal(labels[k]) === reveal(v));
      });
      if (!covered) out.push(violation(this.id, sts, "no PodDisruptionBudget selects its pods"));
      const spec = podSpec(sts);
      const spread = get(spec, "affinity", "podAntiAffinity") !== undefined || list(spec?.topologySpreadConstraints).length > 0;
      if (!spread) out.push(violation(this.id, sts, "no pod anti-affinity or topology spread"));
    }
    return out;
  },
};

const requestsAndLimits: PolicyRule = {
  id: "requests-and-limits",
  description: "Every container sets CPU and memory requests and limits.",
  check(resources) {
    const out: Violation[] = [];
    for (const r of resources.filter((x) => WORKLOADS.includes(x.type))) {
      for (const c of containers(r)) {
        for (const kind of ["requests", "limits"]) {
          for (const res of ["cpu", "memory"]) {
            if (get(c, "resources", kind, res) === undefined)
              out.push(violation(this.id, r, `container ${String(c.name)} has no ${res} ${kind}`));
          }
        }
      }
    }
    return out;
  },
};

const imagesPinned: PolicyRule = {
  id: "images-pinned",
  description: "Every container image names a version tag or a digest, never latest.",
  check(resources) {
    const out: Violation[] = [];
    for (const r of resources.filter((x) => WORKLOADS.includes(x.type))) {
      for (const c of containers(r)) {
        const image = String(reveal(c.image) ?? "");
        const digest = image.includes("@sha256:");
        const tag = image.slice(image.lastIndexOf("/") + 1).split(":")[1];
        if (!digest && (tag === undefined || tag === "latest" || tag === ""))
          out.push(violation(this.id, r, `container ${String(c.name)} image "${image}" is not pinned`));
      }
    }
    for (const r of resources.filter((x) => x.type === "kubernetes:helm.sh/v3:Release")) {
      if (!str(r.inputs.version)) out.push(violation(this.id, r, "chart version is not pinned"));
    }
    return out;
  },
};

const storageRetain: PolicyRule = {
  id: "kafka-storage-retain",
  description: "StorageClasses for Kafka keep volumes when claims go (reclaimPolicy Retain).",
  check(resources) {
    return resources
      .filter((r) => r.type === "kubernetes:storage.k8s.io/v1:StorageClass")
      .filter((r) => str(r.inputs.reclaimPolicy) !== "Retain")
      .map((r) => violation(this.id, r, `reclaimPolicy is ${str(r.inputs.reclaimPolicy) ?? "Delete (default)"}`));
  },
};

const replicationDefaults: PolicyRule = {
  id: "replication-defaults",
  // Controllers too: in KRaft they fill in a new topic's replication factor and, with Eligible Leader Replicas, write
  // the cluster-wide min.insync.replicas from their own configuration.
  // With rack = region, RF replicas sit in RF regions: min.insync.replicas = RF - 1 keeps writes going after losing
  // one region while every acknowledged write still has a copy in all but one of them (RF 3 / 2, or RF 2 / 1).
  description:
    "Brokers and controllers default to a replication factor of at least 2 and min.insync.replicas of RF - 1 (3 and 2 by default).",
  check(resources) {
    const out: Violation[] = [];
    for (const { r, file, props } of propertiesFiles(resources)) {
      const rfText = props["default.replication.factor"];
      const minIsrText = props["min.insync.replicas"];
      const rf = Number(rfText ?? "1");
      if (!Number.isInteger(rf) || rf < 2)
        out.push(violation(this.id, r, `${file}: default.replication.factor=${rfText ?? "1 (default)"}, below 2`));
      else if (minIsrText !== String(rf - 1))
        out.push(violation(this.id, r, `${file}: min.insync.replicas=${minIsrText ?? "1 (default)"}, not ${rf - 1} (RF - 1)`));
    }
    return out;
  },
};

const imageVolumesMounted: PolicyRule = {
  id: "image-volumes-mounted",
  description:
    "Every apache/kafka container of a StatefulSet mounts a volume at exactly each path the image declares as a VOLUME, " +
    "and the one at the data path is a claim of the StatefulSet's volumeClaimTemplates.",
  check(resources) {
    const out: Violation[] = [];
    for (const sts of resources.filter((r) => r.type === "kubernetes:apps/v1:StatefulSet")) {
      const claims = new Set(list(get(sts.inputs, "spec", "volumeClaimTemplates")).map((t) => str(get(t, "metadata", "name"))));
      const podVolumes = new Set(list(podSpec(sts)?.volumes).map((v) => str(get(v, "name"))));
      for (const c of containers(sts).filter((x) => isKafkaImage(String(reveal(x.image) ?? "")))) {
        const mounts = list(c.volumeMounts).map((m) => ({ name: str(get(m, "name")), path: str(get(m, "mountPath")) }));
        for (const path of Object.values(KAFKA_IMAGE_VOLUMES)) {
          const at = mounts.filter((m) => m.path === path);
          if (at.length === 0) {
            out.push(
              violation(
                this.id,
                sts,
                `container ${String(c.name)} mounts nothing at ${path}: the runtime hides it under an anonymous volume`,
              ),
            );
          }
        }
        const data = mounts.find((m) => m.path === KAFKA_IMAGE_VOLUMES.data);
        if (data && !(data.name !== undefined && claims.has(data.name) && !podVolumes.has(data.name))) {
          out.push(
            violation(
              this.id,
              sts,
              `container ${String(c.name)} mounts ${data.name ?? "?"} at ${KAFKA_IMAGE_VOLUMES.data}, not a claim of the StatefulSet`,
            ),
          );
        }
      }
    }
    return out;
  },
};

export const RULES: readonly PolicyRule[] = [
  noPublicKafkaPorts,
  encryptedVolumes,
  secretsAreSecret,
  kafkaListenersEncrypted,
  kafkaListenersAuthenticate,
  kafkaAuthorizer,
  privateNodes,
  noWildcardIam,
  budgetsAndSpread,
  requestsAndLimits,
  imagesPinned,
  storageRetain,
  replicationDefaults,
  imageVolumesMounted,
  customResourcesHaveCrds,
  dataProtected,
  rollsOrdered,
  ...networkRules,
];

export function runPolicies(resources: readonly PolicyResource[], rules: readonly PolicyRule[] = RULES): Violation[] {
  return rules.flatMap((rule) => rule.check(resources));
}
