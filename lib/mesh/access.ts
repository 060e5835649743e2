// How one cluster's mesh components reach another cluster's Kubernetes API: the server address in the forms the tools
// want (cloud stacks hand over a bare GKE address or an EKS https URL) and the credentials of a ServiceAccount token.

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
