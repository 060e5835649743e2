// Mock computed outputs and invoke results for kubernetes resources.
// Also random and tls resources whose outputs the Kafka layer puts into Kubernetes objects (cluster id, SCRAM
// password and salt, CA and node certificates); they can move to tools/mocks/kafka.ts once tools/mock-values.ts merges it.
import { createHash } from "node:crypto";
import type { CallResults, ComputedOutputs } from "./index";

/** A PEM block whose body says it is a placeholder; real parsers reject it, which is the point. */
const pem = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;

/** A version-4-shaped UUID that is visibly not random: zeros, then 12 hex digits derived from the resource name. */
const mockUuid = (name: string) => `00000000-0000-4000-8000-${createHash("sha256").update(name).digest("hex").slice(0, 12)}`;

/** `length` bytes of SHA-256 in counter mode over a label: deterministic, and visibly not from a random source. */
function mockBytes(label: string, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; blocks.length * 32 < length; i++) blocks.push(createHash("sha256").update(`${label}:${i}`).digest());
  return Buffer.concat(blocks).subarray(0, length);
}

export const computed: ComputedOutputs = {
  "random:index/randomUuid:RandomUuid": (name) => ({ result: mockUuid(name) }),
  "random:index/randomPassword:RandomPassword": (name) => ({ result: `mock-password-${name}` }),
  // Bytes derived from the resource name (a SCRAM salt): stable from run to run, and no real salt.
  "random:index/randomBytes:RandomBytes": (name, inputs) => {
    const bytes = mockBytes(`mock-bytes:${name}`, Number(inputs.length ?? 32));
    return { base64: bytes.toString("base64"), hex: bytes.toString("hex") };
  },
  "tls:index/privateKey:PrivateKey": (name) => ({
    privateKeyPem: pem("EC PRIVATE KEY", `mock-private-key:${name}`),
    privateKeyPemPkcs8: pem("PRIVATE KEY", `mock-private-key-pkcs8:${name}`),
    publicKeyPem: pem("PUBLIC KEY", `mock-public-key:${name}`),
  }),
  "tls:index/selfSignedCert:SelfSignedCert": (name) => ({ certPem: pem("CERTIFICATE", `mock-certificate:${name}`) }),
  "tls:index/certRequest:CertRequest": (name) => ({ certRequestPem: pem("CERTIFICATE REQUEST", `mock-csr:${name}`) }),
  "tls:index/locallySignedCert:LocallySignedCert": (name) => ({ certPem: pem("CERTIFICATE", `mock-certificate:${name}`) }),
  // Mesh layer: a ServiceAccount token Secret gets what the token controller fills in (`token`, `ca.crt`, `namespace`,
  // base64 as stored); other Secrets keep their inputs.
  "kubernetes:core/v1:Secret": (name, inputs) => {
    if (inputs.type !== "kubernetes.io/service-account-token") return {};
    const namespace = (inputs.metadata as { namespace?: string } | undefined)?.namespace ?? "default";
    const base64 = (text: string) => Buffer.from(text).toString("base64");
    return { data: { token: base64(`mock-token:${name}`), "ca.crt": base64(`mock-ca-crt:${name}`), namespace: base64(namespace) } };
  },
  // Mesh layer: a Service gets a ClusterIP unless it set one (a headless Service keeps "None").
  "kubernetes:core/v1:Service": (name, inputs) => {
    const spec = (inputs.spec as Record<string, unknown> | undefined) ?? {};
    return { spec: { ...spec, clusterIP: spec.clusterIP ?? `mock-cluster-ip:${name}` } };
  },
};
export const calls: CallResults = {};
