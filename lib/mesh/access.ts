// How one cluster's mesh components reach another cluster's Kubernetes API: the server address in the forms the tools
// want (cloud stacks hand over a bare GKE address or an EKS https URL), the credentials of a ServiceAccount token, and
// which clusters' mesh components dial which API servers (what each control plane's access rules must admit).
import type { Mesh } from "../types";

/** Position of the cluster hosting the Submariner broker; `createMesh` always puts it first. */
export const SUBMARINER_BROKER_INDEX = 0;

/**
 * Per cluster (by region index), the clusters whose mesh components dial its API server from outside it.
 * - Submariner: every member's Lighthouse agent syncs ServiceExports and EndpointSlices through the broker's API, the
 *   broker cluster's own agent included (it dials the endpoint it was given, not the in-cluster Service). Nothing
 *   dials a member's API. So the broker cluster lists every cluster, itself too, and the others list none.
 * - Istio multi-primary: each istiod watches every other cluster's API through its remote secrets, and its own
 *   cluster's in-cluster. So every cluster lists all the others.
 */
export function apiServerClients(mode: Mesh, clusterCount: number): number[][] {
  const all = Array.from({ length: clusterCount }, (_, i) => i);
  switch (mode) {
    case "submariner":
      return all.map((i) => (i === SUBMARINER_BROKER_INDEX ? all : []));
    case "istio":
      return all.map((i) => all.filter((j) => j !== i));
  }
}

/**
 * `host[:port]` of an API server endpoint given as `host`, `host:port` or `https://host[:port][/]`.
 * Throws on another scheme or a path: both would be silently wrong in Submariner's `https://` + server.
 */
export function apiServerHostPort(endpoint: string): string {
  const trimmed = endpoint.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed);
  if (scheme && scheme[1].toLowerCase() !== "https") {
    throw new Error(`API server endpoint "${endpoint}" must use https`);
  }
  const rest = (scheme ? trimmed.slice(scheme[0].length) : trimmed).replace(/\/+$/, "");
  if (rest === "" || rest.includes("/") || /\s/.test(rest)) {
    throw new Error(`API server endpoint "${endpoint}" must be a host with an optional port, without a path`);
  }
  return rest;
}

/** `https://host[:port]`, the form a kubeconfig's `server` takes. */
export function apiServerUrl(endpoint: string): string {
  return `https://${apiServerHostPort(endpoint)}`;
}

/** Secret type whose `data` the token controller fills with `token`, `ca.crt` and `namespace`. */
export const SERVICE_ACCOUNT_TOKEN_TYPE = "kubernetes.io/service-account-token";
/** Annotation naming the ServiceAccount a token Secret belongs to. */
export const SERVICE_ACCOUNT_NAME_ANNOTATION = "kubernetes.io/service-account.name";

/** Token (decoded) and CA (base64 PEM, as stored) of a ServiceAccount token Secret's `data`. */
export function serviceAccountCredentials(data: Readonly<Record<string, string>> | undefined): { token: string; caBase64: string } {
  const token = data?.["token"];
  const ca = data?.["ca.crt"];
  if (!token || !ca) throw new Error("the ServiceAccount token Secret has no `token` or `ca.crt` yet");
  return { token: Buffer.from(token, "base64").toString("utf8"), caBase64: ca };
}
