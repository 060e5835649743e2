// Declared access carried out: a SCRAM user's Secret in each of its client namespaces in every cluster, and the
// access Job in the first region that makes Kafka's topics, users, quotas and ACLs what the stack file declares
// (lib/kafka/access.ts renders its script). The Job runs in the cluster, so `pulumi up` needs no route to a broker.
import * as crypto from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { KafkaTopicSpec, KafkaUserSpec } from "../../lib/kafka/access-types";
import { ACCESS_FILES, renderAccessScript, scramConfigFile } from "../../lib/kafka/access";
import { KAFKA_NAMESPACE } from "../../lib/kafka/addresses";
import { bootstrapServers, clientConnectionProperties } from "../../lib/kafka/cluster";
import { renderProperties } from "../../lib/kafka/properties";
import { TOOLS_LOG4J2_CONFIG } from "../../lib/kafka/readiness";
import { ACCESS_JOB_LABELS, KAFKA_SERVICE_ACCOUNTS } from "../../lib/kafka/service-accounts";
import type { KafkaNode } from "../../lib/kafka/topology";
import type { Mesh } from "../../lib/types";
import type { RegionalCluster } from "../platform";
import { CONTAINER_SECURITY_CONTEXT, KAFKA_GID, KAFKA_UID } from "./workload";

/** metadata.name of the Job, its ConfigMap and its Secret in the first region's Kafka namespace. */
export const ACCESS_JOB_NAME = "kafka-access-apply";
/** The Secret a declared user's clients mount: `kafka-user-<name>` in each of the user's namespaces, in every cluster. */
export const userSecretName = (user: string) => `kafka-user-${user}`;
/**
 * How long the Job may run: every tool is a JVM start plus a request (seconds each); 15 minutes leaves room for
 * hundreds of topics and for brokers still rolling. pulumi-kubernetes waits 10 minutes for a Job by default.
 */
export const ACCESS_JOB_DEADLINE_SECONDS = 900;
/**
 * The Job's admin requests. A broker forwards writes (topics, configs, credentials, ACLs) to the active controller and
 * retries there after its own `controller.socket.timeout.ms` (30 s) when the controller it knew has lost the
 * leadership; a client request bound of 30 s, Kafka's default, expires at the same moment and fails the call (seen in
 * the Kafka lab after a leader change at start). 65 s per request and 150 s per call let the broker's retry land.
 */
export const ACCESS_CLIENT_TIMEOUTS_MS = { request: 65_000, api: 150_000 } as const;
/** Attempts before the Job fails (a broker restarting under the first attempt, say). */
export const ACCESS_JOB_BACKOFF_LIMIT = 3;

export interface KafkaAccessArgs {
  /** Every region's cluster, in stack order: user Secrets go to each; the Job runs in the first. Required. */
  clusters: readonly RegionalCluster[];
  /** Decides the client listener's protocol and the broker addresses. Required. */
  mesh: Mesh;
  /** Every node of the cluster: the Job bootstraps from all brokers, a user's Secret names its region's brokers. Required. */
  nodes: readonly KafkaNode[];
  /** apache/kafka release: the Job runs the release's own tools. Required. */
  version: string;
  /** The Kafka image the Job runs (lib/images.ts `resolveImages`). Required. */
  image: string;
  /** Declared topics (kafka.topics). Default none. */
  topics?: readonly KafkaTopicSpec[];
  /** Declared users (kafka.users). Default none. */
  users?: readonly KafkaUserSpec[];
  /** Replication factor of topics that do not set one, and the state topic's min.insync.replicas. Required. */
  replicationFactor: number;
  minInsyncReplicas: number;
  /** The admin the Job connects as (a super user). Its password must be a Pulumi secret. Required. */
  adminUsername: string;
  adminPassword: pulumi.Input<string>;
  /** Submariner mode: the CA clients verify brokers with (in each user Secret as `ca.crt`). */
  caCertPem?: pulumi.Input<string>;
  /** The Job runs once these exist (every region's broker StatefulSet, ready). Default none. */
  dependsOn?: pulumi.Resource[];
  /** Per cluster, in `clusters` order: what that cluster's objects wait for (its Kafka namespace, the mesh). Default none. */
  regionDependsOn?: readonly pulumi.Resource[][];
}

export class KafkaAccess extends pulumi.ComponentResource {
  /** Per user name: its password (a Pulumi secret). */
  readonly passwords: Record<string, pulumi.Output<string>>;
  readonly job?: k8s.batch.v1.Job;

  constructor(name: string, args: KafkaAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:kafka:KafkaAccess", name, {}, opts);
    const topics = args.topics ?? [];
    const users = args.users ?? [];
    const submariner = args.mesh === "submariner";
    this.passwords = {};
    // Alphanumeric, 32 of 62 characters (about 190 bits): safe in a JAAS line and in kafka-configs' credential syntax.
    for (const user of users) {
      const password = new random.RandomPassword(`${name}-${user.name}-password`, { length: 32, special: false }, { parent: this });
      this.passwords[user.name] = pulumi.secret(password.result);
    }

    args.clusters.forEach((cluster, i) => {
      const bootstrap = bootstrapServers(args.mesh, args.nodes, cluster.region.name);
      for (const user of users) {
        const password = this.passwords[user.name];
        const connection = clientConnectionProperties({ mesh: args.mesh, bootstrapServers: bootstrap, username: user.name });
        for (const namespace of user.namespaces) {
          new k8s.core.v1.Secret(
            `${name}-${cluster.region.name}-${namespace}-${user.name}`,
            {
              metadata: {
                name: userSecretName(user.name),
                namespace,
                labels: { "app.kubernetes.io/part-of": "geo-kafka", "geo-kafka/kafka-user": user.name },
              },
              type: "Opaque",
              stringData: pulumi.secret(
                pulumi.all([password, args.caCertPem ?? ""]).apply(([p, ca]) => ({
                  username: user.name,
                  password: p,
                  "bootstrap.servers": bootstrap,
                  "sasl.jaas.config": jaas(user.name, p),
                  // Ready to pass as a client's properties; Submariner mode also mounts ca.crt at CLIENT_TRUSTSTORE_PATH.
                  "client.properties": renderProperties({ ...connection, "sasl.jaas.config": jaas(user.name, p) }),
                  ...(submariner ? { "ca.crt": ca } : {}),
                })),
              ),
            },
            { parent: this, provider: cluster.provider, dependsOn: [...cluster.dependsOn, ...(args.regionDependsOn?.[i] ?? [])] },
          );
        }
      }
    });

    const home = args.clusters[0];
    if (!home)
      throw new pulumi.InputPropertiesError({
        message: `invalid arguments for ${name}`,
        errors: [{ propertyPath: "clusters", reason: "at least one cluster is needed" }],
      });
    const inHome: pulumi.CustomResourceOptions = {
      parent: this,
      provider: home.provider,
      dependsOn: [...home.dependsOn, ...(args.regionDependsOn?.[0] ?? []), ...(args.dependsOn ?? [])],
    };
    // Named after the region they run in, like every per-cluster object of the plan.
    const at = `${name}-${home.region.name}`;
    const meta = (extra: Record<string, string> = {}) => ({
      name: ACCESS_JOB_NAME,
      namespace: KAFKA_NAMESPACE,
      labels: { ...ACCESS_JOB_LABELS, ...extra },
    });
    const allBrokers = [...new Set(args.clusters.map((c) => c.region.name))]
      .map((region) => bootstrapServers(args.mesh, args.nodes, region))
      .join(",");
    const script = renderAccessScript({
      bootstrapServers: allBrokers,
      topics,
      defaultReplicationFactor: args.replicationFactor,
      minInsyncReplicas: args.minInsyncReplicas,
      users,
    });
    const files = { [ACCESS_FILES.script]: script, [ACCESS_FILES.toolsLog4j]: TOOLS_LOG4J2_CONFIG };
    const configMap = new k8s.core.v1.ConfigMap(`${at}-script`, { metadata: meta(), data: files }, inHome);

    const adminConnection = clientConnectionProperties({ mesh: args.mesh, bootstrapServers: allBrokers, username: args.adminUsername });
    const secretFiles = pulumi
      .all([pulumi.output(args.adminPassword), args.caCertPem ?? "", pulumi.all(this.passwords)])
      .apply(([adminPassword, ca, passwords]) => {
        const out: Record<string, string> = {
          [ACCESS_FILES.adminProperties]: renderProperties({
            ...adminConnection,
            "sasl.jaas.config": jaas(args.adminUsername, adminPassword),
            ...(submariner ? { "ssl.truststore.location": `${ACCESS_FILES.secretDir}/${ACCESS_FILES.caCert}` } : {}),
            "request.timeout.ms": String(ACCESS_CLIENT_TIMEOUTS_MS.request),
            "default.api.timeout.ms": String(ACCESS_CLIENT_TIMEOUTS_MS.api),
          }),
          ...(submariner ? { [ACCESS_FILES.caCert]: ca } : {}),
        };
        for (const [user, password] of Object.entries(passwords)) out[ACCESS_FILES.scram(user)] = scramConfigFile(password);
        return out;
      });
    const secret = new k8s.core.v1.Secret(
      `${at}-credentials`,
      { metadata: meta(), type: "Opaque", stringData: pulumi.secret(secretFiles) },
      inHome,
    );
    const account = new k8s.core.v1.ServiceAccount(
      `${at}-account`,
      { metadata: { ...meta(), name: KAFKA_SERVICE_ACCOUNTS.accessApply }, automountServiceAccountToken: false },
      inHome,
    );

    // The Job is replaced, and so re-run, when its pod template changes: the script (every declared change) or the
    // credentials (a hash of them, which reveals nothing of a 190-bit password).
    const credentialsSha256 = pulumi.unsecret(secretFiles.apply((f) => sha256(JSON.stringify(f))));
    this.job = new k8s.batch.v1.Job(
      `${at}-job`,
      {
        metadata: meta(),
        spec: {
          backoffLimit: ACCESS_JOB_BACKOFF_LIMIT,
          activeDeadlineSeconds: ACCESS_JOB_DEADLINE_SECONDS,
          template: {
            metadata: {
              labels: { ...ACCESS_JOB_LABELS },
              annotations: {
                "geo-kafka/script-sha256": sha256(JSON.stringify(files)),
                "geo-kafka/credentials-sha256": credentialsSha256,
                // Istio: the sidecar as a native sidecar (an init container that Kubernetes stops when the Job's
                // container ends); otherwise the proxy keeps the pod, and the Job, running forever.
                ...(args.mesh === "istio" ? { "sidecar.istio.io/nativeSidecar": "true" } : {}),
              },
            },
            spec: {
              serviceAccountName: account.metadata.name,
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              restartPolicy: "Never",
              securityContext: {
                runAsNonRoot: true,
                runAsUser: KAFKA_UID,
                runAsGroup: KAFKA_GID,
                seccompProfile: { type: "RuntimeDefault" },
              },
              containers: [
                {
                  name: "apply",
                  image: args.image,
                  command: ["/bin/sh", `${ACCESS_FILES.dir}/${ACCESS_FILES.script}`],
                  // The script's last lines (Kafka's error) become the termination message pulumi-kubernetes reports.
                  terminationMessagePolicy: "FallbackToLogsOnError",
                  resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "512Mi" } },
                  securityContext: CONTAINER_SECURITY_CONTEXT,
                  volumeMounts: [
                    { name: "script", mountPath: ACCESS_FILES.dir, readOnly: true },
                    { name: "credentials", mountPath: ACCESS_FILES.secretDir, readOnly: true },
                    { name: "tmp", mountPath: "/tmp" },
                  ],
                },
              ],
              volumes: [
                { name: "script", configMap: { name: configMap.metadata.name } },
                { name: "credentials", secret: { secretName: secret.metadata.name, defaultMode: 0o440 } },
                { name: "tmp", emptyDir: {} },
              ],
            },
          },
        },
      },
      {
        ...inHome,
        dependsOn: [...(inHome.dependsOn as pulumi.Resource[]), configMap, secret, account],
        // A Job's pod template is immutable: a changed one is a new Job (the provider's own diff forces this too;
        // said here so the plan shows it). The old one goes first: both carry the one name.
        replaceOnChanges: ["spec.template"],
        deleteBeforeReplace: true,
        customTimeouts: { create: `${ACCESS_JOB_DEADLINE_SECONDS / 60 + 5}m`, update: `${ACCESS_JOB_DEADLINE_SECONDS / 60 + 5}m` },
      },
    );
    this.registerOutputs({ job: this.job.metadata.name });
  }
}

function jaas(username: string, password: string): string {
  return `org.apache.kafka.common.security.scram.ScramLoginModule required username="${username}" password="${password}";`;
}

function sha256(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}
