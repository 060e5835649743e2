// The hook the mesh layer uses on GKE to make `*.clusterset.local` resolve: kube-dns does not read Lighthouse's
// CoreDNS on its own, so its ConfigMap gets a stub domain pointing at Lighthouse's DNS Service.
//
// Only the `stubDomains` key of kube-system/kube-dns is written, with a server-side-apply patch: the ConfigMap itself,
// its labels and any other key (upstreamNameservers, ...) stay as GKE or an operator left them. GKE creates that
// ConfigMap with `addonmanager.kubernetes.io/mode: EnsureExists`, so it does not reconcile the key away.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export const CLUSTERSET_DOMAIN = "clusterset.local";
export const KUBE_DNS_CONFIGMAP = { namespace: "kube-system", name: "kube-dns" } as const;
/** Pulumi's annotation that lets a Patch take over fields another field manager owns. */
export const PATCH_FORCE_ANNOTATION = "pulumi.com/patchForce";

export interface KubeDnsStubDomainsArgs {
  /** Provider of the cluster whose kube-dns is patched. */
  provider: k8s.Provider;
  /** ClusterIP of Lighthouse's DNS Service (`submariner-lighthouse-coredns`) in the same cluster. */
  clusterSetDnsIp: pulumi.Input<string>;
  /**
   * Further stub domains to serve from the same key, domain to name server IPs. Default none. `stubDomains` is a single
   * JSON value, so every stub domain the cluster needs must be listed here.
   */
  extraStubDomains?: pulumi.Input<Record<string, string[]>>;
  /**
   * Take `stubDomains` over when another field manager (say, a `kubectl apply`) already owns it. Default false: the
   * update then fails with a conflict instead of silently replacing someone else's stub domains.
   */
  force?: boolean;
}

/** The `stubDomains` value: Lighthouse for clusterset.local, plus any extra domains. */
export function stubDomainsJson(clusterSetDnsIp: string, extra: Record<string, string[]> = {}): string {
  const domains: Record<string, string[]> = { ...extra, [CLUSTERSET_DOMAIN]: [clusterSetDnsIp] };
  const ordered = Object.fromEntries(
    Object.keys(domains)
      .sort()
      .map((d) => [d, domains[d]]),
  );
  return JSON.stringify(ordered);
}

export class KubeDnsStubDomains extends pulumi.ComponentResource {
  readonly patch: k8s.core.v1.ConfigMapPatch;

  constructor(name: string, args: KubeDnsStubDomainsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:gcp:KubeDnsStubDomains", name, {}, opts);
    const stubDomains = pulumi.all([args.clusterSetDnsIp, args.extraStubDomains ?? {}]).apply(([ip, extra]) => stubDomainsJson(ip, extra));
    this.patch = new k8s.core.v1.ConfigMapPatch(
      `${name}-kube-dns`,
      {
        metadata: {
          namespace: KUBE_DNS_CONFIGMAP.namespace,
          name: KUBE_DNS_CONFIGMAP.name,
          ...(args.force ? { annotations: { [PATCH_FORCE_ANNOTATION]: "true" } } : {}),
        },
        data: { stubDomains },
      },
      { parent: this, provider: args.provider },
    );
    this.registerOutputs({ stubDomains });
  }
}
