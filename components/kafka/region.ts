// Everything the stretched Kafka cluster puts into one region's Kubernetes cluster, all on that cluster's provider:
// namespace, credentials, configuration, Services, mesh hooks, network and disruption policies, and the controller
// and broker StatefulSets.
import type { StackImages } from "../../lib/images";
import * as crypto from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { rollTimeouts, statefulSetRollSeconds } from "../../lib/rolls/timing";
import { dataHolderOptions } from "../../lib/durability/protection";
import { KAFKA_NAMESPACE, nodeServiceName } from "../../lib/kafka/addresses";
import { ACCESS_JOB_LABELS } from "../../lib/kafka/service-accounts";
import { ADMIN_CREDENTIALS_SECRET, ADMIN_SCRAM_SECRET, StatefulSetConfig, listenerPorts } from "../../lib/kafka/cluster";
import { podClientProperties, renderProperties } from "../../lib/kafka/properties";
import { TOOLS_LOG4J2_CONFIG, renderControllerReadinessScript, renderReadinessScript } from "../../lib/kafka/readiness";
import { renderPromotionScript } from "../../lib/kafka/promote-controller";
import { QUORUM_BOOTSTRAP_CONFIG_MAP, QUORUM_FORMED_KEY } from "../../lib/kafka/quorum";
import { ORPHAN_DELETION_ANNOTATION, STATEFULSET_REPLACE_ON_CHANGES } from "../../lib/kafka/replacement";
import { KAFKA_SERVICE_ACCOUNTS } from "../../lib/kafka/service-accounts";
import { KafkaSizing } from "../../lib/kafka/sizing";
import { CONFIG_FILES, LOG4J2_CONFIG, renderStartScript } from "../../lib/kafka/start-script";
import { KafkaNode } from "../../lib/kafka/topology";
import { EXPORTER_CONFIG_FILE, EXPORTER_CONFIG_MAP, METRICS_PORT, renderExporterConfig } from "../../lib/observability/jmx-exporter";
import { KAFKA_PORTS } from "../../lib/ports";
import type { MeshLayer } from "../mesh/types";
import type { RegionalCluster } from "../platform";
import { CONTROLLER_VOLUME_GIB } from "../../lib/kafka/defaults";
import { createKafkaAuthorizationPolicies } from "./authorization";
import { KAFKA_POD_SELECTOR, SidecarProxyArgs, podLabels, selectorLabels, statefulSetSpec } from "./workload";

export interface KafkaRegionArgs {
  /** The region's cluster: provider, storage class, Kafka node selector and tolerations, what to wait for. Required. */
  cluster: RegionalCluster;
  /** The mesh: namespace labels, Service export (Submariner), readiness per region. Required. */
  mesh: MeshLayer;
  /** Every node of the whole cluster; Istio mode creates a Service for each in every cluster. Required. */
  nodes: readonly KafkaNode[];
  /** This region's StatefulSets (one controller, one broker) with their rendered server.properties. Required. */
  statefulSets: readonly StatefulSetConfig[];
  /** apache/kafka release (a pinned version): labels and, by default, the image tag. Required. */
  version: string;
  /** The images pods pull (lib/images.ts `resolveImages`): Kafka's, and curl's for the metrics agent's download. Required. */
  images: StackImages;
  /** Container sizes from the Kafka node shape (lib/kafka/sizing). Required. */
  sizing: KafkaSizing;
  /** Kafka cluster id shared by every node (22-character base64url). Required. */
  clusterId: pulumi.Input<string>;
  /** The client admin's SCRAM user, for the clients' basic-auth Secret. Required. */
  adminUsername: string;
  /** Its password, for the clients' basic-auth Secret only; must be a Pulumi secret. Required. */
  adminPassword: pulumi.Input<string>;
  /**
   * The admin's salted SCRAM credential (lib/kafka/scram scramCredential) that log directories are formatted with;
   * a Pulumi secret, mounted as a file into the Kafka containers. Required.
   */
  adminScramCredential: pulumi.Input<string>;
  /** The controllers' initial voter set, `id@host:port:directoryId,...` (lib/kafka/quorum initialControllers). Required. */
  initialControllers: pulumi.Input<string>;
  /**
   * What the `kafka-quorum-bootstrap` marker waits for besides this region's controller StatefulSet: every other
   * region's, as a promise when later regions are created after this one. The marker tells an empty controller that
   * the quorum was formed, so it must exist only once every controller has formatted (lib/kafka/quorum). Default: this
   * region's controller only (a cluster of one region).
   */
  quorumFormedAfter?: pulumi.Resource[] | Promise<pulumi.Resource[]>;
  /** Per pod name, the PEM keystore (secret): nodes authenticate each other with it in both mesh modes. Required. */
  keystores: Record<string, pulumi.Input<string>>;
  /** The cluster CA certificate. Required. */
  caCertPem: pulumi.Input<string>;
  /** Per pod name, the certificate: its hash rolls the pod when the certificate is re-issued. */
  certPems?: Record<string, pulumi.Input<string>>;
  /** Broker log volume size, GiB. Required. */
  brokerVolumeSizeGiB: number;
  /** Controller metadata volume size, GiB. Default CONTROLLER_VOLUME_GIB (20). */
  controllerVolumeSizeGiB?: number;
  /** Namespaces whose pods may reach the client listener. Required (may be empty). */
  clientNamespaces: readonly string[];
  /** Address ranges of the other clusters' pods, admitted on the Kafka ports (cross-cluster traffic). Required. */
  crossClusterSourceRanges: readonly string[];
  /**
   * Pods through which other clusters' traffic enters this cluster where it does not come from their pod ranges
   * (MeshLayer.crossClusterEntryPeers: Istio's east-west gateway). Default none.
   */
  crossClusterEntryPeers?: k8s.types.input.networking.v1.NetworkPolicyPeer[];
  /**
   * The controller StatefulSet waits for these: the previous region's controller, or for the first region every region's
   * Kafka node pool, so no controller rolls while any region's Kafka nodes do. Default none.
   */
  controllerAfter?: pulumi.Resource[] | Promise<pulumi.Resource[]>;
  /**
   * The broker StatefulSet waits for these besides its own region's controller: the previous region's brokers, or for
   * the first region the last region's controller, so brokers roll only after every controller. Default none.
   */
  brokerAfter?: pulumi.Resource[] | Promise<pulumi.Resource[]>;
  /** Prometheus JMX exporter agent on every pod. Absent: no agent and no metrics port. */
  metrics?: KafkaMetricsArgs;
  /** Istio mode: sidecar settings of broker pods beyond sizing (proxy image, Envoy statistics). */
  brokerProxy?: SidecarProxyArgs;
  /**
   * Istio mode: what the AuthorizationPolicies wait for besides this region's StatefulSets. A policy admits only the
   * per-role ServiceAccounts, so applied while a pod elsewhere still runs under an older identity (an upgrade from
   * `default`) it would refuse that pod: pass every region's StatefulSets, as a promise when later regions are created
   * after this one. Default: this region's StatefulSets only (enough on a fresh cluster).
   */
  authorizationAfter?: pulumi.Resource[] | Promise<pulumi.Resource[]>;
  /**
   * Protect (and retain) the Kafka namespace, whose deletion deletes every claim in it, and the quorum ConfigMap
   * (lib/durability/protection.ts). Default true.
   */
  protectData?: boolean;
}

export interface KafkaMetricsArgs {
  /** Where init containers download the agent; default the pinned release URL (lib/observability/versions). */
  agentUrl?: string;
  /**
   * Istio mode: accept plaintext scrapes of the metrics port (port-level PERMISSIVE on the STRICT policy), because
   * Prometheus, GMP and AMP collectors are not in the mesh. Which pods may scrape is the NetworkPolicy's business.
   * Default false.
   */
  plaintextScrapes?: boolean;
}

export class KafkaRegion extends pulumi.ComponentResource {
  readonly namespace: k8s.core.v1.Namespace;
  readonly statefulSets: Record<"controller" | "broker", k8s.apps.v1.StatefulSet>;
  readonly services: k8s.core.v1.Service[];
  /** The ServiceAccounts the pods run as, by role. */
  readonly serviceAccounts: Record<"controller" | "broker", k8s.core.v1.ServiceAccount>;
  /** Istio mode: the AuthorizationPolicies of the Kafka pods (none in Submariner mode). */
  readonly authorizationPolicies: k8s.apiextensions.CustomResource[];
  /** What the mesh created to export Services (Submariner ServiceExports). */
  readonly exports: pulumi.Resource[];
  /** The `kafka-quorum-bootstrap` marker: present once every controller has formatted (lib/kafka/quorum). */
  readonly quorumMarker: k8s.core.v1.ConfigMap;

  constructor(name: string, args: KafkaRegionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:kafka:KafkaRegion", name, {}, opts);
    const { cluster, mesh } = args;
    const regionIndex = cluster.region.index;
    const provider = cluster.provider;
    const submariner = mesh.mode === "submariner";
    const protectData = args.protectData ?? true;
    const problems: Array<{ propertyPath: string; reason: string }> = [];
    const missingKeystores = args.statefulSets.flatMap((s) => s.nodes).filter((n) => args.keystores[n.podName] === undefined);
    if (missingKeystores.length > 0)
      problems.push({ propertyPath: "keystores", reason: `no keystore for ${missingKeystores.map((n) => n.podName).join(", ")}` });
    const roles = new Set(args.statefulSets.map((s) => s.role));
    if (!roles.has("controller") || !roles.has("broker"))
      problems.push({ propertyPath: "statefulSets", reason: "a region needs one controller and one broker StatefulSet" });
    if (problems.length > 0)
      throw new pulumi.InputPropertiesError({ message: `invalid arguments for Kafka region ${name}`, errors: problems });

    this.namespace = new k8s.core.v1.Namespace(
      `${name}-ns`,
      {
        metadata: {
          name: KAFKA_NAMESPACE,
          labels: {
            "app.kubernetes.io/part-of": "geo-kafka",
            // Kafka pods pass the restricted profile; Istio's injected init container (NET_ADMIN) would not, so
            // enforcement is left to the mesh's own labels there and only warnings and audits are asked for.
            ...(submariner ? { "pod-security.kubernetes.io/enforce": "restricted" } : {}),
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/audit": "restricted",
            ...mesh.namespaceLabels,
          },
        },
      },
      { parent: this, provider, dependsOn: cluster.dependsOn, ...dataHolderOptions("kafka-namespace", protectData) },
    );
    const deps = [this.namespace, ...cluster.dependsOn, ...mesh.readyIn(regionIndex)];
    const inCluster = (extra: pulumi.Resource[] = []): pulumi.CustomResourceOptions => ({
      parent: this,
      provider,
      dependsOn: [...deps, ...extra],
    });
    const meta = (objectName: string, labels: Record<string, string> = {}) => ({
      name: objectName,
      namespace: KAFKA_NAMESPACE,
      labels: { "app.kubernetes.io/part-of": "geo-kafka", ...labels },
    });

    // For clients: the admin's user name and password. Kafka itself never reads it (see the SCRAM Secret below).
    new k8s.core.v1.Secret(
      `${name}-admin-credentials`,
      {
        metadata: meta(ADMIN_CREDENTIALS_SECRET),
        type: "kubernetes.io/basic-auth",
        stringData: { username: args.adminUsername, password: pulumi.secret(args.adminPassword) },
      },
      inCluster(),
    );

    // The credential the storage tool formats with. A file, not an environment variable: the containers' environment
    // holds no credential at all.
    const scramSecret = new k8s.core.v1.Secret(
      `${name}-admin-scram`,
      {
        metadata: meta(ADMIN_SCRAM_SECRET),
        type: "Opaque",
        stringData: { [CONFIG_FILES.adminScram]: pulumi.secret(args.adminScramCredential) },
      },
      inCluster(),
    );

    // One identity per role: Istio's policies tell brokers from controllers by it. No token: Kafka never calls the API.
    const accounts = (["controller", "broker"] as const).map(
      (role) =>
        new k8s.core.v1.ServiceAccount(
          `${name}-${role}-sa`,
          { metadata: meta(KAFKA_SERVICE_ACCOUNTS[role], { "app.kubernetes.io/component": role }), automountServiceAccountToken: false },
          inCluster(),
        ),
    );
    this.serviceAccounts = { controller: accounts[0], broker: accounts[1] };

    if (!submariner) {
      // Kafka listens in plaintext behind the sidecar; STRICT on its own pods keeps that true whatever the mesh default.
      // v1beta1: still served by current Istio, and the version @kubernetes-models/istio can validate.
      const permissiveMetrics = args.metrics?.plaintextScrapes === true;
      new k8s.apiextensions.CustomResource(
        `${name}-strict-mtls`,
        {
          apiVersion: "security.istio.io/v1beta1",
          kind: "PeerAuthentication",
          metadata: meta("kafka-strict-mtls"),
          spec: {
            selector: { matchLabels: { ...KAFKA_POD_SELECTOR } },
            mtls: { mode: "STRICT" },
            // Scrapers outside the mesh send plaintext HTTP; only the metrics port accepts it, never a Kafka port.
            ...(permissiveMetrics ? { portLevelMtls: { [String(METRICS_PORT)]: { mode: "PERMISSIVE" } } } : {}),
          },
        },
        inCluster(),
      );
    }

    // The exporter's rules, shared by both StatefulSets. Outside the config checksum: the agent reloads the file.
    const exporterConfig = args.metrics
      ? new k8s.core.v1.ConfigMap(
          `${name}-jmx-exporter`,
          {
            metadata: meta(EXPORTER_CONFIG_MAP, { "app.kubernetes.io/component": "metrics" }),
            data: { [EXPORTER_CONFIG_FILE]: renderExporterConfig() },
          },
          inCluster(),
        )
      : undefined;

    this.services = [];
    this.exports = [];
    const sets: Partial<Record<"controller" | "broker", k8s.apps.v1.StatefulSet>> = {};
    // Controllers first: the broker StatefulSet of a region waits for its controller.
    const ordered = [...args.statefulSets].sort((a, b) => (a.role === b.role ? 0 : a.role === "controller" ? -1 : 1));
    for (const set of ordered) {
      const labels = selectorLabels(set);
      const files: Record<string, string> = {
        ...set.files,
        [CONFIG_FILES.startScript]: renderStartScript(),
        [CONFIG_FILES.log4j]: LOG4J2_CONFIG,
        [CONFIG_FILES.clientProperties]: renderProperties(podClientProperties()),
        [CONFIG_FILES.toolsLog4j]: TOOLS_LOG4J2_CONFIG,
        [CONFIG_FILES.readinessScript]: set.role === "broker" ? renderReadinessScript() : renderControllerReadinessScript(),
        ...(set.role === "controller" ? { [CONFIG_FILES.promoteScript]: renderPromotionScript() } : {}),
      };
      const configMap = new k8s.core.v1.ConfigMap(
        `${name}-${set.role}-config`,
        { metadata: meta(`${set.name}-config`, labels), data: files },
        inCluster(),
      );

      const ports = listenerPorts(set.role).map((p) => ({ name: p.name, port: p.port, targetPort: p.port, protocol: "TCP" }));
      // The StatefulSet's governing Service: per-pod DNS names, published before readiness because the quorum
      // and the brokers must find each other while starting.
      const headless = new k8s.core.v1.Service(
        `${name}-${set.role}-headless`,
        { metadata: meta(set.name, labels), spec: { clusterIP: "None", publishNotReadyAddresses: true, selector: labels, ports } },
        inCluster(),
      );
      this.services.push(headless);
      const exported = submariner
        ? mesh.exportService({
            cluster,
            namespace: KAFKA_NAMESPACE,
            serviceName: set.name,
            name: `${name}-${set.role}-headless`,
            opts: { parent: this, provider, dependsOn: [headless, ...deps] },
          })
        : [];
      this.exports.push(...exported);

      const checksums: Record<string, pulumi.Input<string>> = { "geo-kafka/config-sha256": sha256(JSON.stringify(files)) };
      const keystores: Record<string, pulumi.Input<string>> = {};
      for (const node of set.nodes) keystores[`${node.podName}.pem`] = args.keystores[node.podName];
      const tlsSecret = new k8s.core.v1.Secret(
        `${name}-${set.role}-tls`,
        { metadata: meta(`${set.name}-tls`, labels), type: "Opaque", stringData: { ...keystores, "ca.crt": args.caCertPem } },
        inCluster(),
      );
      const certs = set.nodes.map((n) => args.certPems?.[n.podName] ?? "");
      checksums["geo-kafka/tls-sha256"] = pulumi.all([args.caCertPem, ...certs]).apply((pems) => sha256(pems.join("")));

      new k8s.policy.v1.PodDisruptionBudget(
        `${name}-${set.role}-pdb`,
        {
          metadata: meta(set.name, labels),
          spec: {
            // Per cluster only: Kubernetes cannot budget across clusters, so regions must not be drained together.
            maxUnavailable: 1,
            selector: { matchLabels: labels },
            // A broker is ready only while no partition is under-replicated, so during a region outage or a catch-up
            // every broker reports not ready: evicting one then must wait until the budget is healthy again
            // (IfHealthyBudget), which is the point. A controller is not ready while it lags the quorum or is no voter;
            // its budget covers only itself (one per region), so evicting it then costs nothing a drain should wait for.
            unhealthyPodEvictionPolicy: set.role === "broker" ? "IfHealthyBudget" : "AlwaysAllow",
          },
        },
        inCluster(),
      );

      const ownController = set.role === "broker" && sets.controller ? [sets.controller] : [];
      const gatesOf: Promise<pulumi.Resource[]> = Promise.resolve(
        (set.role === "controller" ? args.controllerAfter : args.brokerAfter) ?? [],
      );
      const statefulSetDeps: Promise<pulumi.Resource[]> = gatesOf.then((gates) => [
        ...deps,
        headless,
        configMap,
        scramSecret,
        this.serviceAccounts[set.role],
        ...(exporterConfig ? [exporterConfig] : []),
        tlsSecret,
        ...exported,
        ...ownController,
        ...gates,
      ]);
      sets[set.role] = new k8s.apps.v1.StatefulSet(
        `${name}-${set.role}`,
        {
          // Deleted with propagationPolicy=Orphan when replaced: pods and claims stay and the new object adopts them.
          metadata: { ...meta(set.name, podLabels(set, args.version)), annotations: { ...ORPHAN_DELETION_ANNOTATION } },
          spec: statefulSetSpec({
            set,
            mesh: mesh.mode,
            version: args.version,
            images: args.images,
            sizing: set.role === "broker" ? args.sizing.broker : args.sizing.controller,
            sidecar: set.role === "broker" ? args.sizing.brokerSidecar : args.sizing.controllerSidecar,
            configMapName: configMap.metadata.name,
            serviceAccountName: this.serviceAccounts[set.role].metadata.name,
            tlsSecretName: tlsSecret.metadata.name,
            scramSecretName: scramSecret.metadata.name,
            ...(set.role === "controller"
              ? { quorum: { initialControllers: args.initialControllers, formedConfigMapName: QUORUM_BOOTSTRAP_CONFIG_MAP } }
              : {}),
            clusterId: args.clusterId,
            storageClassName: cluster.storageClassName,
            volumeSizeGiB: set.role === "broker" ? args.brokerVolumeSizeGiB : (args.controllerVolumeSizeGiB ?? CONTROLLER_VOLUME_GIB),
            nodeSelector: cluster.kafkaNodeSelector,
            tolerations: cluster.kafkaTolerations,
            checksums,
            ...(exporterConfig
              ? {
                  metrics: {
                    configMapName: exporterConfig.metadata.name,
                    ...(args.metrics?.agentUrl !== undefined ? { agentUrl: args.metrics.agentUrl } : {}),
                  },
                }
              : {}),
            ...(set.role === "broker" && args.brokerProxy ? { proxy: args.brokerProxy } : {}),
          }),
        },
        {
          parent: this,
          provider,
          dependsOn: statefulSetDeps,
          // A new disk size lives in the immutable claim templates: replace the object (the old one first, as two
          // StatefulSets of one name cannot coexist) instead of an update the API server refuses.
          replaceOnChanges: [...STATEFULSET_REPLACE_ON_CHANGES],
          deleteBeforeReplace: true,
          // A whole roll, pod after pod (lib/rolls/timing.ts); the provider's 10-minute default fails a healthy one.
          customTimeouts: rollTimeouts(statefulSetRollSeconds(set.role, set.nodes.length)),
        },
      );
    }
    // Checked with the other arguments above: both roles are present.
    this.statefulSets = { controller: sets.controller!, broker: sets.broker! };

    // Created after every controller of the cluster is up, so after each has formatted; from then on an empty
    // controller in this region formats as an observer. Pods read it through an optional env reference, so their
    // template names it without depending on it. Protected and retained: deleting it only sends an empty controller
    // back to asking the quorum, but it has no reason to go before the namespace does.
    const controllersUp = Promise.resolve(args.quorumFormedAfter ?? []).then((extra) => [...deps, this.statefulSets.controller, ...extra]);
    this.quorumMarker = new k8s.core.v1.ConfigMap(
      `${name}-quorum-bootstrap`,
      {
        metadata: meta(QUORUM_BOOTSTRAP_CONFIG_MAP, { "app.kubernetes.io/component": "controller" }),
        data: { [QUORUM_FORMED_KEY]: args.clusterId },
      },
      {
        parent: this,
        provider,
        dependsOn: controllersUp,
        ...dataHolderOptions("quorum-bootstrap", protectData),
        // pulumi-kubernetes replaces a ConfigMap whose data changes (enableConfigMapMutable is off), and protection
        // refuses that: a stack deployed with the older bootstrap-window object in its first region keeps that
        // object's data instead (docs/kafka.md, "Upgrading a deployed stack").
        ignoreChanges: ["data"],
      },
    );

    this.authorizationPolicies = [];
    if (!submariner) {
      const ownSets = [this.statefulSets.controller, this.statefulSets.broker];
      const after = Promise.resolve(args.authorizationAfter ?? []).then((extra) => [...deps, ...ownSets, ...extra]);
      this.authorizationPolicies = createKafkaAuthorizationPolicies(
        name,
        { clientNamespaces: args.clientNamespaces, metricsFromAnySource: args.metrics?.plaintextScrapes === true },
        { parent: this, provider, dependsOn: after },
      );
    }

    if (!submariner) {
      // Istio: per-pod names of headless Services do not cross clusters (istio/istio#38327), so every node gets a
      // ClusterIP Service named after its pod, in every cluster; Istio merges the endpoints of same-named Services.
      for (const node of args.nodes) {
        const ports = listenerPorts(node.role).map((p) => ({ name: p.name, port: p.port, targetPort: p.port, protocol: "TCP" }));
        this.services.push(
          new k8s.core.v1.Service(
            `${name}-node-${node.nodeId}`,
            {
              metadata: meta(nodeServiceName(node), { "app.kubernetes.io/component": node.role, "geo-kafka/node-id": String(node.nodeId) }),
              spec: {
                type: "ClusterIP",
                publishNotReadyAddresses: true,
                selector: { "statefulset.kubernetes.io/pod-name": node.podName },
                ports,
              },
            },
            inCluster(),
          ),
        );
      }
    }

    const allPorts = [KAFKA_PORTS.client, KAFKA_PORTS.replication, KAFKA_PORTS.controller].map((port) => ({ protocol: "TCP", port }));
    const ingress: k8s.types.input.networking.v1.NetworkPolicyIngressRule[] = [
      // Brokers and controllers of this cluster, among themselves.
      { from: [{ podSelector: { matchLabels: { ...KAFKA_POD_SELECTOR } } }], ports: allPorts },
    ];
    // The access Job (first region) applies the declared topics and users through the client listener.
    ingress.push({
      from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": ACCESS_JOB_LABELS["app.kubernetes.io/name"] } } }],
      ports: [{ protocol: "TCP", port: KAFKA_PORTS.client }],
    });
    if (args.clientNamespaces.length > 0) {
      ingress.push({
        from: [
          {
            namespaceSelector: {
              matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...args.clientNamespaces] }],
            },
          },
        ],
        ports: [{ protocol: "TCP", port: KAFKA_PORTS.client }],
      });
    }
    if (args.crossClusterSourceRanges.length > 0) {
      // Peers in other clusters cannot be selected by label: their pod ranges are admitted instead (on EKS's VPC CNI the
      // whole peer VPC; docs/kafka.md). Identity is then proven by Kafka (mutual TLS between nodes, SCRAM for clients)
      // or, in Istio mode, by the mesh (mTLS and the AuthorizationPolicies). The metrics port is never among these.
      ingress.push({ from: args.crossClusterSourceRanges.map((cidr) => ({ ipBlock: { cidr } })), ports: allPorts });
    }
    if (args.crossClusterEntryPeers && args.crossClusterEntryPeers.length > 0) {
      ingress.push({ from: args.crossClusterEntryPeers, ports: allPorts });
    }
    new k8s.networking.v1.NetworkPolicy(
      `${name}-ingress`,
      {
        metadata: meta("kafka-ingress"),
        spec: { podSelector: { matchLabels: { ...KAFKA_POD_SELECTOR } }, policyTypes: ["Ingress"], ingress },
      },
      inCluster(),
    );

    this.registerOutputs({
      namespace: this.namespace.metadata.name,
      statefulSets: { controller: this.statefulSets.controller.metadata.name, broker: this.statefulSets.broker.metadata.name },
    });
  }
}

function sha256(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}
