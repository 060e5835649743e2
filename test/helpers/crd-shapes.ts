// Hand-written shape checks for the CRDs that no installed models package covers (@kubernetes-models/
// prometheus-operator and /gke are not installed): Prometheus Operator PodMonitor and PrometheusRule, GKE Managed
// Prometheus PodMonitoring, Rules and GlobalRules, and Submariner's ServiceDiscovery. Stricter than the OpenAPI models in one way: unknown keys are errors.
//
// Sources: prometheus-operator/prometheus-operator example/prometheus-operator-crd/monitoring.coreos.com_{podmonitors,
// prometheusrules}.yaml @6adcebc5 (2026-08-08, v0.93 line); GoogleCloudPlatform/prometheus-engine charts/operator/crds/
// monitoring.googleapis.com_{podmonitorings,rules,globalrules}.yaml @2ffde4ec (2026-07-02). Only the fields this
// project sets are described in depth; the other keys of each object are listed so that they are not flagged.

type Shape =
  | { type: "object"; required?: readonly string[]; properties?: Record<string, Shape>; otherKeys?: readonly string[]; values?: Shape }
  | { type: "array"; items: Shape }
  | { type: "string"; enum?: readonly string[]; pattern?: RegExp }
  | { type: "integer" }
  | { type: "boolean" }
  | { type: "any" };

const str: Shape = { type: "string" };
const any: Shape = { type: "any" };
const stringMap: Shape = { type: "object", values: str };
const DURATION = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const labelSelector: Shape = {
  type: "object",
  properties: {
    matchLabels: stringMap,
    matchExpressions: {
      type: "array",
      items: {
        type: "object",
        required: ["key", "operator"],
        properties: { key: str, operator: str, values: { type: "array", items: str } },
      },
    },
  },
};

const metadata = (namespaced: boolean): Shape => ({
  type: "object",
  required: namespaced ? ["name", "namespace"] : ["name"],
  properties: { name: str, namespace: str, labels: stringMap, annotations: stringMap },
});

const ruleGroups = (ruleKeys: readonly string[], groupKeys: readonly string[]): Shape => ({
  type: "array",
  items: {
    type: "object",
    required: ["name", "rules"],
    properties: {
      name: str,
      interval: { type: "string", pattern: DURATION },
      rules: {
        type: "array",
        items: {
          type: "object",
          required: ["expr"],
          properties: {
            alert: str,
            record: { type: "string", pattern: /^[a-zA-Z_:][a-zA-Z0-9_:]*$/ },
            expr: str,
            for: { type: "string", pattern: DURATION },
            labels: stringMap,
            annotations: stringMap,
          },
          otherKeys: ruleKeys,
        },
      },
    },
    otherKeys: groupKeys,
  },
});

const RELABEL_ACTIONS = [
  "replace",
  "keep",
  "drop",
  "hashmod",
  "labelmap",
  "labeldrop",
  "labelkeep",
  "lowercase",
  "uppercase",
  "keepequal",
  "dropequal",
];

const POD_MONITOR: Shape = {
  type: "object",
  required: ["apiVersion", "kind", "metadata", "spec"],
  properties: {
    apiVersion: { type: "string", enum: ["monitoring.coreos.com/v1"] },
    kind: { type: "string", enum: ["PodMonitor"] },
    metadata: metadata(true),
    spec: {
      type: "object",
      required: ["selector"],
      properties: {
        selector: labelSelector,
        namespaceSelector: { type: "object", properties: { any: { type: "boolean" }, matchNames: { type: "array", items: str } } },
        podTargetLabels: { type: "array", items: str },
        jobLabel: str,
        podMetricsEndpoints: {
          type: "array",
          items: {
            type: "object",
            properties: {
              port: str,
              portNumber: { type: "integer" },
              path: str,
              scheme: { type: "string", enum: ["http", "https", "HTTP", "HTTPS"] },
              interval: { type: "string", pattern: DURATION },
              scrapeTimeout: { type: "string", pattern: DURATION },
              relabelings: {
                type: "array",
                items: {
                  type: "object",
                  properties: {
                    action: { type: "string", enum: [...RELABEL_ACTIONS, ...RELABEL_ACTIONS.map((a) => a[0].toUpperCase() + a.slice(1))] },
                    sourceLabels: { type: "array", items: str },
                    targetLabel: str,
                    regex: str,
                    replacement: str,
                    separator: str,
                    modulus: { type: "integer" },
                  },
                },
              },
            },
            otherKeys: [
              "authorization",
              "basicAuth",
              "bearerTokenSecret",
              "enableHttp2",
              "filterRunning",
              "followRedirects",
              "honorLabels",
              "honorTimestamps",
              "metricRelabelings",
              "noProxy",
              "oauth2",
              "params",
              "proxyConnectHeader",
              "proxyFromEnvironment",
              "proxyUrl",
              "targetPort",
              "tlsConfig",
              "trackTimestampsStaleness",
            ],
          },
        },
      },
      otherKeys: [
        "attachMetadata",
        "bodySizeLimit",
        "convertClassicHistogramsToNHCB",
        "fallbackScrapeProtocol",
        "keepDroppedTargets",
        "labelLimit",
        "labelNameLengthLimit",
        "labelValueLengthLimit",
        "nativeHistogramBucketLimit",
        "nativeHistogramMinBucketFactor",
        "sampleLimit",
        "scrapeClass",
        "scrapeClassicHistograms",
        "scrapeNativeHistograms",
        "scrapeProtocols",
        "selectorMechanism",
        "targetLimit",
      ],
    },
  },
};

const PROMETHEUS_RULE: Shape = {
  type: "object",
  required: ["apiVersion", "kind", "metadata", "spec"],
  properties: {
    apiVersion: { type: "string", enum: ["monitoring.coreos.com/v1"] },
    kind: { type: "string", enum: ["PrometheusRule"] },
    metadata: metadata(true),
    spec: {
      type: "object",
      properties: { groups: ruleGroups(["keep_firing_for"], ["labels", "limit", "partial_response_strategy", "query_offset"]) },
    },
  },
};

const POD_MONITORING: Shape = {
  type: "object",
  required: ["apiVersion", "kind", "metadata", "spec"],
  properties: {
    apiVersion: { type: "string", enum: ["monitoring.googleapis.com/v1"] },
    kind: { type: "string", enum: ["PodMonitoring"] },
    metadata: metadata(true),
    spec: {
      type: "object",
      required: ["endpoints", "selector"],
      properties: {
        selector: labelSelector,
        endpoints: {
          type: "array",
          items: {
            type: "object",
            required: ["interval", "port"],
            properties: {
              port: any,
              path: str,
              interval: str,
              timeout: str,
              scheme: { type: "string", enum: ["http", "https"] },
            },
            otherKeys: ["authorization", "basicAuth", "metricRelabeling", "oauth2", "params", "proxyUrl", "tls"],
          },
        },
        targetLabels: {
          type: "object",
          properties: {
            fromPod: {
              type: "array",
              items: { type: "object", required: ["from"], properties: { from: str, to: { type: "string", pattern: LABEL_NAME } } },
            },
            metadata: {
              type: "array",
              items: { type: "string", enum: ["container", "node", "pod", "top_level_controller_name", "top_level_controller_type"] },
            },
          },
        },
      },
      otherKeys: ["filterRunning", "limits"],
    },
  },
};

const gmpRules = (kind: "Rules" | "GlobalRules"): Shape => ({
  type: "object",
  required: ["apiVersion", "kind", "metadata", "spec"],
  properties: {
    apiVersion: { type: "string", enum: ["monitoring.googleapis.com/v1"] },
    kind: { type: "string", enum: [kind] },
    // GlobalRules is cluster-scoped (CRD `scope: Cluster`).
    metadata: metadata(kind === "Rules"),
    spec: { type: "object", required: ["groups"], properties: { groups: ruleGroups([], []) } },
  },
});

/** Type token -> hand-written shape. */
/**
 * Submariner operator's ServiceDiscovery (submariner.io/v1alpha1), from its Go type: submariner-io/submariner-operator
 * api/v1alpha1/servicediscovery_types.go @393ed877 (2024-10-14). Fields without `omitempty` are required in the CRD.
 */
const SERVICE_DISCOVERY: Shape = {
  type: "object",
  required: ["apiVersion", "kind", "metadata", "spec"],
  properties: {
    apiVersion: { type: "string", enum: ["submariner.io/v1alpha1"] },
    kind: { type: "string", enum: ["ServiceDiscovery"] },
    metadata: metadata(true),
    spec: {
      type: "object",
      required: ["brokerK8sApiServer", "brokerK8sRemoteNamespace", "clusterID", "namespace", "debug"],
      properties: {
        brokerK8sApiServer: str,
        brokerK8sApiServerToken: str,
        brokerK8sCA: str,
        brokerK8sSecret: str,
        brokerK8sRemoteNamespace: str,
        clusterID: str,
        namespace: str,
        repository: str,
        version: str,
        clustersetIPCIDR: str,
        debug: { type: "boolean" },
        globalnetEnabled: { type: "boolean" },
        brokerK8sInsecure: { type: "boolean" },
        haltOnCertificateError: { type: "boolean" },
        clustersetIPEnabled: { type: "boolean" },
        coreDNSCustomConfig: { type: "object", properties: { configMapName: str, namespace: str } },
        customDomains: { type: "array", items: str },
        imageOverrides: stringMap,
        nodeSelector: stringMap,
        tolerations: { type: "array", items: any },
      },
    },
  },
};

export const HAND_CHECKED_SHAPES: Record<string, Shape> = {
  "kubernetes:submariner.io/v1alpha1:ServiceDiscovery": SERVICE_DISCOVERY,
  "kubernetes:monitoring.coreos.com/v1:PodMonitor": POD_MONITOR,
  "kubernetes:monitoring.coreos.com/v1:PrometheusRule": PROMETHEUS_RULE,
  "kubernetes:monitoring.googleapis.com/v1:PodMonitoring": POD_MONITORING,
  "kubernetes:monitoring.googleapis.com/v1:Rules": gmpRules("Rules"),
  "kubernetes:monitoring.googleapis.com/v1:GlobalRules": gmpRules("GlobalRules"),
};

function check(value: unknown, shape: Shape, path: string, errors: string[]): void {
  switch (shape.type) {
    case "any":
      return;
    case "string":
      if (typeof value !== "string") return void errors.push(`${path}: must be string`);
      if (shape.enum && !shape.enum.includes(value)) errors.push(`${path}: must be one of ${shape.enum.join(", ")}`);
      if (shape.pattern && !shape.pattern.test(value)) errors.push(`${path}: "${value}" does not match ${shape.pattern}`);
      return;
    case "integer":
      if (!Number.isInteger(value)) errors.push(`${path}: must be integer`);
      return;
    case "boolean":
      if (typeof value !== "boolean") errors.push(`${path}: must be boolean`);
      return;
    case "array":
      if (!Array.isArray(value)) return void errors.push(`${path}: must be array`);
      value.forEach((v, i) => check(v, shape.items, `${path}[${i}]`, errors));
      return;
    case "object": {
      if (value === null || typeof value !== "object" || Array.isArray(value)) return void errors.push(`${path}: must be object`);
      const obj = value as Record<string, unknown>;
      for (const key of shape.required ?? []) if (obj[key] === undefined) errors.push(`${path}: must have required property '${key}'`);
      for (const [key, v] of Object.entries(obj)) {
        const sub = shape.properties?.[key] ?? shape.values;
        if (sub) check(v, sub, `${path}.${key}`, errors);
        else if (!(shape.otherKeys ?? []).includes(key)) errors.push(`${path}: unknown property '${key}'`);
      }
      return;
    }
  }
}

/** Errors of one object against its hand-written shape; undefined when the type has none. */
export function handCheckedErrors(type: string, data: unknown): string[] | undefined {
  const shape = HAND_CHECKED_SHAPES[type];
  if (!shape) return undefined;
  const errors: string[] = [];
  check(data, shape, "", errors);
  return errors;
}
