// A minimal Kubernetes API client for the lab: discovery, server-side apply with strict field validation, delete,
// and the namespace finalization a controller-manager would do. Speaks HTTPS to the lab's own API servers only.
import * as https from "node:https";
import { KubeObject, groupOf, isBuiltInGroup } from "../../lib/k8s-lab/objects";

export interface Endpoint {
  url: string;
  token: string;
  caPem: string;
}

export interface Answer {
  status: number;
  body: string;
  warnings: string[];
}

/** The field manager Pulumi's Kubernetes provider applies with. */
export const FIELD_MANAGER = "pulumi-kubernetes";

export function request(ep: Endpoint, method: string, path: string, body?: string, contentType = "application/json"): Promise<Answer> {
  const url = new URL(path, ep.url);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca: ep.caPem,
        headers: {
          authorization: `Bearer ${ep.token}`,
          accept: "application/json",
          ...(body !== undefined ? { "content-type": contentType, "content-length": Buffer.byteLength(body) } : {}),
        },
        timeout: 60_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const w = res.headers.warning;
          const warnings = (Array.isArray(w) ? w : w ? [w] : []).map((x) => x.replace(/^299 - "?/, "").replace(/"$/, ""));
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), warnings });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export async function status(ep: Endpoint, path: string): Promise<number> {
  return (await request(ep, "GET", path)).status;
}

/** The server's own words from a Status body. */
export function messageOf(answer: Answer): string {
  try {
    const s = JSON.parse(answer.body) as { message?: string };
    return s.message ?? `HTTP ${answer.status}`;
  } catch {
    return `HTTP ${answer.status}: ${answer.body.slice(0, 300)}`;
  }
}

interface ResourceInfo {
  plural: string;
  namespaced: boolean;
}

/** Discovery of what a cluster serves, per group-version, re-read when a kind is not (yet) known. */
export class Discovery {
  private readonly byGroupVersion = new Map<string, Map<string, ResourceInfo>>();
  constructor(private readonly ep: Endpoint) {}

  private async load(apiVersion: string): Promise<Map<string, ResourceInfo>> {
    const path = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const answer = await request(this.ep, "GET", path);
    const kinds = new Map<string, ResourceInfo>();
    if (answer.status === 200) {
      const list = JSON.parse(answer.body) as { resources: Array<{ name: string; kind: string; namespaced: boolean }> };
      for (const r of list.resources) if (!r.name.includes("/")) kinds.set(r.kind, { plural: r.name, namespaced: r.namespaced });
    }
    this.byGroupVersion.set(apiVersion, kinds);
    return kinds;
  }

  /** The resource of a kind; a custom kind is waited for up to `waitSeconds` (a new CRD takes a moment to be served). */
  async resource(apiVersion: string, kind: string, waitSeconds = 0): Promise<ResourceInfo | undefined> {
    const deadline = Date.now() + waitSeconds * 1000;
    let kinds = this.byGroupVersion.get(apiVersion);
    for (;;) {
      const hit = kinds?.get(kind);
      if (hit) return hit;
      kinds = await this.load(apiVersion);
      if (kinds.get(kind) || Date.now() >= deadline) return kinds.get(kind);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export async function objectPath(d: Discovery, o: KubeObject, waitSeconds = 0): Promise<string | undefined> {
  const info = await d.resource(o.apiVersion, o.kind, waitSeconds);
  if (!info) return undefined;
  const base = o.apiVersion.includes("/") ? `/apis/${o.apiVersion}` : `/api/${o.apiVersion}`;
  const ns = info.namespaced ? `/namespaces/${o.metadata.namespace ?? "default"}` : "";
  return `${base}${ns}/${info.plural}/${o.metadata.name}`;
}

export interface ApplyOutcome {
  ok: boolean;
  message: string;
  warnings: string[];
  /** The server does not serve the kind at all (no CRD). */
  unknownKind?: boolean;
}

/**
 * Server-side apply as Pulumi's provider does it (its field manager, conflicts forced), with fieldValidation=Strict so
 * an unknown or duplicated field fails as `kubectl apply --validate=strict` would. `dryRun` asks without changing.
 */
export async function apply(
  ep: Endpoint,
  d: Discovery,
  o: KubeObject,
  options: { manager?: string; dryRun?: boolean; waitForKindSeconds?: number } = {},
): Promise<ApplyOutcome> {
  // A CRD applied a moment ago may not be in discovery yet; a kind nothing installs is not waited for long.
  const custom = !isBuiltInGroup(groupOf(o.apiVersion));
  const path = await objectPath(d, o, custom ? (options.waitForKindSeconds ?? 5) : 0);
  if (!path)
    return {
      ok: false,
      unknownKind: true,
      message: `the server does not serve ${o.apiVersion} ${o.kind} (no CRD installed for it)`,
      warnings: [],
    };
  const query = new URLSearchParams({ fieldManager: options.manager ?? FIELD_MANAGER, fieldValidation: "Strict", force: "true" });
  if (options.dryRun) query.set("dryRun", "All");
  const answer = await request(ep, "PATCH", `${path}?${query}`, JSON.stringify(o), "application/apply-patch+yaml");
  const ok = answer.status === 200 || answer.status === 201;
  return { ok, message: ok ? "" : messageOf(answer), warnings: answer.warnings };
}

/** Deletes an object (propagation as given); a missing object counts as deleted. */
export async function remove(
  ep: Endpoint,
  d: Discovery,
  o: KubeObject,
  propagation: "Orphan" | "Background" | "Foreground",
): Promise<ApplyOutcome> {
  const path = await objectPath(d, o);
  if (!path) return { ok: true, message: "", warnings: [] };
  const answer = await request(
    ep,
    "DELETE",
    path,
    JSON.stringify({ kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: propagation }),
  );
  const ok = answer.status === 200 || answer.status === 202 || answer.status === 404;
  if (ok && o.kind === "Namespace") await finalizeNamespace(ep, o.metadata.name ?? "");
  else if (ok && propagation !== "Background") await collectGarbage(ep, path);
  return { ok, message: ok ? "" : messageOf(answer), warnings: answer.warnings };
}

/**
 * The garbage collector's part of an Orphan or Foreground delete, done by the lab because no controller-manager runs:
 * the API server marks the object with the `orphan` or `foregroundDeletion` finalizer and the collector removes it once
 * the dependents are orphaned or gone. The lab's clusters run no pods, so there are no dependents to wait for.
 */
async function collectGarbage(ep: Endpoint, path: string): Promise<void> {
  const got = await request(ep, "GET", path);
  if (got.status !== 200) return;
  const o = JSON.parse(got.body) as KubeObject & { metadata: { finalizers?: string[] } };
  const left = (o.metadata.finalizers ?? []).filter((f) => f !== "orphan" && f !== "foregroundDeletion");
  if (left.length === (o.metadata.finalizers ?? []).length) return;
  await request(
    ep,
    "PATCH",
    path,
    JSON.stringify({ metadata: { finalizers: left.length > 0 ? left : null } }),
    "application/merge-patch+json",
  );
}

/**
 * What the namespace controller does once a namespace is deleted, done by the lab because no controller-manager runs:
 * the namespace's objects go, then its `kubernetes` finalizer, so it can be created again.
 */
async function finalizeNamespace(ep: Endpoint, name: string): Promise<void> {
  const got = await request(ep, "GET", `/api/v1/namespaces/${name}`);
  if (got.status !== 200) return;
  const ns = JSON.parse(got.body) as KubeObject & { spec?: { finalizers?: string[] } };
  ns.spec = { finalizers: [] };
  await request(ep, "PUT", `/api/v1/namespaces/${name}/finalize`, JSON.stringify(ns));
}

/** Waits until a CRD is Established (its kinds are served). */
export async function waitEstablished(ep: Endpoint, name: string, seconds = 30): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const got = await request(ep, "GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
    if (got.status === 200) {
      const crd = JSON.parse(got.body) as { status?: { conditions?: Array<{ type: string; status: string }> } };
      if (crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")) return true;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}
