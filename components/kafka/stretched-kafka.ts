// One Apache Kafka cluster (KRaft) stretched over the three regional Kubernetes clusters of a stack: the shared
// identity (cluster id, client credentials, the TLS CA in Submariner mode), then each region's objects on its own
// provider, with rollouts chained across regions so that at most one region's controller and one region's brokers
// restart at a time.
import { StackImages, resolveImages } from "../../lib/images";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { RegionSpec } from "../../lib/config/spec";
import { DEFAULT_CLIENT_NAMESPACES } from "../../lib/kafka/defaults";
import { certificateNameProblems, kafkaDeploymentProblems } from "../../lib/kafka/checks";
import { kafkaClusterIdFromUuid, kafkaDirectoryIdFromUuid } from "../../lib/kafka/cluster-id";
import { initialControllers } from "../../lib/kafka/quorum";
import { ClientSnippets, StatefulSetConfig, clientSnippets, crossClusterSourceRanges, renderClusterConfigs } from "../../lib/kafka/cluster";
import { SCRAM_SALT_BYTES, SCRAM_USERNAME, scramCredential } from "../../lib/kafka/scram";
import { MachineShape, KafkaSizing, kafkaSizing } from "../../lib/kafka/sizing";
import { KafkaNode, controllersOf, kafkaNodes } from "../../lib/kafka/topology";
import type { MeshLayer } from "../mesh/types";
import type { RegionalCluster } from "../platform";
import { KafkaMetricsArgs, KafkaRegion } from "./region";
import type { SidecarProxyArgs } from "./workload";
import { KafkaTls } from "./tls";
import { KafkaAccess } from "./access";
import type { KafkaTopicSpec, KafkaUserSpec } from "../../lib/kafka/access-types";

/** The SCRAM user created with the cluster: a super user (it may do everything), for operators and the access Job. */
export const DEFAULT_ADMIN_USERNAME = "admin";

/** Topic defaults that brokers and controllers carry (KRaft controllers fill them in for new topics). */
export interface KafkaTopicDefaults {
  /** num.partitions. */
  partitions: number;
  /** default.replication.factor, with one replica per region (rack = region). */
  replicationFactor: number;
  /** min.insync.replicas; RF - 1 keeps writes going after losing a region. */
  minInsyncReplicas: number;
}

/** Producer settings written into each region's client snippet. */
export interface KafkaProducerSettings {
  acks: string;
  compression: string;
  batchSizeBytes: number;
  lingerMs: number;
}

export interface StretchedKafkaArgs {
  /**
   * The stack's regions in order: names (Kafka racks), cluster ids (in node names, hence certificate names of at most
   * 64 characters) and pod ranges (each cluster's NetworkPolicy admits the others'). Required, one per cluster.
   */
  regions: readonly RegionSpec[];
  /** Apache Kafka version of the `apache/kafka` image (lib/config/kafka-version.ts). Required. */
  version: string;
  /**
   * The images pods pull (lib/images.ts `resolveImages`): Kafka's, and curl's for the metrics agent's download.
   * Default: Docker Hub by tag, Kafka's tag being `version`.
   */
  images?: StackImages;
  /** Brokers in each region. Required, 1 to 100 (node ids are region x 100 + n). */
  brokersPerRegion: number;
  /** KRaft controllers in each region. Required, 1 to 100; one per region keeps a quorum after losing any region. */
  controllersPerRegion: number;
  /** num.partitions, default.replication.factor and min.insync.replicas of brokers and controllers. Required. */
  topicDefaults: KafkaTopicDefaults;
  /** Producer settings of the client snippets. Required. */
  producer: KafkaProducerSettings;
  /** Size of each broker's log volume, GiB. Required. */
  brokerVolumeSizeGiB: number;
  /**
   * The nodes Kafka runs on: the machine type (named in errors) and nodes per region, which must hold one pod of each
   * StatefulSet per node. Required.
   */
  kafkaNodes: { machineType: string; countPerRegion: number };
  /**
   * vCPUs and memory of a Kafka node: heap, page cache and CPU requests are sized from it. Required in practice: when
   * absent, the component refuses its arguments naming `kafkaNodes.machineType` (the stacks pass the catalog's shape,
   * or existing.kafkaNodeShape).
   */
  machineShape?: MachineShape;
  /** One per region, in `regions` order; every object of region i is created with `clusters[i].provider`. Required. */
  clusters: readonly RegionalCluster[];
  /** The mesh layer (Submariner or Istio): decides listeners, TLS and how names cross clusters. Required. */
  mesh: MeshLayer;
  /** Socket buffer size for brokers and client snippets: `planSocketBuffers(links).socketBufferBytes`. Required. */
  socketBufferBytes: number;
  /**
   * Namespaces (in every cluster) whose pods may reach the client listener; the namespaces are not created here.
   * Default DEFAULT_CLIENT_NAMESPACES (`["kafka-clients"]`). An empty list admits no in-cluster clients.
   */
  clientNamespaces?: readonly string[];
  /** Size of each controller's metadata volume, GiB. Default 20 (CONTROLLER_VOLUME_GIB); count it in cost estimates. */
  controllerVolumeSizeGiB?: number;
  /** SCRAM user for clients. Default `admin`. Letters, digits, '.', '_' and '-' only (it is written inside `--add-scram`'s `[name=...]`). */
  adminUsername?: string;
  /**
   * Prometheus JMX exporter agent on every broker and controller (init container, `KAFKA_OPTS`, port 9404, rules
   * ConfigMap per cluster; lib/observability/jmx-exporter). Default: on, with the pinned agent and no plaintext scrapes.
   * `false`: no agent.
   */
  metrics?: KafkaMetricsArgs | false;
  /** Topics the access Job creates and keeps as declared (kafka.topics; lib/kafka/access). Default none. */
  topics?: readonly KafkaTopicSpec[];
  /** Application users with their ACLs and quotas (kafka.users): a Secret each in their namespaces. Default none. */
  users?: readonly KafkaUserSpec[];
  /** Istio mode only: broker sidecar settings (a proxy image with Envoy's Kafka filter, statistics to keep). Default none. */
  brokerProxy?: SidecarProxyArgs;
  /** Protect each region's Kafka namespace and the quorum ConfigMap (lib/durability/protection.ts). Default true. */
  protectData?: boolean;
}

export class StretchedKafka extends pulumi.ComponentResource {
  readonly nodes: readonly KafkaNode[];
  readonly statefulSetConfigs: readonly StatefulSetConfig[];
  readonly sizing: KafkaSizing;
  /** Kafka cluster id (not secret). */
  readonly clusterId: pulumi.Output<string>;
  /** The controllers' initial voter set, `id@host:port:directoryId,...`, that empty controllers format with. */
  readonly initialControllers: pulumi.Output<string>;
  /** Per region name: the CLIENT listener addresses of that region's brokers. */
  readonly bootstrapServers: Record<string, string>;
  /** Per region: producer and consumer properties for clients of that region (no password in them). */
  readonly clientConfigs: ClientSnippets[];
  readonly adminUsername: string;
  /** The client admin's password: a Pulumi secret. */
  readonly adminPassword: pulumi.Output<string>;
  /** Submariner mode: the CA clients must trust. */
  readonly caCertPem?: pulumi.Output<string>;
  readonly regions: KafkaRegion[];
  /** Declared topics and users applied in the cluster, and the users' passwords (Pulumi secrets). */
  readonly access: KafkaAccess;

  constructor(name: string, args: StretchedKafkaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:kafka:StretchedKafka", name, {}, opts);
    const { mesh } = args;
    const images = args.images ?? resolveImages(args.version);
    const clientNamespaces = args.clientNamespaces ?? DEFAULT_CLIENT_NAMESPACES;
    const shape = args.machineShape;
    this.sizing = kafkaSizing(shape ?? { vcpus: 1, memoryGiB: 1 }, mesh.mode);
    this.adminUsername = args.adminUsername ?? DEFAULT_ADMIN_USERNAME;

    const problems = kafkaDeploymentProblems({
      specRegions: args.regions.map((r) => r.name),
      clusterRegions: args.clusters.map((c) => c.region.name),
      specMesh: mesh.mode,
      layerMesh: mesh.mode,
      socketBufferBytes: args.socketBufferBytes,
      brokersPerRegion: args.brokersPerRegion,
      controllersPerRegion: args.controllersPerRegion,
      kafkaNodesPerRegion: args.kafkaNodes.countPerRegion,
      machineType: args.kafkaNodes.machineType,
      shapeKnown: shape !== undefined,
      sizingProblems: this.sizing.problems,
      clientNamespaces,
    });
    if (args.brokerProxy && mesh.mode !== "istio") {
      problems.push({ propertyPath: "brokerProxy", reason: `sidecar settings need mesh mode istio (found ${mesh.mode})` });
    }
    if (!SCRAM_USERNAME.test(this.adminUsername)) {
      problems.push({ propertyPath: "adminUsername", reason: "may hold only letters, digits, '.', '_' and '-'" });
    }
    this.nodes = kafkaNodes({
      regions: args.regions.map((r) => ({ name: r.name, clusterId: r.clusterId })),
      brokersPerRegion: args.brokersPerRegion,
      controllersPerRegion: args.controllersPerRegion,
    });
    problems.push(...certificateNameProblems(this.nodes));
    if (problems.length > 0)
      throw new pulumi.InputPropertiesError({ message: `invalid arguments for Kafka cluster ${name}`, errors: problems });

    this.statefulSetConfigs = renderClusterConfigs({
      mesh: mesh.mode,
      nodes: this.nodes,
      defaultPartitions: args.topicDefaults.partitions,
      replicationFactor: args.topicDefaults.replicationFactor,
      minInsyncReplicas: args.topicDefaults.minInsyncReplicas,
      socketBufferBytes: args.socketBufferBytes,
      vcpus: shape!.vcpus,
      adminUsername: this.adminUsername,
    });

    // Generated once and kept in state: every node is formatted with it, and a node formatted with another id
    // never joins. Replacing this resource means re-formatting every volume.
    const uuid = new random.RandomUuid(`${name}-cluster-id`, {}, { parent: this });
    this.clusterId = uuid.result.apply(kafkaClusterIdFromUuid);
    // Each controller's initial metadata directory id, kept in state like the cluster id: the voter set names voters
    // by node id and directory id, and every controller must be formatted with the same set (lib/kafka/quorum).
    const directoryIds: Record<string, pulumi.Output<string>> = {};
    for (const c of controllersOf(this.nodes)) {
      const id = new random.RandomUuid(`${name}-${c.podName}-directory-id`, {}, { parent: this });
      directoryIds[c.podName] = id.result.apply(kafkaDirectoryIdFromUuid);
    }
    const nodes = this.nodes;
    this.initialControllers = pulumi.all(directoryIds).apply((ids) => initialControllers(mesh.mode, nodes, ids));
    // Alphanumeric, so that clients can put it in a JAAS line without quoting. 32 characters of 62 give about 190 bits.
    const password = new random.RandomPassword(`${name}-admin-password`, { length: 32, special: false }, { parent: this });
    this.adminPassword = pulumi.secret(password.result);
    // Kafka is formatted with the salted credential, never the password; the salt is kept in state so the credential,
    // and the Secret holding it, stay the same from one `pulumi up` to the next.
    const salt = new random.RandomBytes(`${name}-scram-salt`, { length: SCRAM_SALT_BYTES }, { parent: this });
    const username = this.adminUsername;
    const scram = pulumi.secret(
      pulumi
        .all([password.result, salt.base64])
        .apply(([p, s]) => scramCredential({ username, password: p, salt: Buffer.from(s, "base64") })),
    );

    // Node certificates in both modes: the CONTROLLER and REPLICATION listeners authenticate nodes by them. Clients
    // need the CA only where their own listener is Kafka TLS (Submariner mode).
    const tlsMaterial = new KafkaTls(`${name}-tls`, { nodes: this.nodes, mesh: mesh.mode }, { parent: this });
    if (mesh.mode === "submariner") this.caCertPem = tlsMaterial.caCertPem;

    this.regions = [];
    // Each region's AuthorizationPolicies (Istio) wait for every region's pods to run under their ServiceAccounts.
    let allStatefulSets: (sets: pulumi.Resource[]) => void = () => undefined;
    const statefulSetsReady = new Promise<pulumi.Resource[]>((resolve) => (allStatefulSets = resolve));
    // Resolved with the StatefulSets above, once every region exists: each region's controller.
    const controllersReady = statefulSetsReady.then(() => this.regions.map((r) => r.statefulSets.controller));
    // The first region's brokers roll after the last region's controller.
    const lastController = controllersReady.then((controllers) => controllers.slice(-1));
    args.clusters.forEach((cluster, i) => {
      const previous = this.regions[i - 1];
      this.regions.push(
        new KafkaRegion(
          `${name}-${cluster.region.name}`,
          {
            cluster,
            mesh,
            nodes: this.nodes,
            statefulSets: this.statefulSetConfigs.filter((s) => s.regionIndex === i),
            version: args.version,
            images,
            sizing: this.sizing,
            clusterId: this.clusterId,
            initialControllers: this.initialControllers,
            // Each region's quorum marker waits for every region's controllers.
            quorumFormedAfter: controllersReady,
            adminUsername: this.adminUsername,
            adminPassword: this.adminPassword,
            adminScramCredential: scram,
            keystores: tlsMaterial.keystores,
            caCertPem: tlsMaterial.caCertPem,
            certPems: tlsMaterial.certPems,
            brokerVolumeSizeGiB: args.brokerVolumeSizeGiB,
            ...(args.controllerVolumeSizeGiB !== undefined ? { controllerVolumeSizeGiB: args.controllerVolumeSizeGiB } : {}),
            clientNamespaces,
            crossClusterSourceRanges: crossClusterSourceRanges(args.regions, cluster.region.index),
            crossClusterEntryPeers: mesh.crossClusterEntryPeers?.(cluster.region.index) ?? [],
            ...(args.metrics !== false ? { metrics: args.metrics ?? {} } : {}),
            ...(args.brokerProxy ? { brokerProxy: args.brokerProxy } : {}),
            // One roll order for the whole cluster (docs/operations.md): every region's Kafka nodes, then the controllers
            // region after region, then the brokers region after region. Never two regions' pods down at once.
            controllerAfter: previous ? [previous.statefulSets.controller] : args.clusters.flatMap((c) => c.kafkaNodes ?? []),
            brokerAfter: previous ? [previous.statefulSets.broker] : lastController,
            authorizationAfter: statefulSetsReady,
            protectData: args.protectData ?? true,
          },
          { parent: this },
        ),
      );
    });
    allStatefulSets(this.regions.flatMap((r) => [r.statefulSets.controller, r.statefulSets.broker]));

    this.access = new KafkaAccess(
      `${name}-access`,
      {
        clusters: args.clusters,
        mesh: mesh.mode,
        nodes: this.nodes,
        version: args.version,
        image: images.kafka,
        topics: args.topics ?? [],
        users: args.users ?? [],
        replicationFactor: args.topicDefaults.replicationFactor,
        minInsyncReplicas: args.topicDefaults.minInsyncReplicas,
        adminUsername: this.adminUsername,
        adminPassword: this.adminPassword,
        ...(this.caCertPem ? { caCertPem: this.caCertPem } : {}),
        // Applied once every region's brokers are up: the Job reaches brokers in all regions.
        dependsOn: this.regions.map((r) => r.statefulSets.broker),
        regionDependsOn: this.regions.map((r, i) => [r.namespace, ...mesh.readyIn(i)]),
      },
      { parent: this },
    );

    this.clientConfigs = args.regions.map((r) =>
      clientSnippets({
        mesh: mesh.mode,
        nodes: this.nodes,
        region: r.name,
        username: this.adminUsername,
        socketBufferBytes: args.socketBufferBytes,
        producer: args.producer,
      }),
    );
    this.bootstrapServers = Object.fromEntries(this.clientConfigs.map((c) => [c.region, c.bootstrapServers]));

    this.registerOutputs({
      clusterId: this.clusterId,
      bootstrapServers: this.bootstrapServers,
      clientConfigs: this.clientConfigs,
      adminUsername: this.adminUsername,
      adminPassword: this.adminPassword,
      ...(this.caCertPem ? { caCertPem: this.caCertPem } : {}),
    });
  }

  /** Outputs for the stack: nothing secret except the password, which stays a Pulumi secret. */
  stackOutputs() {
    return {
      clusterId: this.clusterId,
      bootstrapServers: this.bootstrapServers,
      clientConfigs: this.clientConfigs,
      adminUsername: this.adminUsername,
      ...(this.caCertPem ? { caCertPem: this.caCertPem } : {}),
      sizing: { broker: this.sizing.broker, controller: this.sizing.controller, pageCacheMiB: this.sizing.pageCacheMiB },
    };
  }
}
