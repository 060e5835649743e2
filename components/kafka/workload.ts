// Typed pod and StatefulSet specs for Kafka brokers and controllers. Builds inputs only; region.ts creates the objects.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { StatefulSetConfig, listenerPorts } from "../../lib/kafka/cluster";
import { KAFKA_IMAGE_VOLUMES, KafkaImageVolume } from "../../lib/kafka/image";
import { PATHS } from "../../lib/kafka/properties";
import { QUORUM_FORMED_KEY } from "../../lib/kafka/quorum";
import { BROKER_READINESS_PROBE, CONTROLLER_READINESS_PROBE } from "../../lib/kafka/readiness";
import { ContainerSizing, heapOpts, resourceQuantities } from "../../lib/kafka/sizing";
import { CONFIG_FILES, KAFKA_HOME, START_ENV } from "../../lib/kafka/start-script";
import { KafkaRole } from "../../lib/kafka/topology";
import {
  EXPORTER_CONFIG_DIR,
  METRICS_PORT,
  METRICS_PORT_NAME,
  agentFetchScript,
  javaAgentOpts,
} from "../../lib/observability/jmx-exporter";
import { KAFKA_PORTS } from "../../lib/ports";
import type { StackImages } from "../../lib/images";
import { POD_TIMING, STARTUP_PROBE } from "../../lib/rolls/timing";
import type { Mesh } from "../../lib/types";

/** The official image's user and group (Dockerfile `adduser appuser`, uid/gid 1000). Numeric, so runAsNonRoot can be checked. */
export const KAFKA_UID = 1000;
export const KAFKA_GID = 1000;
/** Every container runs as the image's appuser, unprivileged, on a read-only root filesystem. */
export const CONTAINER_SECURITY_CONTEXT: k8s.types.input.core.v1.SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: KAFKA_UID,
  runAsGroup: KAFKA_GID,
  capabilities: { drop: ["ALL"] },
};
/** Name of the volume claim template every Kafka pod's data volume comes from. */
export const DATA_VOLUME = "data";
const IMAGE_SCRATCH_SIZE_LIMIT = "1Mi";

/**
 * What covers each path the image declares as a VOLUME (lib/kafka/image), so the runtime never adds an anonymous
 * volume of its own: the data claim where the logs live, the admin's SCRAM credential (group-readable only; fsGroup
 * lets the Kafka user read it) in the secrets directory, and a small emptyDir where nothing needs to persist.
 * `undefined`: the claim, which comes from volumeClaimTemplates.
 */
function imageVolumes(scramSecretName: pulumi.Input<string>): Record<KafkaImageVolume, k8s.types.input.core.v1.Volume | undefined> {
  return {
    data: undefined,
    secrets: { name: "admin-scram", secret: { secretName: scramSecretName, defaultMode: 0o440 } },
    sharedConfig: { name: "image-shared-config", emptyDir: { sizeLimit: IMAGE_SCRATCH_SIZE_LIMIT } },
  };
}

/** Scratch space: /tmp for the JVM (native libraries of zstd/snappy/lz4 are unpacked there) and GC logs. */
const TMP_SIZE_LIMIT = "1Gi";
const LOGS_SIZE_LIMIT = "1Gi";
const LOGS_PATH = `${KAFKA_HOME}/logs`;

export function podLabels(set: Pick<StatefulSetConfig, "name" | "role" | "region">, version: string): Record<string, string> {
  return {
    ...selectorLabels(set),
    "app.kubernetes.io/part-of": "geo-kafka",
    "app.kubernetes.io/version": version,
    "geo-kafka/region": set.region,
  };
}

/** Labels a StatefulSet selects by; they never change (a StatefulSet's selector is immutable). */
export function selectorLabels(set: Pick<StatefulSetConfig, "name" | "role">): Record<string, string> {
  return { ...rolePodSelector(set.role), "app.kubernetes.io/instance": set.name };
}

/** Every Kafka pod of a namespace carries this label: the NetworkPolicy and the mesh policy select by it. */
export const KAFKA_POD_SELECTOR = { "app.kubernetes.io/name": "kafka" } as const;

/** The pods of one role in every region of a namespace (the mesh's authorization policies select by it). */
export function rolePodSelector(role: KafkaRole): Record<string, string> {
  return { ...KAFKA_POD_SELECTOR, "app.kubernetes.io/component": role };
}

export interface WorkloadArgs {
  set: StatefulSetConfig;
  mesh: Mesh;
  version: string;
  /** The images the pod pulls (lib/images.ts). */
  images: StackImages;
  sizing: ContainerSizing & { heapMiB: number };
  /** Istio mode: the sidecar's requests and limits. */
  sidecar?: ContainerSizing;
  configMapName: pulumi.Input<string>;
  /** ServiceAccount the pods run as (lib/kafka/service-accounts): their mesh identity in Istio mode. */
  serviceAccountName: pulumi.Input<string>;
  /** Submariner mode: Secret with `<pod>.pem` keystores and `ca.crt`. */
  tlsSecretName?: pulumi.Input<string>;
  /** Secret with the admin's salted SCRAM credential (CONFIG_FILES.adminScram), read by the start script. */
  scramSecretName: pulumi.Input<string>;
  /**
   * Controllers only: what an empty controller formats with: the initial voter set (START_ENV.initialControllers) and
   * the ConfigMap whose QUORUM_FORMED_KEY says the quorum was formed (START_ENV.quorumFormed, optional: absent at first).
   */
  quorum?: { initialControllers: pulumi.Input<string>; formedConfigMapName: string };
  clusterId: pulumi.Input<string>;
  storageClassName: pulumi.Input<string>;
  volumeSizeGiB: number;
  nodeSelector: Record<string, string>;
  tolerations: k8s.types.input.core.v1.Toleration[];
  /** Pod template annotations that roll the pods when what they read at start changes. */
  checksums: Record<string, pulumi.Input<string>>;
  /** Prometheus JMX exporter agent; absent: no agent. */
  metrics?: MetricsAgentArgs;
  /** Istio mode: sidecar settings beyond sizing (a proxy image, Envoy statistics to keep). */
  proxy?: SidecarProxyArgs;
}

export interface MetricsAgentArgs {
  /** ConfigMap with the exporter's rules file (lib/observability/jmx-exporter EXPORTER_CONFIG_FILE). */
  configMapName: pulumi.Input<string>;
  /** Where the init container downloads the agent jar from; its SHA-256 is checked either way. */
  agentUrl?: string;
}

export interface SidecarProxyArgs {
  /** `sidecar.istio.io/proxyImage`: a proxy image to use instead of the mesh's default. */
  image?: string;
  /** Envoy statistic prefixes Istio should expose beyond its defaults (ProxyConfig proxyStatsMatcher). */
  statsInclusionPrefixes?: string[];
}

/** The agent fetcher's budget: a few MB over HTTPS and a SHA-256, once per pod start. */
const AGENT_FETCH_RESOURCES = { requests: { cpu: "50m", memory: "32Mi" }, limits: { cpu: "500m", memory: "128Mi" } };

function probePort(role: KafkaRole): number {
  // A broker opens its listeners only once it is caught up with the metadata log and unfenced (BrokerServer
  // startup), so an open client port means started; a controller opens its port before the quorum forms.
  return role === "broker" ? KAFKA_PORTS.client : KAFKA_PORTS.controller;
}

/**
 * Readiness, a rendered script per role (lib/kafka/readiness): a broker is ready when no partition of the cluster is
 * under-replicated, a controller when it votes and is caught up with the quorum's leader (only an open port before the
 * quorum has formed, so creation cannot deadlock). Rolls move on by it, pod after pod and region after region.
 */
function readinessProbe(role: KafkaRole): k8s.types.input.core.v1.Probe {
  return {
    exec: { command: ["/bin/sh", `${PATHS.config}/${CONFIG_FILES.readinessScript}`] },
    ...(role === "broker" ? BROKER_READINESS_PROBE : CONTROLLER_READINESS_PROBE),
  };
}

/**
 * Istio sidecar settings: hold Kafka until the proxy is up (otherwise its first connections to the quorum fail);
 * on SIGTERM keep the proxy until no connection is left (EXIT_ON_ZERO_ACTIVE_CONNECTIONS, Istio 1.12+) instead of the
 * default 5 s drain, so a broker's controlled shutdown can still reach the controllers and the other brokers (the
 * pod's grace period bounds it); and size the proxy explicitly so the injected container has requests and limits.
 */
export function istioPodAnnotations(sidecar: ContainerSizing, proxy: SidecarProxyArgs = {}): Record<string, string> {
  const prefixes = proxy.statsInclusionPrefixes ?? [];
  return {
    "proxy.istio.io/config": JSON.stringify({
      holdApplicationUntilProxyStarts: true,
      proxyMetadata: { EXIT_ON_ZERO_ACTIVE_CONNECTIONS: "true" },
      ...(prefixes.length > 0 ? { proxyStatsMatcher: { inclusionPrefixes: prefixes } } : {}),
    }),
    ...(proxy.image ? { "sidecar.istio.io/proxyImage": proxy.image } : {}),
    "sidecar.istio.io/proxyCPU": `${sidecar.cpuRequestMillis}m`,
    "sidecar.istio.io/proxyCPULimit": `${sidecar.cpuLimitMillis}m`,
    "sidecar.istio.io/proxyMemory": `${sidecar.memoryRequestMiB}Mi`,
    "sidecar.istio.io/proxyMemoryLimit": `${sidecar.memoryLimitMiB}Mi`,
  };
}

export function statefulSetSpec(args: WorkloadArgs): k8s.types.input.apps.v1.StatefulSetSpec {
  const { set } = args;
  const grace = POD_TIMING[set.role].terminationGraceSeconds;
  const selector = selectorLabels(set);
  const port = probePort(set.role);

  const volumes: k8s.types.input.core.v1.Volume[] = [
    { name: "config", configMap: { name: args.configMapName } },
    { name: "tmp", emptyDir: { sizeLimit: TMP_SIZE_LIMIT } },
    { name: "logs", emptyDir: { sizeLimit: LOGS_SIZE_LIMIT } },
  ];
  const mounts: k8s.types.input.core.v1.VolumeMount[] = [];
  const covers = imageVolumes(args.scramSecretName);
  for (const [key, mountPath] of Object.entries(KAFKA_IMAGE_VOLUMES) as Array<[KafkaImageVolume, string]>) {
    const volume = covers[key];
    if (volume === undefined) {
      mounts.push({ name: DATA_VOLUME, mountPath });
    } else {
      volumes.push(volume);
      mounts.push({ name: volume.name as string, mountPath, ...(volume.secret ? { readOnly: true } : {}) });
    }
  }
  mounts.push(
    { name: "config", mountPath: PATHS.config, readOnly: true },
    { name: "tmp", mountPath: "/tmp" },
    { name: "logs", mountPath: LOGS_PATH },
  );
  if (args.tlsSecretName) {
    // Group-readable only; fsGroup makes the files readable by the Kafka user.
    volumes.push({ name: "tls", secret: { secretName: args.tlsSecretName, defaultMode: 0o440 } });
    // Each container sees only its own keystore: the Secret holds the whole StatefulSet's, subPathExpr picks one.
    mounts.push(
      { name: "tls", mountPath: `${PATHS.tls}/keystore.pem`, subPathExpr: `$(${START_ENV.podName}).pem`, readOnly: true },
      { name: "tls", mountPath: `${PATHS.tls}/ca.crt`, subPath: "ca.crt", readOnly: true },
    );
  }

  const annotations: Record<string, pulumi.Input<string>> = { ...args.checksums };
  if (args.mesh === "istio" && args.sidecar) Object.assign(annotations, istioPodAnnotations(args.sidecar, args.proxy));

  const env: k8s.types.input.core.v1.EnvVar[] = [];
  const ports: k8s.types.input.core.v1.ContainerPort[] = [];
  const initContainers: k8s.types.input.core.v1.Container[] = [];
  if (args.metrics) {
    // Not part of the checksums: the agent re-reads its rules file when the ConfigMap changes, so new rules need no
    // rolling restart of a stretched cluster.
    volumes.push({ name: "jmx-exporter-config", configMap: { name: args.metrics.configMapName } });
    mounts.push({ name: "jmx-exporter-config", mountPath: EXPORTER_CONFIG_DIR, readOnly: true });
    // The agent's jar is cached on the data volume, beside log.dirs (PATHS.logDirs), never inside it.
    env.push({ name: "KAFKA_OPTS", value: javaAgentOpts(PATHS.data) });
    ports.push({ name: METRICS_PORT_NAME, containerPort: METRICS_PORT, protocol: "TCP" });
    initContainers.push({
      name: "fetch-jmx-exporter",
      image: args.images.curl,
      imagePullPolicy: "IfNotPresent",
      command: ["/bin/sh", "-c", agentFetchScript(PATHS.data, args.metrics.agentUrl)],
      resources: AGENT_FETCH_RESOURCES,
      securityContext: CONTAINER_SECURITY_CONTEXT,
      // The data volume caches the verified jar, so only a pod's first start downloads it.
      volumeMounts: [{ name: DATA_VOLUME, mountPath: PATHS.data }],
    });
  }

  const container: k8s.types.input.core.v1.Container = {
    name: "kafka",
    image: args.images.kafka,
    imagePullPolicy: "IfNotPresent",
    command: ["/bin/sh", `${PATHS.config}/${CONFIG_FILES.startScript}`],
    env: [
      { name: START_ENV.podName, valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      { name: START_ENV.clusterId, value: args.clusterId },
      ...(args.quorum
        ? [
            { name: START_ENV.initialControllers, value: args.quorum.initialControllers },
            // Resolved by the kubelet at each container start; optional, because the ConfigMap follows the controllers.
            {
              name: START_ENV.quorumFormed,
              valueFrom: { configMapKeyRef: { name: args.quorum.formedConfigMapName, key: QUORUM_FORMED_KEY, optional: true } },
            },
          ]
        : []),
      { name: "KAFKA_HEAP_OPTS", value: heapOpts(args.sizing.heapMiB) },
      { name: "KAFKA_LOG4J_OPTS", value: `-Dlog4j2.configurationFile=${PATHS.config}/${CONFIG_FILES.log4j}` },
      // Bounded GC log (5 x 20 MB) inside the size-limited log volume; the script default allows 1 GB.
      { name: "KAFKA_GC_LOG_OPTS", value: `-Xlog:gc*:file=${LOGS_PATH}/gc.log:time,tags:filecount=5,filesize=20M` },
      { name: "LOG_DIR", value: LOGS_PATH },
      ...env,
    ],
    ports: [...listenerPorts(set.role).map((p) => ({ name: p.name, containerPort: p.port, protocol: "TCP" })), ...ports],
    resources: resourceQuantities(args.sizing),
    startupProbe: { tcpSocket: { port }, periodSeconds: STARTUP_PROBE.periodSeconds, failureThreshold: STARTUP_PROBE.failureThreshold },
    readinessProbe: readinessProbe(set.role),
    // Generous: restarting a broker that is merely slow (a long GC, a busy disk) costs far more than waiting.
    livenessProbe: { tcpSocket: { port }, periodSeconds: 30, timeoutSeconds: 10, failureThreshold: 6 },
    securityContext: CONTAINER_SECURITY_CONTEXT,
    volumeMounts: mounts,
  };

  return {
    serviceName: set.name,
    replicas: set.nodes.length,
    selector: { matchLabels: selector },
    // Pods start together: a broker waits for the quorum, not for its siblings; rolling updates stay one at a time.
    podManagementPolicy: "Parallel",
    updateStrategy: { type: "RollingUpdate" },
    minReadySeconds: POD_TIMING[set.role].minReadySeconds,
    // A broker's log is not disposable: deleting or scaling down the StatefulSet keeps its claims.
    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
    template: {
      metadata: { labels: podLabels(set, args.version), annotations },
      spec: {
        // One account per role, so that the mesh can tell brokers from controllers; Kafka never calls the Kubernetes
        // API, so no token is mounted.
        serviceAccountName: args.serviceAccountName,
        automountServiceAccountToken: false,
        // Service links would add an environment variable per Service; with a Service per node that is noise at best.
        enableServiceLinks: false,
        terminationGracePeriodSeconds: grace,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: KAFKA_UID,
          runAsGroup: KAFKA_GID,
          fsGroup: KAFKA_GID,
          // Re-chowning a terabyte volume on every start would delay each restart by minutes.
          fsGroupChangePolicy: "OnRootMismatch",
          seccompProfile: { type: "RuntimeDefault" },
        },
        nodeSelector: args.nodeSelector,
        tolerations: args.tolerations,
        affinity: {
          podAntiAffinity: {
            // One node per pod of a StatefulSet: losing a node costs one broker, not two replicas of a partition.
            requiredDuringSchedulingIgnoredDuringExecution: [
              { labelSelector: { matchLabels: selector }, topologyKey: "kubernetes.io/hostname" },
            ],
          },
        },
        // Spread over the region's zones; volumes are zonal, so once placed a pod stays in its zone.
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: "topology.kubernetes.io/zone",
            whenUnsatisfiable: "DoNotSchedule",
            labelSelector: { matchLabels: selector },
          },
        ],
        ...(initContainers.length > 0 ? { initContainers } : {}),
        containers: [container],
        volumes,
      },
    },
    volumeClaimTemplates: [
      {
        metadata: { name: DATA_VOLUME, labels: selector },
        spec: {
          accessModes: ["ReadWriteOnce"],
          storageClassName: args.storageClassName,
          resources: { requests: { storage: `${args.volumeSizeGiB}Gi` } },
        },
      },
    ],
  };
}
