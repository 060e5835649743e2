// The stack configuration schema: one zod schema per top-level key of `Pulumi.<stack>.yaml`.
// Shapes, types, ranges and defaults live here; checks that relate several keys live in ./validate.ts.
import { z } from "zod";
import { DEFAULT_MONITORING_NAMESPACE } from "../observability/defaults";
import { CLOUDS } from "../types";
import { CONTROLLER_VOLUME_GIB, DEFAULT_CLIENT_NAMESPACES } from "../kafka/defaults";
import { SUPPORTED_KAFKA_VERSIONS, isSupportedKafkaVersion } from "./kafka-version";
import { ACL_OPERATIONS, ACL_PATTERN_TYPES, ACL_RESOURCE_TYPES } from "../kafka/access-types";
import { REGISTRY_PATTERN } from "../images";

const positiveInt = z.number().int().positive();
const positive = z.number().positive();
const fraction = z.number().min(0).max(1);
const nonEmpty = z.string().min(1);

/** A topic config value as Kafka's string: numbers and booleans may be written bare in YAML. */
const topicConfigValue = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

export const topicSchema = z.strictObject({
  /** Kafka topic name: letters, digits, '.', '_' and '-', at most 249 characters. */
  name: nonEmpty,
  /** Partitions; may only grow once the topic exists. */
  partitions: positiveInt,
  /** Replicas, one per region; default `kafka.replicationFactor`. */
  replicationFactor: positiveInt.optional(),
  /** Topic-level configs, e.g. `retention.ms: 604800000`, `cleanup.policy: compact`. */
  config: z.record(nonEmpty, topicConfigValue).default({}),
  /** `retain` (default): removing the topic from this file keeps it and its data in Kafka. `delete`: removing it deletes it. */
  deletionPolicy: z.enum(["retain", "delete"]).default("retain"),
});

export const aclSchema = z.strictObject({
  resourceType: z.enum(ACL_RESOURCE_TYPES),
  /** Resource name; `*` for all (literal only); the cluster is `kafka-cluster`. */
  name: nonEmpty,
  patternType: z.enum(ACL_PATTERN_TYPES).default("literal"),
  operations: z.array(z.enum(ACL_OPERATIONS)).min(1),
  permission: z.enum(["allow", "deny"]).default("allow"),
  /** Client address (IP) the ACL applies to; `*` for any. */
  host: nonEmpty.default("*"),
});

export const userSchema = z.strictObject({
  /** SCRAM user name: letters, digits, '.', '_' and '-'. The principal is `User:<name>`. */
  name: nonEmpty,
  /** Client namespaces (in every cluster) that receive the Secret `kafka-user-<name>`. */
  namespaces: z.array(nonEmpty).min(1),
  mechanism: z.enum(["scram-sha-512"]).default("scram-sha-512"),
  acls: z.array(aclSchema).default([]),
  /** Broker-side quotas (per broker): `producerByteRate`, `consumerByteRate` in bytes/s, `requestPercentage`. */
  quotas: z
    .strictObject({
      producerByteRate: z.number().optional(),
      consumerByteRate: z.number().optional(),
      requestPercentage: z.number().optional(),
    })
    .default({}),
});

export const regionSchema = z.strictObject({
  /** Cloud region name, e.g. `us-central1` (GCP) or `us-east-1` (AWS). */
  name: nonEmpty,
  /** Zones (GCP) or availability zones (AWS) that nodes spread over. */
  zones: z.array(nonEmpty).min(1),
  /** Cluster id used by the mesh; must be a DNS label. Default: `<cloud>-<region name>`. */
  clusterId: nonEmpty.optional(),
  /** Node (VPC/subnet primary) range. Default: planned from `network.baseCidr`. */
  nodeCidr: nonEmpty.optional(),
  /** Pod range. Default: planned from `network.baseCidr`. */
  podCidr: nonEmpty.optional(),
  /** Service range. Default: planned from `network.baseCidr`. */
  serviceCidr: nonEmpty.optional(),
});

export const networkSchema = z
  .strictObject({
    /** Range from which unspecified cluster ranges are planned. */
    baseCidr: nonEmpty.default("10.0.0.0/8"),
    nodePrefixLength: z.number().int().min(8).max(28).default(20),
    podPrefixLength: z.number().int().min(8).max(28).default(14),
    servicePrefixLength: z.number().int().min(8).max(28).default(20),
  })
  .default({ baseCidr: "10.0.0.0/8", nodePrefixLength: 20, podPrefixLength: 14, servicePrefixLength: 20 });

export const linkSchema = z.strictObject({
  /** The two regions this link joins, by name; order does not matter. */
  between: z.tuple([nonEmpty, nonEmpty]),
  /** Round-trip time between the regions, milliseconds. */
  rttMs: positive,
  /** Bandwidth available between the regions, bytes per second. */
  bandwidthBytesPerSecond: positive,
  /** Largest rate one TCP flow may reach on this path (e.g. AWS inter-region 5 Gbit/s per flow), bytes per second. */
  perFlowCapBytesPerSecond: positive.optional(),
});

const nodePoolSchema = z.strictObject({
  machineType: nonEmpty,
  /** Nodes in each region. */
  countPerRegion: positiveInt,
});

export const nodePoolsSchema = z.strictObject({
  /** Nodes reserved (label and taint) for brokers and controllers. */
  kafka: nodePoolSchema,
  /** Nodes for the mesh control planes and operators, DNS, and the monitoring stack. */
  system: nodePoolSchema,
});

export const meshSchema = z.strictObject({
  mode: z.enum(["submariner", "istio"]),
});

/**
 * Producer acks as people write them in YAML: `all`, `-1` (the same as all), `0` or `1`, quoted or not.
 * Normalised once, here, to Kafka's spelling: "all", "0" or "1".
 */
export const producerAcksSchema = z
  .union([z.enum(["all", "-1", "0", "1"]), z.literal(-1), z.literal(0), z.literal(1)], {
    error: "must be all, -1, 0 or 1",
  })
  .transform((v): "all" | "0" | "1" => {
    const text = String(v);
    return text === "-1" ? "all" : (text as "all" | "0" | "1");
  });

export const kafkaSchema = z.strictObject({
  /** Apache Kafka version of the `apache/kafka` image; only SUPPORTED_KAFKA_VERSIONS (4.1.x). */
  version: z
    .string()
    .refine(isSupportedKafkaVersion, {
      error: (issue) =>
        `Kafka ${String(issue.input)} is not supported: the rendered KRaft properties are written for ${SUPPORTED_KAFKA_VERSIONS.range} (a release such as ${SUPPORTED_KAFKA_VERSIONS.default})`,
    })
    .default(SUPPORTED_KAFKA_VERSIONS.default),
  brokersPerRegion: z.number().int().default(3),
  /** KRaft controllers in each region; one per region keeps a quorum after losing any region. */
  controllersPerRegion: z.number().int().default(1),
  disk: z.strictObject({
    type: nonEmpty,
    sizeGiB: positiveInt,
    /** Provisioned IOPS per GiB (io1 only). */
    iopsPerGiB: positive.optional(),
  }),
  /** Size of each KRaft controller's metadata volume (same StorageClass as the brokers). */
  controllerDiskSizeGiB: positiveInt.default(CONTROLLER_VOLUME_GIB),
  defaultPartitions: positiveInt.default(72),
  /**
   * Topics that `pulumi up` creates and keeps as declared (the access Job), placed one replica per region. Their
   * placement is checked against losing a region like the default topic's and Kafka's internal ones.
   */
  topics: z.array(topicSchema).default([]),
  /** Application users: a SCRAM credential each, delivered as a Secret to client namespaces, with ACLs and quotas. */
  users: z.array(userSchema).default([]),
  /** Namespaces (in every cluster) whose pods may reach the client listener. */
  clientNamespaces: z
    .array(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a Kubernetes namespace name"))
    .default([...DEFAULT_CLIENT_NAMESPACES]),
  replicationFactor: positiveInt.default(3),
  minInsyncReplicas: positiveInt.default(2),
  producer: z
    .strictObject({
      acks: producerAcksSchema.default("all"),
      compression: z.enum(["none", "gzip", "snappy", "lz4", "zstd"]).default("lz4"),
      batchSizeBytes: positiveInt.default(131072),
      lingerMs: z.number().int().min(0).default(50),
    })
    .default({ acks: "all", compression: "lz4", batchSizeBytes: 131072, lingerMs: 50 }),
});

export const trafficSchema = z.strictObject({
  /** Uncompressed bytes produced per second, all producers together. */
  produceBytesPerSecond: positive,
  /** Messages produced per second; give this or `messageSizeBytes`. */
  messagesPerSecond: positive.optional(),
  /** Average uncompressed message size; used when `messagesPerSecond` is absent. */
  messageSizeBytes: positive.optional(),
  /** Consumer groups that read every message once. */
  consumerGroups: z.number().int().min(0).default(1),
  /** Uncompressed / compressed size: 4 means a quarter of the bytes cross the wire. */
  compressionRatio: z.number().min(1).default(1),
  /** Share of produced bytes sent to a leader in another region (2/3 when producers in every region write to every partition). */
  producerCrossRegionFraction: fraction.default(2 / 3),
  /** Consumers read from a replica in their own region (`client.rack` + rack-aware selector). */
  followerFetching: z.boolean().default(true),
});

export const pricesSchema = z
  .strictObject({
    /** On-demand $/hour per machine type, replacing or adding to the catalog. */
    machineTypes: z.record(nonEmpty, z.number().min(0)).default({}),
    diskUsdPerGiBMonth: z.number().min(0).optional(),
    iopsUsdPerMonth: z.number().min(0).optional(),
    interRegionUsdPerGiB: z.number().min(0).optional(),
    interZoneUsdPerGiB: z.number().min(0).optional(),
    controlPlaneUsdPerHour: z.number().min(0).optional(),
    natUsdPerHour: z.number().min(0).optional(),
    natUsdPerGiB: z.number().min(0).optional(),
  })
  .default({ machineTypes: {} });

export const accessSchema = z
  .strictObject({
    /** CIDRs allowed to reach the Kubernetes API endpoints (whoever runs `pulumi up`). Empty: private endpoint only. */
    controlPlaneCidrs: z.array(nonEmpty).default([]),
  })
  .default({ controlPlaneCidrs: [] });

export const imagesSchema = z
  .strictObject({
    /**
     * A registry that mirrors Docker Hub (`mirror.example.com/dockerhub`): the stack's own images are pulled from it.
     * Docker Hub limits anonymous pulls per address, and a region's nodes share one NAT address.
     */
    registry: z.string().regex(REGISTRY_PATTERN, "must be a registry host with an optional port and path, no scheme").optional(),
    /** A whole reference per image, e.g. `mirror.example.com/apache/kafka:4.1.2@sha256:<64 hex>`; used as given. */
    kafka: nonEmpty.optional(),
    curl: nonEmpty.optional(),
  })
  .default({});

export const gcpSchema = z.strictObject({
  /** GCP project that holds the three networks and clusters (stack gke). */
  project: z.string().regex(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, "must be a GCP project id (6-30 lower-case letters, digits, '-')"),
  /** GKE release channel of the three clusters. */
  releaseChannel: z.enum(["RAPID", "REGULAR", "STABLE", "EXTENDED"]).default("REGULAR"),
});

const k8sName = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a Kubernetes object name");

export const existingSchema = z.strictObject({
  /** One per region, in `regions` order: how to reach each cluster. */
  clusters: z
    .array(
      z.strictObject({
        /**
         * The kubeconfig's contents (YAML), not a path. Keep it a Pulumi secret:
         * `pulumi config set --secret --path 'geo-kafka:existing.clusters[0].kubeconfig' "$(cat east.kubeconfig)"`.
         */
        kubeconfig: nonEmpty,
        /** Context of the kubeconfig to use. Default: its current-context. */
        context: nonEmpty.optional(),
        /**
         * This cluster's API server as the other clusters reach it (`host`, `host:port` or `https://host[:port]`):
         * Submariner members dial the first one (the broker), each istiod the others'.
         */
        apiServer: nonEmpty,
        /**
         * What names this cluster for its whole life, whatever its kubeconfig says. A kubeconfig change (a rotated CA,
         * a new token, a new address) then updates the Kubernetes provider in place; a new identifier replaces the
         * provider and every object deployed through it. Default: the region's `clusterId`.
         */
        clusterIdentifier: nonEmpty.optional(),
      }),
    )
    .min(1),
  /**
   * Pod addresses route between the clusters without translation (a flat or routed network: BGP, VPC-native pods,
   * peered VPCs). Submariner here does service discovery only, so it needs this; Istio without it puts each cluster
   * on its own network and crosses through east-west gateways.
   */
  podsRoutable: z.boolean(),
  /** The clusters' CNI: `flannel` enforces no NetworkPolicy; `aws-vpc-cni` cannot carry Submariner. Default `other`. */
  cni: z.enum(["calico", "cilium", "flannel", "ovn-kubernetes", "openshift-sdn", "aws-vpc-cni", "other"]).default("other"),
  /**
   * The StorageClass of Kafka's volumes: `name` alone uses a class that exists in every cluster; with `create`, this
   * stack creates it (Retain, WaitForFirstConsumer, expandable) with the given provisioner and parameters.
   */
  storageClass: z.strictObject({
    name: k8sName,
    create: z
      .strictObject({
        provisioner: nonEmpty,
        parameters: z.record(nonEmpty, z.string()).default({}),
      })
      .optional(),
  }),
  /**
   * vCPUs and memory of the nodes that run Kafka (`nodePools.kafka.machineType` names them): the JVM heap and the
   * page cache are sized from them.
   */
  kafkaNodeShape: z.strictObject({ vcpus: positive, memoryGiB: positive }),
  /** Node labels that select the Kafka nodes. Default: the label the other targets put on their Kafka pool. */
  kafkaNodeSelector: z.record(nonEmpty, z.string()).optional(),
  /** Whether Kafka pods tolerate the Kafka pool taint of the other targets (`geo-kafka/dedicated=kafka:NoSchedule`). Default true. */
  tolerateKafkaTaint: z.boolean().default(true),
});

const OBSERVABILITY_DEFAULT = {
  crdsPreinstalled: false,
  monitoringNamespace: DEFAULT_MONITORING_NAMESPACE,
  monitorLabels: {},
  envoyKafkaFilter: { enabled: false },
};

export const scrapeModeSchema = z.enum(["prometheus-operator", "gke-managed", "amazon-managed", "none"]);

export const observabilitySchema = z
  .strictObject({
    /**
     * Who scrapes the JMX exporter on brokers and controllers: `prometheus-operator` (PodMonitor, PrometheusRule; the
     * operator's CRDs come from installKubePrometheusStack or must already exist, see crdsPreinstalled), `gke-managed`
     * (GKE Managed Service for Prometheus: PodMonitoring, Rules; gke only), `amazon-managed` (an AMP workspace and
     * managed collector per region; eks only), or `none` (the agent still runs; nothing scrapes it).
     * Default: per target, one that works on a fresh cluster (its profile's defaultScrape, lib/cloud/).
     */
    scrape: scrapeModeSchema.optional(),
    /**
     * Install a pinned kube-prometheus-stack (Prometheus Operator and its CRDs, Prometheus, Grafana) in every cluster.
     * Default: true with scrape prometheus-operator unless crdsPreinstalled, else false.
     */
    installKubePrometheusStack: z.boolean().optional(),
    /**
     * The Prometheus Operator's CRDs (monitoring.coreos.com) are already installed in all three clusters by something
     * outside this stack; prometheus-operator scraping then needs no kube-prometheus-stack. Default false.
     */
    crdsPreinstalled: z.boolean().default(false),
    /** Namespace of the Prometheus that scrapes Kafka (prometheus-operator mode); the only one admitted to the metrics port. */
    monitoringNamespace: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a Kubernetes namespace name")
      .default(DEFAULT_MONITORING_NAMESPACE),
    /** Labels put on PodMonitors and PrometheusRules so an existing Prometheus' selectors pick them up (e.g. `release`). */
    monitorLabels: z.record(nonEmpty, z.string()).default({}),
    /** Where init containers download the JMX exporter agent (e.g. an internal mirror); its SHA-256 is checked either way. */
    jmxAgentUrl: z
      .string()
      .regex(/^https:\/\/\S+$/, "must be an https URL")
      .optional(),
    /** Istio mode: Envoy's Kafka broker filter on the brokers' sidecars, for Kafka protocol metrics. */
    envoyKafkaFilter: z
      .strictObject({
        enabled: z.boolean().default(false),
        /** A proxy image built with Envoy's contrib Kafka filter (stock Istio images lack it); required when enabled. */
        proxyImage: nonEmpty.optional(),
      })
      .default({ enabled: false }),
    /** Alert when produce requests wait longer than this (p99, ms) for followers. Default: from the worst link RTT. */
    replicationLagAlertMs: positive.optional(),
  })
  .default(OBSERVABILITY_DEFAULT);

/** Every top-level config key the project reads, with its schema. */
export const configSchemas = {
  cloud: z.enum(CLOUDS),
  regions: z.array(regionSchema),
  network: networkSchema,
  links: z.array(linkSchema),
  nodePools: nodePoolsSchema,
  mesh: meshSchema,
  kafka: kafkaSchema,
  traffic: trafficSchema,
  prices: pricesSchema,
  access: accessSchema,
  images: imagesSchema,
  gcp: gcpSchema.optional(),
  existing: existingSchema.optional(),
  observability: observabilitySchema,
  /**
   * Protect what holds or locates Kafka's data (clusters, Kafka node pools, StorageClasses, the Kafka namespaces, the
   * quorum ConfigMap) and guard the whole stack against `pulumi destroy`. Default true; set false, run `pulumi up`,
   * then destroy, for a deliberate tear-down (docs/durability.md).
   */
  protectData: z.boolean().default(true),
  /**
   * Kubernetes minor version of the clusters the stack manages (gke, eks), e.g. `"1.35"`. Default: the target's
   * supported default (lib/cloud/versions.ts). Raise it one minor at a time (docs/operations.md).
   */
  kubernetesVersion: z
    .string()
    .regex(/^1\.\d{2}$/, 'must be a Kubernetes minor version such as "1.35" (quote it in YAML)')
    .optional(),
} as const;

export type ConfigKey = keyof typeof configSchemas;
export const CONFIG_KEYS = Object.keys(configSchemas) as ConfigKey[];

/** Keys that must be present in the stack file; the others have defaults. */
export const REQUIRED_KEYS: readonly ConfigKey[] = ["cloud", "regions", "links", "nodePools", "mesh", "kafka", "traffic"];

export type RegionConfig = z.infer<typeof regionSchema>;
export type NetworkConfig = z.infer<typeof networkSchema>;
export type LinkConfig = z.infer<typeof linkSchema>;
export type NodePoolsConfig = z.infer<typeof nodePoolsSchema>;
export type MeshConfig = z.infer<typeof meshSchema>;
export type KafkaConfig = z.infer<typeof kafkaSchema>;
export type TrafficConfig = z.infer<typeof trafficSchema>;
export type PricesConfig = z.infer<typeof pricesSchema>;
export type AccessConfig = z.infer<typeof accessSchema>;
export type ImagesConfig = z.infer<typeof imagesSchema>;
export type GcpConfig = z.infer<typeof gcpSchema>;
export type ExistingConfig = z.infer<typeof existingSchema>;
export type ObservabilityConfig = z.infer<typeof observabilitySchema>;
export type ScrapeModeConfig = z.infer<typeof scrapeModeSchema>;

/** Observability settings with the cloud's defaults applied: what the stack builds from. */
export interface ObservabilitySpec extends Omit<ObservabilityConfig, "scrape" | "installKubePrometheusStack"> {
  scrape: ScrapeModeConfig;
  installKubePrometheusStack: boolean;
}

/** The configuration once every key has the right shape and its defaults. */
export interface ParsedConfig {
  cloud: z.infer<(typeof configSchemas)["cloud"]>;
  regions: RegionConfig[];
  network: NetworkConfig;
  links: LinkConfig[];
  nodePools: NodePoolsConfig;
  mesh: MeshConfig;
  kafka: KafkaConfig;
  traffic: TrafficConfig;
  prices: PricesConfig;
  access: AccessConfig;
  images: ImagesConfig;
  gcp?: GcpConfig;
  existing?: ExistingConfig;
  observability: ObservabilityConfig;
  protectData: boolean;
  kubernetesVersion?: string;
}
