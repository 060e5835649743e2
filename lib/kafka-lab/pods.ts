// Reads the pods a plan would run: every Kafka StatefulSet's pods with their command, environment and volume
// mounts resolved against the plan's own ConfigMaps and Secrets, the way a kubelet would resolve them. The Kafka lab
// materialises exactly this; nothing here knows how our components render their objects.
import { PATHS } from "../kafka/properties";
import { CONFIG_FILES } from "../kafka/start-script";
import type { Plan, PlanResource } from "../plan";

export type MountSource =
  | { kind: "configMap"; name: string; files: Record<string, string> }
  | { kind: "secret"; name: string; files: Record<string, string> }
  | { kind: "persistentVolumeClaim"; claim: string }
  | { kind: "emptyDir" };

export interface PodMount {
  /** Path inside the container. */
  mountPath: string;
  volume: string;
  source: MountSource;
  /** A single key of a ConfigMap or Secret (subPath or expanded subPathExpr); absent: the whole volume. */
  subPath?: string;
  readOnly: boolean;
}

export type EnvValue =
  | { kind: "value"; value: string }
  | { kind: "secret"; secret: string; key: string; value: string | undefined }
  /** A ConfigMap key; `value` is the plan's, undefined where the plan holds no such ConfigMap or key. */
  | { kind: "configMap"; configMap: string; key: string; optional: boolean; value: string | undefined };

export interface PlannedPod {
  podName: string;
  statefulSet: string;
  /** `geo-kafka/region` label of the StatefulSet. */
  region: string;
  /** `app.kubernetes.io/component`: broker or controller. */
  role: string;
  ordinal: number;
  /** The Kubernetes provider (cluster) the StatefulSet is created in. */
  provider: string;
  image: string;
  command: string[];
  /** Container environment in declaration order, fieldRefs resolved for this pod. */
  env: Array<{ name: string; value: EnvValue }>;
  mounts: PodMount[];
  /** The readiness probe's exec command, if it is one. */
  readinessExec?: string[];
  /** The readiness probe's periodSeconds (Kubernetes' default 10). */
  readinessPeriodSeconds?: number;
  /** runAsUser / runAsGroup of the container (or the pod). */
  user?: { uid: number; gid: number };
}

export class PlanReadError extends Error {}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** A secret input as the plan shows it with --show-secrets: `{ "4dabf...": "1b47...", value }`, or the bare value. */
function unwrap(v: unknown): unknown {
  const o = obj(v);
  if ("value" in o && Object.keys(o).some((k) => /^[0-9a-f]{32}$/.test(k))) return unwrap(o.value);
  return v;
}

function deepUnwrap(v: unknown): unknown {
  const u = unwrap(v);
  if (Array.isArray(u)) return u.map(deepUnwrap);
  if (u !== null && typeof u === "object") return Object.fromEntries(Object.entries(u).map(([k, x]) => [k, deepUnwrap(x)]));
  return u;
}

function metadataName(r: PlanResource): string | undefined {
  return str(obj(obj(deepUnwrap(r.inputs)).metadata).name);
}

function dataOf(r: PlanResource): Record<string, string> {
  const inputs = obj(deepUnwrap(r.inputs));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(inputs.data))) {
    if (typeof v !== "string") continue;
    out[k] = r.type.endsWith(":Secret") ? Buffer.from(v, "base64").toString("utf8") : v;
  }
  for (const [k, v] of Object.entries(obj(inputs.stringData))) if (typeof v === "string") out[k] = v;
  return out;
}

function findObject(plan: Plan, type: string, provider: string | null, name: string): PlanResource | undefined {
  return plan.resources.find((r) => r.type === type && r.provider === provider && metadataName(r) === name);
}

/** Expands `$(VAR)` in a subPathExpr from the container's plain environment. */
function expand(expr: string, env: Record<string, string>): string {
  return expr.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (_m, name: string) => {
    if (!(name in env)) throw new PlanReadError(`subPathExpr ${expr}: ${name} is not in the container's environment`);
    return env[name];
  });
}

interface PodSource {
  plan: Plan;
  resource: PlanResource;
  podName: string;
  ownerName: string;
  namespace: string;
  labels: Obj;
  podSpec: Obj;
  container: Obj;
  claimTemplates: Set<string>;
  ordinal: number;
}

/** One pod of a workload's template, resolved against the plan's ConfigMaps and Secrets as a kubelet would. */
function resolvePod(src: PodSource): PlannedPod {
  const { plan, resource: r, podName, podSpec, container, claimTemplates } = src;
  const volumes = new Map(arr(podSpec.volumes).map((v) => [str(obj(v).name) ?? "", obj(v)]));
  const podSecurity = obj(podSpec.securityContext);
  const containerSecurity = obj(container.securityContext);
  const uid = (containerSecurity.runAsUser ?? podSecurity.runAsUser) as number | undefined;
  const gid = (containerSecurity.runAsGroup ?? podSecurity.runAsGroup ?? podSecurity.fsGroup) as number | undefined;
  const env: PlannedPod["env"] = [];
  const plainEnv: Record<string, string> = {};
  for (const e of arr(container.env).map(obj)) {
    const name = str(e.name) ?? "";
    let value: EnvValue;
    if (typeof e.value === "string") value = { kind: "value", value: e.value };
    else {
      const from = obj(e.valueFrom);
      const fieldPath = str(obj(from.fieldRef).fieldPath);
      const secretRef = obj(from.secretKeyRef);
      const configMapRef = obj(from.configMapKeyRef);
      if (fieldPath === "metadata.name") value = { kind: "value", value: podName };
      else if (fieldPath === "metadata.namespace") value = { kind: "value", value: src.namespace };
      else if (str(secretRef.name)) {
        const secret = findObject(plan, "kubernetes:core/v1:Secret", r.provider, str(secretRef.name)!);
        const key = str(secretRef.key) ?? "";
        value = { kind: "secret", secret: str(secretRef.name)!, key, value: secret ? dataOf(secret)[key] : undefined };
      } else if (str(configMapRef.name)) {
        const configMap = findObject(plan, "kubernetes:core/v1:ConfigMap", r.provider, str(configMapRef.name)!);
        const key = str(configMapRef.key) ?? "";
        value = {
          kind: "configMap",
          configMap: str(configMapRef.name)!,
          key,
          optional: configMapRef.optional === true,
          value: configMap ? dataOf(configMap)[key] : undefined,
        };
      } else throw new PlanReadError(`${podName}: env ${name} has a source the lab cannot resolve: ${JSON.stringify(from)}`);
    }
    env.push({ name, value });
    if (value.value !== undefined) plainEnv[name] = value.value;
  }

  const mounts: PodMount[] = [];
  for (const m of arr(container.volumeMounts).map(obj)) {
    const volume = str(m.name) ?? "";
    const mountPath = str(m.mountPath) ?? "";
    let source: MountSource;
    if (claimTemplates.has(volume)) source = { kind: "persistentVolumeClaim", claim: `${volume}-${podName}` };
    else {
      const v = volumes.get(volume);
      if (!v) throw new PlanReadError(`${podName}: mount ${mountPath} names volume ${volume}, which the pod does not declare`);
      if (v.configMap) {
        const name = str(obj(v.configMap).name) ?? "";
        const cm = findObject(plan, "kubernetes:core/v1:ConfigMap", r.provider, name);
        if (!cm) throw new PlanReadError(`${podName}: ConfigMap ${name} is not in the plan for ${r.provider}`);
        source = { kind: "configMap", name, files: dataOf(cm) };
      } else if (v.secret) {
        const name = str(obj(v.secret).secretName) ?? "";
        const secret = findObject(plan, "kubernetes:core/v1:Secret", r.provider, name);
        if (!secret) throw new PlanReadError(`${podName}: Secret ${name} is not in the plan for ${r.provider}`);
        source = { kind: "secret", name, files: dataOf(secret) };
      } else if (v.emptyDir) source = { kind: "emptyDir" };
      else throw new PlanReadError(`${podName}: volume ${volume} has a type the lab cannot provide`);
    }
    const subPath = str(m.subPath) ?? (str(m.subPathExpr) ? expand(str(m.subPathExpr)!, plainEnv) : undefined);
    mounts.push({ mountPath, volume, source, readOnly: m.readOnly === true, ...(subPath !== undefined ? { subPath } : {}) });
  }

  const readinessExec = arr(obj(obj(container.readinessProbe).exec).command).filter((c): c is string => typeof c === "string");
  const readinessPeriod = obj(container.readinessProbe).periodSeconds;
  return {
    podName,
    statefulSet: src.ownerName,
    region: str(src.labels["geo-kafka/region"]) ?? "",
    role: str(src.labels["app.kubernetes.io/component"]) ?? "",
    ordinal: src.ordinal,
    provider: r.provider ?? "",
    image: str(container.image) ?? "",
    command: [...arr(container.command), ...arr(container.args)].filter((c): c is string => typeof c === "string"),
    env,
    mounts,
    ...(readinessExec.length > 0
      ? { readinessExec, readinessPeriodSeconds: typeof readinessPeriod === "number" ? readinessPeriod : 10 }
      : {}),
    ...(uid !== undefined && gid !== undefined ? { user: { uid, gid } } : {}),
  };
}

/** Each workload of `type` whose pod template runs `imagePrefix`: its resource, metadata, spec, pod spec, container. */
function workloadsRunning(plan: Plan, type: string, imagePrefix: string) {
  const found: Array<{ resource: PlanResource; name: string; meta: Obj; spec: Obj; podSpec: Obj; container: Obj }> = [];
  for (const resource of plan.resources.filter((x) => x.type === type)) {
    const inputs = obj(deepUnwrap(resource.inputs));
    const meta = obj(inputs.metadata);
    const spec = obj(inputs.spec);
    const podSpec = obj(obj(spec.template).spec);
    const container = arr(podSpec.containers)
      .map(obj)
      .find((c) => (str(c.image) ?? "").startsWith(imagePrefix));
    if (!container) continue;
    const name = str(meta.name);
    if (!name) throw new PlanReadError(`${resource.name}: ${type.split(":").pop()} without metadata.name`);
    found.push({ resource, name, meta, spec, podSpec, container });
  }
  return found;
}

/** Every pod of every StatefulSet whose container runs `imagePrefix` (default the apache/kafka image). */
export function plannedKafkaPods(plan: Plan, imagePrefix = "apache/kafka:"): PlannedPod[] {
  const pods: PlannedPod[] = [];
  for (const w of workloadsRunning(plan, "kubernetes:apps/v1:StatefulSet", imagePrefix)) {
    const replicas = typeof w.spec.replicas === "number" ? w.spec.replicas : 1;
    const claimTemplates = new Set(arr(w.spec.volumeClaimTemplates).map((t) => str(obj(obj(t).metadata).name) ?? ""));
    for (let ordinal = 0; ordinal < replicas; ordinal++) {
      pods.push(
        resolvePod({
          plan,
          resource: w.resource,
          podName: `${w.name}-${ordinal}`,
          ownerName: w.name,
          namespace: str(w.meta.namespace) ?? "default",
          labels: obj(w.meta.labels),
          podSpec: w.podSpec,
          container: w.container,
          claimTemplates,
          ordinal,
        }),
      );
    }
  }
  return pods.sort((a, b) => (a.podName < b.podName ? -1 : a.podName > b.podName ? 1 : 0));
}

/** The pod of every Job whose container runs `imagePrefix` (one pod each, as its first attempt would run). */
export function plannedJobPods(plan: Plan, imagePrefix = "apache/kafka:"): PlannedPod[] {
  return workloadsRunning(plan, "kubernetes:batch/v1:Job", imagePrefix).map((w) =>
    resolvePod({
      plan,
      resource: w.resource,
      podName: `${w.name}-0`,
      ownerName: w.name,
      namespace: str(w.meta.namespace) ?? "default",
      labels: obj(w.meta.labels),
      podSpec: w.podSpec,
      container: w.container,
      claimTemplates: new Set(),
      ordinal: 0,
    }),
  );
}

/** The file a pod's mount puts at `path`, if a ConfigMap or Secret mount provides it. */
export function mountedFile(pod: PlannedPod, path: string): string | undefined {
  for (const m of pod.mounts) {
    if (m.source.kind !== "configMap" && m.source.kind !== "secret") continue;
    if (m.subPath !== undefined) {
      if (m.mountPath === path) return m.source.files[m.subPath];
    } else if (path.startsWith(`${m.mountPath}/`)) {
      const key = path.slice(m.mountPath.length + 1);
      if (key in m.source.files) return m.source.files[key];
    }
  }
  return undefined;
}

/** The rendered server.properties a pod starts with (the start script picks `server-<ordinal>.properties`). */
export function serverProperties(pod: PlannedPod): string {
  return mountedFile(pod, `${PATHS.config}/${CONFIG_FILES.serverProperties(pod.ordinal)}`) ?? "";
}

/** `text` (a properties file) with `key=value`: the key's line replaced where it is set, appended otherwise. */
export function withProperty(text: string, key: string, value: string): string {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => l.startsWith(`${key}=`));
  if (at >= 0) lines[at] = `${key}=${value}`;
  else {
    const end = lines.length > 0 && lines[lines.length - 1] === "" ? lines.length - 1 : lines.length;
    lines.splice(end, 0, `${key}=${value}`);
  }
  return lines.join("\n");
}

/** `text` without the lines that set any of `keys`. */
export function withoutProperties(text: string, keys: readonly string[]): string {
  return text
    .split("\n")
    .filter((l) => !keys.some((k) => l.startsWith(`${k}=`)))
    .join("\n");
}

/**
 * Edits the server properties a pod starts with (the ConfigMap file its start script picks), for the lab's own
 * rewrites; returns the text before the edit, or undefined when the pod mounts no such file.
 */
export function editServerProperties(pod: PlannedPod, edit: (text: string) => string): string | undefined {
  const file = CONFIG_FILES.serverProperties(pod.ordinal);
  const mount = pod.mounts.find((m) => m.mountPath === PATHS.config && m.source.kind === "configMap" && file in m.source.files);
  if (!mount || mount.source.kind !== "configMap") return undefined;
  const before = mount.source.files[file];
  mount.source.files[file] = edit(before);
  return before;
}
