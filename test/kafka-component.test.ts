// StretchedKafka under mocks, on the regions and Kafka settings of both stacks (gke: Submariner, eks: Istio) and on
// gke with Istio: what lands on each cluster's provider, read back from the recorded inputs (StatefulSet replicas,
// the rendered server.properties in the ConfigMaps, Services, policies, Secrets) rather than from the model.
import { renderControllerReadinessScript, renderReadinessScript } from "../lib/kafka/readiness";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { beforeAll, describe, expect, it } from "vitest";
import { StretchedKafka } from "../components/kafka";
import type { ExportServiceArgs, MeshLayer } from "../components/mesh/types";
import { KAFKA_NODE_LABEL, KAFKA_NODE_TAINT } from "../lib/node-pools";
import { RegionalCluster } from "../components/platform";
import { StackSpec } from "../lib/config/spec";
import { nodeAddress } from "../lib/kafka/addresses";
import { isValidKafkaClusterId, isValidKafkaUuid } from "../lib/kafka/cluster-id";
import { KAFKA_IMAGE_VOLUMES } from "../lib/kafka/image";
import { Properties, RACK_AWARE_SELECTOR, parseProperties } from "../lib/kafka/properties";
import { kafkaNodes } from "../lib/kafka/topology";
import { KAFKA_PORTS } from "../lib/ports";
import { cidr, overlaps } from "../lib/cidr";
import { METRICS_PORT } from "../lib/observability/jmx-exporter";
import { PROJECT } from "../lib/problems";
import { planSocketBuffers } from "../lib/socket-buffers";
import type { Mesh } from "../lib/types";
import { MockRun, RecordedResource, containsSecret, isSecretValue, renderSecrets, runUnderMocks } from "../tools/mock-runtime";
import { Recorded, planStackOk, runComponent, stackSpec } from "./helpers/harness";
import { stretchedKafkaSettings } from "../stacks/workload";
import { schemaErrors } from "./helpers/k8s-schema";

const T = {
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  configMap: "kubernetes:core/v1:ConfigMap",
  service: "kubernetes:core/v1:Service",
  secret: "kubernetes:core/v1:Secret",
  namespace: "kubernetes:core/v1:Namespace",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  peerAuthentication: "kubernetes:security.istio.io/v1beta1:PeerAuthentication",
  authorizationPolicy: "kubernetes:security.istio.io/v1:AuthorizationPolicy",
  serviceAccount: "kubernetes:core/v1:ServiceAccount",
  serviceExport: "kubernetes:multicluster.x-k8s.io/v1alpha1:ServiceExport",
} as const;

/** Three clusters as the cloud stacks hand them over, each with its own provider. */
function fakeClusters(spec: StackSpec): RegionalCluster[] {
  return spec.regions.map((region) => ({
    region,
    provider: new k8s.Provider(`k8s-${region.name}`, { kubeconfig: "mock" }),
    storageClassName: "kafka-pd-ssd",
    kafkaNodeSelector: { [KAFKA_NODE_LABEL.key]: KAFKA_NODE_LABEL.value },
    kafkaTolerations: [{ key: KAFKA_NODE_TAINT.key, operator: "Equal", value: KAFKA_NODE_TAINT.value, effect: KAFKA_NODE_TAINT.effect }],
    dependsOn: [],
  }));
}

interface ExportCall {
  cluster: string;
  namespace: unknown;
  serviceName: unknown;
  name: string;
}

const fakeNamespaceLabels = (mode: Mesh): Record<string, string> => (mode === "istio" ? { "istio-injection": "enabled" } : {});

/** A mesh layer as the mesh engineer's will behave: Submariner exports with a ServiceExport, Istio labels for injection. */
function fakeMesh(mode: Mesh, calls: ExportCall[], regions: readonly string[]): MeshLayer {
  // Any custom resource will do as "the mesh is installed in region i" (a component with no children has no URNs to wait for).
  const readiness = regions.map((r) => new random.RandomId(`mesh-ready-${r}`, { byteLength: 4 }));
  return {
    mode,
    namespaceLabels: fakeNamespaceLabels(mode),
    exportService(args: ExportServiceArgs) {
      calls.push({ cluster: args.cluster.region.name, namespace: args.namespace, serviceName: args.serviceName, name: args.name });
      if (mode !== "submariner") return [];
      return [
        new k8s.apiextensions.CustomResource(
          `${args.name}-export`,
          {
            apiVersion: "multicluster.x-k8s.io/v1alpha1",
            kind: "ServiceExport",
            metadata: { name: args.serviceName, namespace: args.namespace },
          },
          { ...args.opts, provider: args.cluster.provider },
        ),
      ];
    },
    // A stand-in for "mesh installed in region i", so the dependency on it can be checked.
    readyIn: (i: number) => [readiness[i]],
  };
}

/** What the checks below read: a recorded run holding the Kafka layer, and the spec it was built from. */
interface KafkaPlan {
  spec: StackSpec;
  socketBufferBytes: number;
  run: MockRun;
  recorded: Recorded;
  /** Region name -> name of the Kubernetes provider its objects were created with. */
  providers: Record<string, string>;
  /** Calls the fake mesh received (empty for a whole-stack plan). */
  exportCalls: ExportCall[];
  /** Resource name -> names of the resources it was registered as depending on (empty for a whole-stack plan). */
  dependencies: Map<string, string[]>;
  /** The labels the mesh layer asked for (unknown for a whole-stack plan). */
  meshNamespaceLabels?: Record<string, string>;
}

/**
 * The Kafka layer's registrations: everything under the StretchedKafka component, and the ServiceExports the mesh
 * creates for its Services (wherever the mesh parents them).
 */
function kafkaScope(resources: readonly RecordedResource[]): RecordedResource[] {
  const byName = new Map(resources.map((r) => [r.name, r]));
  const roots = new Set(resources.filter((r) => r.type === "geo-kafka:kafka:StretchedKafka").map((r) => r.name));
  const underKafka = (r: RecordedResource): boolean => {
    for (let cur: RecordedResource | undefined = r, hops = 0; cur && hops < 50; hops++) {
      if (roots.has(cur.name)) return true;
      cur = cur.parent ? byName.get(cur.parent) : undefined;
    }
    return false;
  };
  const exportOfKafka = (r: RecordedResource) =>
    r.type === T.serviceExport && (renderSecrets(r.inputs, true) as { metadata?: { namespace?: string } }).metadata?.namespace === "kafka";
  return resources.filter((r) => underKafka(r) || exportOfKafka(r));
}

/** Records each registration's direct dependencies, which the mock monitor does not pass on. */
function captureDependencies(into: Map<string, string[]>): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: { getName(): string; getDependenciesList(): string[] }, callback: unknown): unknown;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    into.set(
      req.getName(),
      req.getDependenciesList().map((urn) => urn.slice(urn.lastIndexOf("::") + 2)),
    );
    return register(req, callback);
  };
}

/** The provider each region's Kafka objects use, read from where its `kafka` Namespace was created. */
function providersByRegion(spec: StackSpec, recorded: Recorded): Record<string, string> {
  const out: Record<string, string> = {};
  for (const region of spec.regions) {
    const ns = recorded.where(
      (r) =>
        r.type === T.namespace &&
        r.name.endsWith(`-${region.name}-ns`) &&
        plain<{ metadata: { name: string } }>(r).metadata.name === "kafka",
    );
    expect(ns, region.name).toHaveLength(1);
    out[region.name] = ns[0].provider!;
  }
  return out;
}

async function planKafka(stack: "gke" | "eks", mode?: Mesh): Promise<KafkaPlan> {
  const base = stackSpec(stack);
  const spec: StackSpec = mode ? { ...base, mesh: { mode } } : base;
  const socketBufferBytes = planSocketBuffers(spec.links).socketBufferBytes;
  const exportCalls: ExportCall[] = [];
  const dependencies = new Map<string, string[]>();
  const run = await runUnderMocks({
    project: PROJECT,
    stack: "test",
    config: {},
    preview: true,
    program: () => {
      captureDependencies(dependencies);
      const kafka = new StretchedKafka("kafka", {
        ...stretchedKafkaSettings(spec),
        clusters: fakeClusters(spec),
        mesh: fakeMesh(
          spec.mesh.mode,
          exportCalls,
          spec.regions.map((r) => r.name),
        ),
        socketBufferBytes,
      });
      return { ...kafka.stackOutputs(), adminPassword: kafka.adminPassword };
    },
  });
  if (run.error !== undefined) throw run.error;
  const recorded = new Recorded(kafkaScope(run.resources));
  return {
    spec,
    socketBufferBytes,
    run,
    recorded,
    providers: providersByRegion(spec, recorded),
    exportCalls,
    dependencies,
    meshNamespaceLabels: fakeNamespaceLabels(spec.mesh.mode),
  };
}

const plans = new Map<string, Promise<KafkaPlan>>();
/** One mock run per case, shared by the describe blocks that read it. */
function planOnce(stack: "gke" | "eks", mode?: Mesh): Promise<KafkaPlan> {
  const key = `${stack}/${mode ?? "configured"}`;
  if (!plans.has(key)) plans.set(key, planKafka(stack, mode));
  return plans.get(key)!;
}

/** Inputs with secrets unwrapped, for reading values. */
const plain = <V = Record<string, unknown>>(r: RecordedResource) => renderSecrets(r.inputs, true) as V;

interface StatefulSetInputs {
  metadata: { name: string; namespace: string };
  spec: {
    replicas: number;
    serviceName: string;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
      spec: {
        serviceAccountName?: string;
        automountServiceAccountToken?: boolean;
        containers: Array<{
          name: string;
          image: string;
          env: Array<{ name: string; value?: string }>;
          ports?: Array<{ containerPort: number; hostPort?: number }>;
          resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
          readinessProbe?: unknown;
          livenessProbe?: unknown;
          startupProbe?: unknown;
          securityContext?: Record<string, unknown>;
          volumeMounts: Array<{ name: string; mountPath: string; subPath?: string; subPathExpr?: string; readOnly?: boolean }>;
        }>;
        initContainers?: Array<{ name: string; env?: unknown[]; volumeMounts?: Array<{ name: string; mountPath: string }> }>;
        volumes?: Array<{ name: string; emptyDir?: unknown; secret?: unknown; configMap?: unknown }>;
        hostNetwork?: boolean;
        terminationGracePeriodSeconds: number;
        nodeSelector: Record<string, string>;
        tolerations: Array<Record<string, string>>;
        affinity: {
          podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: Array<{ topologyKey: string; labelSelector: unknown }> };
        };
        topologySpreadConstraints: Array<{ topologyKey: string; whenUnsatisfiable: string; labelSelector: unknown }>;
        securityContext: Record<string, unknown>;
      };
    };
    volumeClaimTemplates: Array<{
      metadata: { name: string };
      spec: { storageClassName: string; resources: { requests: { storage: string } } };
    }>;
  };
}

const statefulSets = (p: KafkaPlan, region?: string) =>
  p.recorded.ofType(T.statefulSet).filter((r) => region === undefined || r.provider === p.providers[region]);
const roleOf = (sts: RecordedResource) => plain<StatefulSetInputs>(sts).spec.template.metadata.labels["app.kubernetes.io/component"];

/** Every node's server.properties as rendered into the ConfigMap of its StatefulSet, with the cluster it lands in. */
function renderedNodes(p: KafkaPlan): Array<{ region: string; statefulSet: string; role: string; props: Properties }> {
  const out: Array<{ region: string; statefulSet: string; role: string; props: Properties }> = [];
  for (const region of p.spec.regions.map((r) => r.name)) {
    for (const sts of statefulSets(p, region)) {
      const name = plain<StatefulSetInputs>(sts).metadata.name;
      const configMaps = p.recorded
        .ofType(T.configMap)
        .filter((c) => c.provider === p.providers[region] && plain<{ metadata: { name: string } }>(c).metadata.name === `${name}-config`);
      expect(configMaps).toHaveLength(1);
      const data = plain<{ data: Record<string, string> }>(configMaps[0]).data;
      const files = Object.keys(data).filter((f) => /^server-\d+\.properties$/.test(f));
      expect(files).toHaveLength(plain<StatefulSetInputs>(sts).spec.replicas);
      for (const f of files) out.push({ region, statefulSet: name, role: roleOf(sts), props: parseProperties(data[f]) });
    }
  }
  return out;
}

/** Every string in a value that is not inside a secret. */
function plaintextStrings(value: unknown, out: string[] = []): string[] {
  if (isSecretValue(value)) return out;
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => plaintextStrings(v, out));
  else if (value !== null && typeof value === "object") Object.values(value).forEach((v) => plaintextStrings(v, out));
  return out;
}

const CASES = [
  { title: "stack gke (Submariner)", stack: "gke" as const, mode: undefined, expectMode: "submariner" as Mesh },
  { title: "stack eks (Istio)", stack: "eks" as const, mode: undefined, expectMode: "istio" as Mesh },
  { title: "gke regions with Istio", stack: "gke" as const, mode: "istio" as Mesh, expectMode: "istio" as Mesh },
];

/**
 * The "Done when" items, on any recorded plan that holds the Kafka layer: the component under mocks here,
 * and the whole stacks once they create it.
 */
function doneWhenChecks(plan: () => KafkaPlan | undefined): void {
  it("runs exactly 9 brokers (3 per cluster) and 3 controllers (1 per cluster), counted from StatefulSet replicas per provider", (ctx) => {
    const p = plan();
    if (!p) return ctx.skip();
    const regions = () => p.spec.regions.map((r) => r.name);
    let brokers = 0;
    let controllers = 0;
    for (const region of regions()) {
      const sets = statefulSets(p, region).map((s) => ({ role: roleOf(s), replicas: plain<StatefulSetInputs>(s).spec.replicas }));
      expect(sets.sort((a, b) => a.role.localeCompare(b.role))).toEqual([
        { role: "broker", replicas: 3 },
        { role: "controller", replicas: 1 },
      ]);
      brokers += sets.find((s) => s.role === "broker")!.replicas;
      controllers += sets.find((s) => s.role === "controller")!.replicas;
    }
    expect([brokers, controllers]).toEqual([9, 3]);
    expect(p.recorded.ofType(T.statefulSet)).toHaveLength(6);
  });

  it("renders every broker with its own region as rack, the rack-aware selector, RF/min.insync defaults and the computed socket buffers", (ctx) => {
    const p = plan();
    if (!p) return ctx.skip();
    const brokers = renderedNodes(p).filter((n) => n.role === "broker");
    expect(brokers).toHaveLength(9);
    const buffer = String(p.socketBufferBytes);
    for (const b of brokers) {
      expect(b.props).toMatchObject({
        "process.roles": "broker",
        "broker.rack": b.region,
        "replica.selector.class": RACK_AWARE_SELECTOR,
        "default.replication.factor": "3",
        "min.insync.replicas": "2",
        "unclean.leader.election.enable": "false",
        "socket.send.buffer.bytes": buffer,
        "socket.receive.buffer.bytes": buffer,
        "replica.socket.receive.buffer.bytes": buffer,
        "replica.fetch.max.bytes": String(Math.max(p.socketBufferBytes, 1_048_576)),
      });
      expect(Number(b.props["replica.fetch.response.max.bytes"])).toBeGreaterThanOrEqual(Number(b.props["replica.fetch.max.bytes"]));
    }
    const ids = renderedNodes(p).map((n) => n.props["node.id"]);
    expect(new Set(ids).size).toBe(12);
  });

  it("renders every controller with the topic defaults it applies (KRaft controllers fill them in, and set min.insync.replicas with ELR)", (ctx) => {
    const p = plan();
    if (!p) return ctx.skip();
    const controllers = renderedNodes(p).filter((n) => n.role === "controller");
    expect(controllers).toHaveLength(3);
    for (const c of controllers) {
      expect(c.props).toMatchObject({
        "num.partitions": String(p.spec.kafka.defaultPartitions),
        "default.replication.factor": String(p.spec.kafka.replicationFactor),
        "min.insync.replicas": String(p.spec.kafka.minInsyncReplicas),
      });
    }
  });

  it("names three controllers of three regions in the quorum, each at an address that reaches it", (ctx) => {
    const p = plan();
    if (!p) return ctx.skip();
    const regions = () => p.spec.regions.map((r) => r.name);
    const nodes = renderedNodes(p);
    // A dynamic quorum: no controller has a static voter list; every node bootstraps from the same three addresses.
    expect(nodes.filter((n) => n.role === "controller" && n.props["controller.quorum.voters"] !== undefined)).toEqual([]);
    const bootstrapLists = new Set(nodes.map((n) => n.props["controller.quorum.bootstrap.servers"]));
    expect(bootstrapLists.size).toBe(1);
    // Brokers (which never vote) carry the same three controllers as their fallback address book, by node id.
    const addressBooks = new Set(nodes.filter((n) => n.role === "broker").map((n) => n.props["controller.quorum.voters"]));
    expect(addressBooks.size).toBe(1);
    const book = [...addressBooks][0]!.split(",").map((v) => /^(\d+)@(.+:\d+)$/.exec(v)!);
    expect(book.map(([, , address]) => address).join(",")).toBe([...bootstrapLists][0]);
    // The voters are the initial voter set every controller is formatted with.
    const initial = new Set(
      statefulSets(p)
        .filter((s) => roleOf(s) === "controller")
        .map(
          (s) =>
            plain<StatefulSetInputs>(s).spec.template.spec.containers[0].env.find((e) => e.name === "KAFKA_INITIAL_CONTROLLERS")?.value,
        ),
    );
    expect(initial.size).toBe(1);
    const voters = [...initial][0]!.split(",").map((v) => /^(\d+)@(.+):(\d+):([A-Za-z0-9_-]{22})$/.exec(v)!);
    expect(voters).toHaveLength(3);
    expect(voters.map(([, , host, port]) => `${host}:${port}`).join(",")).toBe([...bootstrapLists][0]);
    expect(book.map(([, id]) => id)).toEqual(voters.map(([, id]) => id));
    expect(voters.every(([, , , , dir]) => isValidKafkaUuid(dir))).toBe(true);
    expect(new Set(voters.map(([, , , , dir]) => dir)).size).toBe(3);
    const controllers = nodes.filter((n) => n.role === "controller");
    const votedRegions = voters.map(([, id, host, port]) => {
      const c = controllers.find((n) => n.props["node.id"] === id)!;
      expect(c.props["advertised.listeners"]).toBe(`CONTROLLER://${host}:${port}`);
      expect(Number(port)).toBe(KAFKA_PORTS.controller);
      // The name resolves in every cluster: an exported headless Service (Submariner) or a per-node Service everywhere (Istio).
      if (p.spec.mesh.mode === "submariner") {
        const [, , svc, ns] = host.split(".");
        const exported = p.recorded
          .ofType(T.serviceExport)
          .filter((r) => r.provider === p.providers[c.region])
          .map((r) => plain<{ metadata: { name: string; namespace: string } }>(r).metadata);
        expect(exported).toContainEqual({ name: svc, namespace: ns });
      } else {
        const podName = host.split(".")[0];
        for (const region of regions()) {
          const svc = p.recorded
            .ofType(T.service)
            .filter((s) => s.provider === p.providers[region] && plain<{ metadata: { name: string } }>(s).metadata.name === podName);
          expect(svc).toHaveLength(1);
          expect(plain<{ spec: { selector: Record<string, string> } }>(svc[0]).spec.selector).toEqual({
            "statefulset.kubernetes.io/pod-name": podName,
          });
        }
      }
      return c.region;
    });
    expect(new Set(votedRegions)).toEqual(new Set(regions()));
  });

  it("mounts the data claim exactly at the image's data VOLUME, covers its other VOLUMEs, and keeps logs and the agent apart on it", (ctx) => {
    const p = plan();
    if (!p) return ctx.skip();
    for (const sts of statefulSets(p).map((s) => plain<StatefulSetInputs>(s))) {
      const pod = sts.spec.template.spec;
      const kafka = pod.containers.find((c) => c.name === "kafka")!;
      const claim = sts.spec.volumeClaimTemplates[0].metadata.name;
      expect(kafka.volumeMounts.filter((m) => m.name === claim)).toEqual([{ name: claim, mountPath: "/var/lib/kafka/data" }]);
      for (const path of Object.values(KAFKA_IMAGE_VOLUMES)) {
        const at = kafka.volumeMounts.filter((m) => m.mountPath === path);
        expect(at, path).toHaveLength(1);
        if (path !== KAFKA_IMAGE_VOLUMES.data)
          expect(
            pod.volumes?.map((v) => v.name),
            path,
          ).toContain(at[0].name);
      }
      // The metrics agent's jar is cached on the data volume too, outside log.dirs.
      const agent = kafka.env.find((e) => e.name === "KAFKA_OPTS")?.value ?? "";
      expect(agent).toMatch(/^-javaagent:\/var\/lib\/kafka\/data\/jmx-exporter\//);
      expect(pod.initContainers?.[0].volumeMounts).toEqual([{ name: claim, mountPath: "/var/lib/kafka/data" }]);
    }
    for (const n of renderedNodes(p)) {
      expect(n.props["log.dirs"]).toBe("/var/lib/kafka/data/logs");
      if (n.role === "controller") expect(n.props["metadata.log.dir"]).toBe("/var/lib/kafka/data/logs");
    }
  });

  it("gives controllers, and only them, the initial voter set and the quorum marker of their own region, present in every region", (ctx) => {
    const p = plan();
    if (!p) return ctx.skip();
    const markers = p.recorded
      .ofType(T.configMap)
      .filter((c) => plain<{ metadata: { name: string } }>(c).metadata.name === "kafka-quorum-bootstrap");
    expect(markers.map((m) => m.provider).sort()).toEqual(p.spec.regions.map((r) => p.providers[r.name]).sort());
    const clusterIds = new Set<string | undefined>();
    for (const m of markers) {
      const cm = plain<{ metadata: { namespace: string }; data: Record<string, string> }>(m);
      expect(cm.metadata.namespace).toBe("kafka");
      // The cluster id and nothing else: no clock, no window.
      expect(Object.keys(cm.data)).toEqual(["formedClusterId"]);
      clusterIds.add(cm.data.formedClusterId);
      // Data holder: protected and retained like the namespace (lib/durability/protection.ts).
      expect(m.protect, m.name).toBe(true);
      // A data change would be a replacement, which protection refuses: an older object keeps its data.
      expect(m.ignoreChanges, m.name).toEqual(["data"]);
    }
    for (const sts of statefulSets(p)) {
      const env = plain<StatefulSetInputs>(sts).spec.template.spec.containers[0].env;
      const names = env.map((e) => e.name);
      expect(names).not.toContain("KAFKA_QUORUM_BOOTSTRAP_UNTIL");
      if (roleOf(sts) === "controller") {
        expect(names).toContain("KAFKA_INITIAL_CONTROLLERS");
        clusterIds.add(env.find((e) => e.name === "KAFKA_CLUSTER_ID")?.value);
        // Read at each container start and optional: the marker follows the controllers, so at first it is absent.
        expect(env.find((e) => e.name === "KAFKA_QUORUM_FORMED")).toEqual({
          name: "KAFKA_QUORUM_FORMED",
          valueFrom: { configMapKeyRef: { name: "kafka-quorum-bootstrap", key: "formedClusterId", optional: true } },
        });
      } else {
        expect(names).not.toContain("KAFKA_INITIAL_CONTROLLERS");
        expect(names).not.toContain("KAFKA_QUORUM_FORMED");
      }
    }
    expect(clusterIds.size).toBe(1);
  });

  it("makes brokers ready when no partition is under-replicated and controllers when caught up (exec checks), with TCP startup and liveness", (ctx) => {
    const p = plan();
    if (!p) return ctx.skip();
    for (const region of p.spec.regions.map((r) => r.name)) {
      for (const s of statefulSets(p, region)) {
        const sts = plain<StatefulSetInputs>(s);
        const c = sts.spec.template.spec.containers[0] as unknown as Record<string, Record<string, unknown>>;
        const broker = roleOf(s) === "broker";
        expect(c.startupProbe.tcpSocket).toBeDefined();
        expect(c.livenessProbe.tcpSocket).toBeDefined();
        // Each role's own rendered check (lib/kafka/readiness.ts), under one file name.
        expect(c.readinessProbe).toEqual({
          exec: { command: ["/bin/sh", "/etc/kafka/config/ready.sh"] },
          periodSeconds: 30,
          timeoutSeconds: 25,
          failureThreshold: 2,
        });
        const configMap = p.recorded
          .ofType(T.configMap)
          .find(
            (r) =>
              r.provider === p.providers[region] &&
              plain<{ metadata: { name: string } }>(r).metadata.name === `${sts.metadata.name}-config`,
          )!;
        const data = plain<{ data: Record<string, string> }>(configMap).data;
        expect(Object.keys(data)).toEqual(expect.arrayContaining(["client.properties", "tools-log4j2.yaml"]));
        expect(data["ready.sh"]).toBe(broker ? renderReadinessScript() : renderControllerReadinessScript());
        // The check connects as the node itself, with its own keystore: the node listeners require client certificates.
        const client = parseProperties(data["client.properties"]);
        expect(client).toMatchObject({
          "security.protocol": "SSL",
          "ssl.keystore.type": "PEM",
          "ssl.keystore.location": "/etc/kafka/tls/keystore.pem",
          "ssl.truststore.location": "/etc/kafka/tls/ca.crt",
        });
        // Not ready during a catch-up must block voluntary evictions of brokers; a controller's budget covers only itself.
        const pdb = p.recorded
          .ofType(T.pdb)
          .map((r) => ({
            r,
            spec: plain<{ spec: { unhealthyPodEvictionPolicy: string; selector: { matchLabels: Record<string, string> } } }>(r).spec,
          }))
          .find(
            (x) => x.r.provider === p.providers[region] && x.spec.selector.matchLabels["app.kubernetes.io/instance"] === sts.metadata.name,
          )!;
        expect(pdb.spec.unhealthyPodEvictionPolicy).toBe(broker ? "IfHealthyBudget" : "AlwaysAllow");
      }
    }
  });

  it("leaves no plaintext listener reachable from outside its pod, and every listener authenticates its peer", (ctx) => {
    const p = plan();
    if (!p) return ctx.skip();
    const regions = () => p.spec.regions.map((r) => r.name);
    for (const n of renderedNodes(p)) {
      const map = Object.fromEntries(n.props["listener.security.protocol.map"].split(",").map((e) => e.split(":")));
      // Nodes: mutual TLS with the cluster CA in both modes (mesh identity is not a Kafka principal).
      expect(map.CONTROLLER).toBe("SSL");
      expect(n.props["listener.name.controller.ssl.client.auth"]).toBe("required");
      expect(n.props["ssl.keystore.type"]).toBe("PEM");
      if (n.role === "broker") {
        expect(map.REPLICATION).toBe("SSL");
        expect(n.props["listener.name.replication.ssl.client.auth"]).toBe("required");
        // Clients: SCRAM, over Kafka TLS (Submariner) or over the sidecar's STRICT mTLS (Istio), never twice encrypted.
        expect(map.CLIENT).toBe(p.spec.mesh.mode === "submariner" ? "SASL_SSL" : "SASL_PLAINTEXT");
      } else {
        // A controller's map names only the listener it runs.
        expect(Object.keys(map)).toEqual(["CONTROLLER"]);
      }
      expect(n.props["authorizer.class.name"]).toBe("org.apache.kafka.metadata.authorizer.StandardAuthorizer");
      expect(n.props["allow.everyone.if.no.acl.found"]).toBe("false");
      expect(n.props["super.users"]).toBe("User:geo-kafka-node;User:admin");
    }
    if (p.spec.mesh.mode === "istio") {
      for (const region of regions()) {
        const policies = p.recorded.ofType(T.peerAuthentication).filter((r) => r.provider === p.providers[region]);
        expect(policies).toHaveLength(1);
        const policy = plain<{
          metadata: { namespace: string };
          spec: { mtls: { mode: string }; selector: { matchLabels: Record<string, string> } };
        }>(policies[0]);
        expect(policy.metadata.namespace).toBe("kafka");
        expect(policy.spec.mtls.mode).toBe("STRICT");
        const ns = plain<{ metadata: { labels: Record<string, string> } }>(
          p.recorded.ofType(T.namespace).find((r) => r.provider === p.providers[region])!,
        );
        if (p.meshNamespaceLabels) expect(ns.metadata.labels).toMatchObject(p.meshNamespaceLabels);
        for (const sts of statefulSets(p, region)) {
          const template = plain<StatefulSetInputs>(sts).spec.template;
          // The STRICT policy selects every Kafka pod, and no pod lets traffic bypass its sidecar.
          expect(template.metadata.labels).toMatchObject(policy.spec.selector.matchLabels);
          expect(Object.keys(template.metadata.annotations ?? {}).filter((a) => a.startsWith("traffic.sidecar.istio.io/"))).toEqual([]);
          expect(template.metadata.annotations?.["sidecar.istio.io/inject"]).not.toBe("false");
        }
      }
    } else {
      expect(p.recorded.ofType(T.peerAuthentication)).toEqual([]);
    }
    for (const svc of p.recorded.ofType(T.service)) {
      const spec = plain<{ spec: { type?: string } }>(svc).spec;
      expect(["ClusterIP", undefined]).toContain(spec.type);
    }
    for (const sts of statefulSets(p)) {
      const pod = plain<StatefulSetInputs>(sts).spec.template.spec;
      expect(pod.hostNetwork).toBeUndefined();
      expect(pod.containers.flatMap((c) => c.ports ?? []).filter((port) => port.hostPort !== undefined)).toEqual([]);
    }
  });

  it("runs controllers and brokers under their own ServiceAccounts, with no token mounted", (ctx) => {
    const p = plan();
    if (!p) return ctx.skip();
    for (const region of p.spec.regions.map((r) => r.name)) {
      const accounts = p.recorded
        .ofType(T.serviceAccount)
        .filter((r) => r.provider === p.providers[region])
        .map((r) => plain<{ metadata: { name: string; namespace: string }; automountServiceAccountToken: boolean }>(r));
      // The first region also runs the access Job under its own account (components/kafka/access.ts).
      const first = region === p.spec.regions[0].name;
      expect(accounts.map((a) => [a.metadata.name, a.metadata.namespace, a.automountServiceAccountToken]).sort()).toEqual([
        ...(first ? [["kafka-access-apply", "kafka", false]] : []),
        ["kafka-broker", "kafka", false],
        ["kafka-controller", "kafka", false],
      ]);
      for (const sts of statefulSets(p, region)) {
        const pod = plain<StatefulSetInputs>(sts).spec.template.spec;
        expect(pod.serviceAccountName).toBe(`kafka-${roleOf(sts)}`);
        expect(pod.automountServiceAccountToken).toBe(false);
      }
    }
    // The access Job's account: created by the access component, in the first region only.
    expect(
      p.recorded
        .ofType(T.serviceAccount)
        .filter((r) => plain<{ metadata: { name: string } }>(r).metadata.name === "kafka-access-apply")
        .map((r) => r.provider),
    ).toEqual([p.providers[p.spec.regions[0].name]]);
  });

  it("in Istio mode admits each port a Kafka pod serves only from the identities that use it; Submariner mode has no AuthorizationPolicy", (ctx) => {
    const p = plan();
    if (!p) return ctx.skip();
    if (p.spec.mesh.mode === "submariner") {
      expect(p.recorded.ofType(T.authorizationPolicy)).toEqual([]);
      return;
    }
    const principal = (account: string) => `cluster.local/ns/kafka/sa/${account}`;
    const kafkaNodes = [principal("kafka-controller"), principal("kafka-broker")];
    const ports = (...list: number[]) => [{ operation: { ports: list.map(String) } }];
    for (const region of p.spec.regions.map((r) => r.name)) {
      const strict = plain<{ spec: { portLevelMtls?: Record<string, { mode: string }> } }>(
        p.recorded.ofType(T.peerAuthentication).find((r) => r.provider === p.providers[region])!,
      );
      // Plaintext scrapes carry no identity: the port open to them (PERMISSIVE) is open to any source here too.
      const metrics = strict.spec.portLevelMtls?.[String(METRICS_PORT)]?.mode === "PERMISSIVE" ? [{ to: ports(METRICS_PORT) }] : [];
      const policies = p.recorded
        .ofType(T.authorizationPolicy)
        .filter((r) => r.provider === p.providers[region])
        .map((r) => plain<{ metadata: { name: string }; spec: { selector: { matchLabels: Record<string, string> } } }>(r));
      const byName = Object.fromEntries(policies.map((a) => [a.metadata.name, a]));
      expect(Object.keys(byName).sort()).toEqual(["kafka-broker-access", "kafka-controller-access"]);
      const labels = (role: string) => ({ "app.kubernetes.io/part-of": "geo-kafka", "app.kubernetes.io/component": role });
      const selector = (role: string) => ({ matchLabels: { "app.kubernetes.io/name": "kafka", "app.kubernetes.io/component": role } });
      expect(byName["kafka-broker-access"]).toEqual({
        apiVersion: "security.istio.io/v1",
        kind: "AuthorizationPolicy",
        metadata: { name: "kafka-broker-access", namespace: "kafka", labels: labels("broker") },
        spec: {
          selector: selector("broker"),
          action: "ALLOW",
          rules: [
            { from: [{ source: { principals: kafkaNodes } }], to: ports(KAFKA_PORTS.replication) },
            {
              from: [
                { source: { namespaces: [...p.spec.kafka.clientNamespaces] } },
                { source: { principals: [principal("kafka-access-apply")] } },
              ],
              to: ports(KAFKA_PORTS.client),
            },
            ...metrics,
          ],
        },
      });
      expect(byName["kafka-controller-access"]).toEqual({
        apiVersion: "security.istio.io/v1",
        kind: "AuthorizationPolicy",
        metadata: { name: "kafka-controller-access", namespace: "kafka", labels: labels("controller") },
        spec: {
          selector: selector("controller"),
          action: "ALLOW",
          rules: [{ from: [{ source: { principals: kafkaNodes } }], to: ports(KAFKA_PORTS.controller) }, ...metrics],
        },
      });
      // Every pod is selected by exactly one policy, and every port its containers declare has a rule there.
      for (const sts of statefulSets(p, region)) {
        const template = plain<StatefulSetInputs>(sts).spec.template;
        const selecting = policies.filter((a) =>
          Object.entries(a.spec.selector.matchLabels).every(([k, v]) => template.metadata.labels[k] === v),
        );
        expect(selecting).toHaveLength(1);
        const allowed = (selecting[0] as unknown as { spec: { rules: Array<{ to: ReturnType<typeof ports> }> } }).spec.rules.flatMap(
          (r) => r.to[0].operation.ports,
        );
        for (const port of template.spec.containers.flatMap((c) => c.ports ?? [])) {
          if (port.containerPort === METRICS_PORT && metrics.length === 0) continue; // closed: nothing scrapes
          expect(allowed, `${sts.name} port ${port.containerPort}`).toContain(String(port.containerPort));
        }
      }
    }
  });

  it("passes kubernetes-models validation for every Kubernetes object", (ctx) => {
    const p = plan();
    if (!p) return ctx.skip();
    const objects = p.recorded.where((r) => r.type.startsWith("kubernetes:"));
    expect(objects.length).toBeGreaterThan(20);
    for (const r of objects) {
      if (r.type === T.serviceExport) {
        // No models package covers multicluster.x-k8s.io: its shape is checked by hand.
        expect(plain(r)).toMatchObject({
          apiVersion: "multicluster.x-k8s.io/v1alpha1",
          kind: "ServiceExport",
          metadata: { namespace: "kafka" },
        });
        continue;
      }
      // schemaErrors replaces a secret with the string "[secret]"; @pulumi/kubernetes wraps a Secret's whole
      // stringData, which would then fail as "must be object". The shape is what is validated, so unwrap first.
      expect(schemaErrors({ ...r, inputs: plain(r) })).toEqual([]);
    }
  });

  it("keeps every credential a Pulumi secret: no password or private key in the Kafka layer's plain inputs", (ctx) => {
    const p = plan();
    if (!p) return ctx.skip();
    for (const r of p.recorded.resources) {
      const leaks = plaintextStrings(r.inputs).filter((x) => x.includes("mock-password") || x.includes("PRIVATE KEY"));
      expect(leaks, `${r.type} ${r.name}`).toEqual([]);
    }
    for (const secret of p.recorded.ofType(T.secret)) expect(isSecretValue(secret.inputs.stringData), secret.name).toBe(true);
  });

  it("keeps the password out of every pod: no container environment refers to it, Kafka reads only the salted credential from a file", (ctx) => {
    const p = plan();
    if (!p) return ctx.skip();
    const password = isSecretValue(p.run.outputs.adminPassword) ? String(p.run.outputs.adminPassword.value) : undefined;
    for (const region of p.spec.regions.map((r) => r.name)) {
      for (const sts of statefulSets(p, region).map((s) => plain<StatefulSetInputs>(s))) {
        const pod = sts.spec.template.spec;
        for (const c of [...(pod.initContainers ?? []), ...pod.containers] as Array<{ name: string; env?: unknown[] }>) {
          const env = JSON.stringify(c.env ?? []);
          expect(env, c.name).not.toMatch(/PASSWORD|kafka-admin-credentials|secretKeyRef/);
          if (password) expect(env, c.name).not.toContain(password);
        }
        // Only the Kafka container mounts the credential, read-only, from a Secret whose files are group-readable only.
        const kafka = pod.containers.find((c) => c.name === "kafka")!;
        const mount = kafka.volumeMounts.find((m) => m.mountPath === "/etc/kafka/secrets")!;
        expect(mount).toMatchObject({ readOnly: true });
        expect(pod.volumes?.find((v) => v.name === mount.name)).toEqual({
          name: mount.name,
          secret: { secretName: "kafka-admin-scram", defaultMode: 0o440 },
        });
        for (const init of pod.initContainers ?? []) expect(init.volumeMounts?.map((m) => m.name)).not.toContain(mount.name);
      }
      const scram = p.recorded
        .ofType(T.secret)
        .filter((r) => r.provider === p.providers[region])
        .filter((r) => plain<{ metadata: { name: string } }>(r).metadata.name === "kafka-admin-scram");
      expect(scram).toHaveLength(1);
      expect(isSecretValue(scram[0].inputs.stringData)).toBe(true);
      const credential = plain<{ stringData: Record<string, string> }>(scram[0]).stringData["admin-scram"];
      expect(credential).toMatch(
        /^SCRAM-SHA-512=\[name=admin,iterations=8192,salt="[A-Za-z0-9+/]{43}=",saltedpassword="[A-Za-z0-9+/]{86}=="\]$/,
      );
      if (password) expect(credential).not.toContain(password);
    }
    // No rendered file names a password.
    for (const cm of p.recorded.ofType(T.configMap)) {
      const text = JSON.stringify(plain(cm));
      expect(text, cm.name).not.toMatch(/mock-password|saltedpassword/);
      if (password) expect(text, cm.name).not.toContain(password);
    }
  });
}

describe.each(CASES)("StretchedKafka on $title", ({ stack, mode, expectMode }) => {
  let p: KafkaPlan;
  beforeAll(async () => {
    p = await planOnce(stack, mode);
    expect(p.spec.mesh.mode).toBe(expectMode);
  });
  const regions = () => p.spec.regions.map((r) => r.name);

  doneWhenChecks(() => p);
  it("puts every Kubernetes object on its cluster's provider, in the kafka namespace, under the component", () => {
    // The providers handed in with the fake clusters, one per region.
    expect(p.providers).toEqual(Object.fromEntries(regions().map((r) => [r, `k8s-${r}`])));
    const providers = new Set(Object.values(p.providers));
    for (const r of p.recorded.where((x) => x.type.startsWith("kubernetes:"))) {
      expect(providers.has(r.provider ?? ""), `${r.type} ${r.name}`).toBe(true);
      expect(r.parent, r.name).not.toBeNull();
      const meta = plain<{ metadata: { namespace?: string; name: string } }>(r).metadata;
      const userSecret = r.type === T.secret && /^kafka-user-/.test(meta.name);
      if (r.type === T.namespace) expect(meta.name).toBe("kafka");
      // A declared user's Secret goes to its client namespaces; everything else lives in the Kafka namespace.
      else if (userSecret) expect(p.spec.kafka.clientNamespaces).toContain(meta.namespace);
      else expect(meta.namespace).toBe("kafka");
      // Grouped by region in the plan: the resource name carries its own cluster's region.
      const region = regions().find((x) => r.provider === p.providers[x])!;
      expect(r.name).toContain(region);
    }
  });

  it("has a disruption budget per StatefulSet and region (at most one broker down), anti-affinity, probes, requests and limits on every container", () => {
    for (const region of regions()) {
      const pdbs = p.recorded.ofType(T.pdb).filter((r) => r.provider === p.providers[region]);
      const sets = statefulSets(p, region).map((s) => plain<StatefulSetInputs>(s));
      expect(pdbs).toHaveLength(2);
      for (const sts of sets) {
        const pdb = pdbs
          .map((r) => plain<{ spec: { maxUnavailable: number; selector: { matchLabels: unknown } } }>(r))
          .find((b) => expect.objectContaining(b.spec.selector.matchLabels as object).asymmetricMatch(sts.spec.selector.matchLabels));
        expect(pdb?.spec.maxUnavailable).toBe(1);

        const pod = sts.spec.template.spec;
        const broker = sts.spec.template.metadata.labels["app.kubernetes.io/component"] === "broker";
        expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
          { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: sts.spec.selector.matchLabels } },
        ]);
        expect(pod.topologySpreadConstraints).toEqual([
          expect.objectContaining({ topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" }),
        ]);
        expect(pod.nodeSelector).toEqual({ [KAFKA_NODE_LABEL.key]: KAFKA_NODE_LABEL.value });
        expect(pod.tolerations).toContainEqual(expect.objectContaining({ key: KAFKA_NODE_TAINT.key, effect: KAFKA_NODE_TAINT.effect }));
        expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(broker ? 300 : 60);
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 });
        for (const c of pod.containers) {
          expect(c.resources?.requests).toEqual({ cpu: expect.stringMatching(/^\d+m$/), memory: expect.stringMatching(/^\d+Mi$/) });
          expect(c.resources?.limits).toEqual({ cpu: expect.stringMatching(/^\d+m$/), memory: expect.stringMatching(/^\d+Mi$/) });
          expect(c.readinessProbe).toBeDefined();
          expect(c.livenessProbe).toBeDefined();
          expect(c.startupProbe).toBeDefined();
          expect(c.securityContext).toMatchObject({
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
          });
          // Pinned: the stack's release version, never latest.
          expect(c.image).toBe(`apache/kafka:${p.spec.kafka.version}`);
          expect(c.image).not.toMatch(/:latest$/);
          if (broker) expect(c.env.find((e) => e.name === "KAFKA_HEAP_OPTS")?.value).toBe("-Xms6144m -Xmx6144m");
        }
        if (p.spec.mesh.mode === "istio") {
          // The injected sidecar is a container too: its requests and limits come from these annotations.
          expect(Object.keys(sts.spec.template.metadata.annotations ?? {})).toEqual(
            expect.arrayContaining([
              "sidecar.istio.io/proxyCPU",
              "sidecar.istio.io/proxyCPULimit",
              "sidecar.istio.io/proxyMemory",
              "sidecar.istio.io/proxyMemoryLimit",
            ]),
          );
        }
        const claim = sts.spec.volumeClaimTemplates[0].spec;
        expect(claim.storageClassName).toBe("kafka-pd-ssd");
        expect(claim.resources.requests.storage).toBe(broker ? `${p.spec.kafka.disk.sizeGiB}Gi` : "20Gi");
      }
    }
  });

  it("waits for the mesh and the namespace, and rolls out one region at a time", () => {
    const names = p.spec.regions.map((r) => r.name);
    names.forEach((region, i) => {
      const objects = p.recorded.where(
        (r) => r.type.startsWith("kubernetes:") && r.provider === p.providers[region] && r.type !== T.namespace,
      );
      for (const r of objects) {
        if (r.type === T.serviceExport) continue; // created by the fake mesh
        expect(p.dependencies.get(r.name), r.name).toEqual(expect.arrayContaining([`kafka-${region}-ns`, `mesh-ready-${region}`]));
      }
      const controller = p.dependencies.get(`kafka-${region}-controller`)!;
      const broker = p.dependencies.get(`kafka-${region}-broker`)!;
      // One order for the cluster: controllers region after region, then brokers region after region, the first
      // region's brokers after the last region's controller (and every region's brokers after their own controller).
      const last = names[names.length - 1];
      expect(controller.filter((d) => /-(controller|broker)$/.test(d))).toEqual(i === 0 ? [] : [`kafka-${names[i - 1]}-controller`]);
      expect(broker.filter((d) => /-(controller|broker)$/.test(d)).sort()).toEqual(
        [i === 0 ? `kafka-${last}-controller` : `kafka-${names[i - 1]}-broker`, `kafka-${region}-controller`].sort(),
      );
      // The quorum marker only once every region's controller is up, so once every controller has formatted.
      const marker = p.dependencies.get(`kafka-${region}-quorum-bootstrap`)!;
      expect(marker.filter((d) => /-(controller|broker)$/.test(d)).sort()).toEqual(names.map((n) => `kafka-${n}-controller`).sort());
    });
  });

  it("replaces a StatefulSet whose volume claim template changes (immutable in Kubernetes), leaving its pods and claims", () => {
    for (const sts of p.recorded.ofType(T.statefulSet)) {
      // A bigger disk changes spec.volumeClaimTemplates, which the API server refuses to update in place.
      expect(sts.replaceOnChanges, sts.name).toEqual(["spec.volumeClaimTemplates"]);
      // Two StatefulSets with one name cannot coexist: the old object goes first...
      expect(sts.deleteBeforeReplace, sts.name).toBe(true);
      // ...without its pods and claims, which the new object adopts (no restart, no data loss).
      const annotations = plain<{ metadata: { annotations?: Record<string, string> } }>(sts).metadata.annotations;
      expect(annotations?.["pulumi.com/deletionPropagationPolicy"], sts.name).toBe("orphan");
    }
    // Nothing else of the Kafka layer is replaced this way.
    // Besides them only the access Job, whose pod template is immutable as well.
    expect(
      p.recorded
        .where((r) => r.type !== T.statefulSet && (r.replaceOnChanges ?? []).length > 0)
        .map((r) => [r.type, r.replaceOnChanges, r.deleteBeforeReplace]),
    ).toEqual([["kubernetes:batch/v1:Job", ["spec.template"], true]]);
  });

  it("formats every node with one shared, valid cluster id, exported as a plain output", () => {
    const ids = new Set(
      statefulSets(p).map(
        (s) => plain<StatefulSetInputs>(s).spec.template.spec.containers[0].env.find((e) => e.name === "KAFKA_CLUSTER_ID")?.value,
      ),
    );
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    expect(isValidKafkaClusterId(id!)).toBe(true);
    expect(p.run.outputs.clusterId).toBe(id);
    // The cluster id and one initial directory id per controller.
    expect(p.recorded.ofType("random:index/randomUuid:RandomUuid").map((r) => r.name)).toEqual([
      "kafka-cluster-id",
      ...p.spec.regions.map((r) => `kafka-kafka-controller-${r.clusterId}-0-directory-id`),
    ]);
  });

  it("admits to the Kafka ports only Kafka pods, the client namespaces (client port) and the other clusters' pod ranges", () => {
    for (const region of p.spec.regions) {
      const policies = p.recorded.ofType(T.networkPolicy).filter((r) => r.provider === p.providers[region.name]);
      expect(policies).toHaveLength(1);
      const policy = plain<{
        spec: { podSelector: unknown; policyTypes: string[]; ingress: Array<{ from: unknown[]; ports: Array<{ port: number }> }> };
      }>(policies[0]);
      expect(policy.spec.podSelector).toEqual({ matchLabels: { "app.kubernetes.io/name": "kafka" } });
      expect(policy.spec.policyTypes).toEqual(["Ingress"]);
      const peers = p.spec.regions.filter((r) => r.index !== region.index).map((r) => (p.spec.cloud === "eks" ? r.nodeCidr : r.podCidr));
      const all = [KAFKA_PORTS.client, KAFKA_PORTS.replication, KAFKA_PORTS.controller];
      expect(policy.spec.ingress.map((rule) => [rule.from, rule.ports.map((x) => x.port)])).toEqual([
        [[{ podSelector: { matchLabels: { "app.kubernetes.io/name": "kafka" } } }], all],
        // The access Job (first region) reaches its own cluster's brokers on the client port.
        [[{ podSelector: { matchLabels: { "app.kubernetes.io/name": "kafka-access" } } }], [KAFKA_PORTS.client]],
        [
          [
            {
              namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["kafka-clients"] }] },
            },
          ],
          [KAFKA_PORTS.client],
        ],
        [peers.map((cidr) => ({ ipBlock: { cidr } })), all],
      ]);
    }
  });

  it("outputs per-region bootstrap addresses of local brokers and client snippets without a password", () => {
    const nodes = kafkaNodes({ regions: p.spec.regions, brokersPerRegion: 3, controllersPerRegion: 1 });
    const outputs = p.run.outputs as {
      bootstrapServers: Record<string, string>;
      clientConfigs: Array<{ region: string; producer: string; consumer: string }>;
    };
    expect(Object.keys(outputs.bootstrapServers)).toEqual(regions());
    for (const region of regions()) {
      const local = nodes.filter((n) => n.role === "broker" && n.region === region);
      expect(outputs.bootstrapServers[region]).toBe(
        local.map((b) => `${nodeAddress(p.spec.mesh.mode, b)}:${KAFKA_PORTS.client}`).join(","),
      );
      const snippet = outputs.clientConfigs.find((c) => c.region === region)!;
      expect(parseProperties(snippet.producer)).toMatchObject({
        acks: "all",
        "enable.idempotence": "true",
        "compression.type": p.spec.kafka.producer.compression,
        "batch.size": String(p.spec.kafka.producer.batchSizeBytes),
        "linger.ms": String(p.spec.kafka.producer.lingerMs),
        "send.buffer.bytes": String(p.socketBufferBytes),
        "bootstrap.servers": outputs.bootstrapServers[region],
      });
      expect(parseProperties(snippet.consumer)).toMatchObject({
        "client.rack": region,
        "receive.buffer.bytes": String(p.socketBufferBytes),
      });
    }
  });
  it("exports no password except as a secret output", () => {
    const { adminPassword, ...rest } = p.run.outputs;
    expect(isSecretValue(adminPassword)).toBe(true);
    expect(containsSecret(rest)).toBe(false);
    expect(JSON.stringify(rest)).not.toMatch(/mock-password|PRIVATE KEY/);
  });
});

describe("StretchedKafka in Submariner mode (stack gke)", () => {
  let p: KafkaPlan;
  beforeAll(async () => {
    p = await planOnce("gke");
  });
  const regions = () => p.spec.regions.map((r) => r.name);

  it("issues each node a certificate for its cross-cluster name and mounts only its own keystore", () => {
    const nodes = kafkaNodes({ regions: p.spec.regions, brokersPerRegion: 3, controllersPerRegion: 1 });
    const csrs = p.recorded.ofType("tls:index/certRequest:CertRequest");
    expect(csrs).toHaveLength(12);
    for (const node of nodes) {
      const csr = plain<{ dnsNames: string[]; subject: { commonName: string } }>(
        p.recorded.one("tls:index/certRequest:CertRequest", `kafka-tls-${node.podName}-csr`),
      );
      expect(csr.dnsNames[0]).toBe(nodeAddress("submariner", node));
      // RFC 5280 ub-common-name: the pod name, never the hundred-character cross-cluster name.
      expect(csr.subject.commonName).toBe(node.podName);
      expect(csr.subject.commonName.length).toBeLessThanOrEqual(64);
      const cert = plain<{ allowedUses: string[] }>(
        p.recorded.one("tls:index/locallySignedCert:LocallySignedCert", `kafka-tls-${node.podName}-cert`),
      );
      expect(cert.allowedUses).toEqual(expect.arrayContaining(["server_auth", "client_auth"]));
    }
    for (const region of regions()) {
      for (const sts of statefulSets(p, region).map((s) => plain<StatefulSetInputs>(s))) {
        const secret = p.recorded
          .ofType(T.secret)
          .find(
            (r) =>
              r.provider === p.providers[region] && plain<{ metadata: { name: string } }>(r).metadata.name === `${sts.metadata.name}-tls`,
          )!;
        const data = plain<{ stringData: Record<string, string> }>(secret).stringData;
        const pods = Array.from({ length: sts.spec.replicas }, (_, i) => `${sts.metadata.name}-${i}.pem`);
        expect(Object.keys(data).sort()).toEqual([...pods, "ca.crt"].sort());
        // PEM keystore (KIP-651): PKCS#8 key, then the chain, leaf first.
        for (const pod of pods)
          expect(data[pod]).toMatch(/^-----BEGIN PRIVATE KEY-----[\s\S]*-----BEGIN CERTIFICATE-----[\s\S]*-----BEGIN CERTIFICATE-----/);
        const mounts = sts.spec.template.spec.containers[0].volumeMounts.filter((m) => m.name === "tls");
        expect(mounts).toEqual([
          expect.objectContaining({ mountPath: "/etc/kafka/tls/keystore.pem", subPathExpr: "$(POD_NAME).pem" }),
          expect.objectContaining({ mountPath: "/etc/kafka/tls/ca.crt", subPath: "ca.crt" }),
        ]);
      }
    }
    for (const region of regions())
      expect(p.recorded.ofType(T.serviceExport).filter((r) => r.provider === p.providers[region])).toHaveLength(2);
  });

  it("asks the mesh to export each headless Service from its own cluster", () => {
    expect(p.exportCalls.map((c) => [c.cluster, c.namespace, c.serviceName, c.name]).sort()).toEqual(
      p.spec.regions
        .flatMap((r) => [
          [r.name, "kafka", `kafka-broker-${r.clusterId}`, `kafka-${r.name}-broker-headless`],
          [r.name, "kafka", `kafka-controller-${r.clusterId}`, `kafka-${r.name}-controller-headless`],
        ])
        .sort(),
    );
  });
});

describe.each([
  { title: "stack eks", stack: "eks" as const, mode: undefined },
  { title: "gke regions", stack: "gke" as const, mode: "istio" as Mesh },
])("StretchedKafka in Istio mode ($title)", ({ stack, mode }) => {
  let p: KafkaPlan;
  beforeAll(async () => {
    p = await planOnce(stack, mode);
  });
  const regions = () => p.spec.regions.map((r) => r.name);

  it("holds Kafka until its sidecar runs and keeps the sidecar through a controlled shutdown", () => {
    for (const sts of statefulSets(p).map((s) => plain<StatefulSetInputs>(s))) {
      const config = JSON.parse(sts.spec.template.metadata.annotations!["proxy.istio.io/config"]);
      expect(config).toEqual({ holdApplicationUntilProxyStarts: true, proxyMetadata: { EXIT_ON_ZERO_ACTIVE_CONNECTIONS: "true" } });
    }
  });

  it("applies the AuthorizationPolicies only after the region's pods run under their ServiceAccounts", () => {
    for (const region of regions()) {
      for (const role of ["controller", "broker"]) {
        expect(p.dependencies.get(`kafka-${region}-${role}-access`)).toEqual(
          expect.arrayContaining([`kafka-${region}-ns`, `mesh-ready-${region}`, `kafka-${region}-controller`, `kafka-${region}-broker`]),
        );
        expect(p.dependencies.get(`kafka-${region}-${role}`)).toEqual(expect.arrayContaining([`kafka-${region}-${role}-sa`]));
      }
    }
  });

  it("creates a ClusterIP Service for each of the 12 nodes in every cluster", () => {
    for (const region of regions()) {
      const perNode = p.recorded
        .ofType(T.service)
        .filter((r) => r.provider === p.providers[region])
        .map((r) => plain<{ metadata: { name: string }; spec: { type?: string; selector: Record<string, string> } }>(r))
        .filter((s) => s.spec.selector["statefulset.kubernetes.io/pod-name"] !== undefined);
      expect(perNode).toHaveLength(12);
      for (const s of perNode) expect(s.spec.selector["statefulset.kubernetes.io/pod-name"]).toBe(s.metadata.name);
    }
    expect(p.exportCalls).toEqual([]);
  });
});

/** The Kafka layer in a whole-stack plan, or undefined while the stack does not create it yet. */
async function stackKafkaPlan(stack: "gke" | "eks"): Promise<KafkaPlan | undefined> {
  const { run } = await planStackOk(stack);
  if (!run.resources.some((r) => r.type === "geo-kafka:kafka:StretchedKafka")) return undefined;
  const spec = stackSpec(stack);
  const recorded = new Recorded(kafkaScope(run.resources));
  return {
    spec,
    socketBufferBytes: planSocketBuffers(spec.links).socketBufferBytes,
    run,
    recorded,
    providers: providersByRegion(spec, recorded),
    exportCalls: [],
    dependencies: new Map(),
  };
}

// The same checks on the recorded plans of both stacks; skipped until stacks/<cloud>.ts creates StretchedKafka.
describe.each(["gke", "eks"] as const)("the whole %s stack's plan", (stack) => {
  let p: KafkaPlan | undefined;
  beforeAll(async () => {
    p = await stackKafkaPlan(stack);
  });
  doneWhenChecks(() => p);

  it("opens the metrics port to no other cluster: every admitted peer is a namespace or a range outside the peers' ranges", (ctx) => {
    if (!p) return ctx.skip();
    // The whole stack's run: the metrics policy belongs to the observability layer, outside the Kafka scope.
    const { run, spec, providers } = p;
    for (const region of spec.regions) {
      const peerRanges = spec.regions.filter((r) => r.index !== region.index).flatMap((r) => [cidr(r.podCidr), cidr(r.nodeCidr)]);
      const policies = run.resources
        .filter((r) => r.type === T.networkPolicy && r.provider === providers[region.name])
        .map((r) =>
          plain<{ spec: { ingress: Array<{ from?: Array<Record<string, { cidr?: string }>>; ports?: Array<{ port: number }> }> } }>(r),
        );
      const metricsRules = policies
        .flatMap((x) => x.spec.ingress)
        .filter((rule) => !rule.ports || rule.ports.some((pt) => pt.port === METRICS_PORT));
      if (spec.observability.scrape !== "none") expect(metricsRules.length).toBeGreaterThan(0);
      for (const rule of metricsRules) {
        expect(rule.from?.length ?? 0).toBeGreaterThan(0);
        for (const peer of rule.from!) {
          if (peer.ipBlock)
            expect(
              peerRanges.some((r) => overlaps(r, cidr(peer.ipBlock!.cidr!))),
              peer.ipBlock.cidr,
            ).toBe(false);
        }
      }
    }
  });
});

describe("StretchedKafka input checks", () => {
  it("refuses, before creating anything, a cluster id that makes a certificate common name longer than 64 characters", async () => {
    const base = stackSpec("gke");
    const spec: StackSpec = { ...base, regions: base.regions.map((r, i) => (i === 2 ? { ...r, clusterId: "x".repeat(50) } : r)) };
    const attempt = runComponent(() => {
      new StretchedKafka("kafka", {
        ...stretchedKafkaSettings(spec),
        clusters: fakeClusters(spec),
        mesh: fakeMesh(
          "submariner",
          [],
          spec.regions.map((r) => r.name),
        ),
        socketBufferBytes: 81_250_000,
      });
    });
    await expect(attempt).rejects.toSatisfy((err: unknown) => {
      expect(pulumi.InputPropertiesError.isInstance(err)).toBe(true);
      expect((err as pulumi.InputPropertiesError).errors.map((e) => e.propertyPath)).toEqual(["regions[2].clusterId"]);
      return true;
    });
  });

  it("refuses, before creating anything, clusters out of region order", async () => {
    const spec = stackSpec("gke");
    const attempt = runComponent(() => {
      const clusters = fakeClusters(spec);
      new StretchedKafka("kafka", {
        ...stretchedKafkaSettings(spec),
        clusters: [clusters[1], clusters[0], clusters[2]],
        mesh: fakeMesh(
          "istio",
          [],
          spec.regions.map((r) => r.name),
        ),
        socketBufferBytes: 81_250_000,
      });
    });
    await expect(attempt).rejects.toSatisfy((err: unknown) => {
      expect(pulumi.InputPropertiesError.isInstance(err)).toBe(true);
      const paths = (err as pulumi.InputPropertiesError).errors.map((e) => e.propertyPath);
      expect(paths).toEqual(["clusters[0].region", "clusters[1].region"]);
      return true;
    });
  });
});
