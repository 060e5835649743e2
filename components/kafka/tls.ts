// Kafka's own TLS between nodes (both mesh modes) and for clients in Submariner mode: one cluster CA and a certificate
// per broker and controller, named after its pod and valid for the node's cross-cluster name and its in-cluster names,
// with both server and client use (mutual TLS between nodes; the subject maps to the nodes' principal).
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { nodeCommonName } from "../../lib/kafka/checks";
import { nodeDnsNames } from "../../lib/kafka/cluster";
import { NODE_CERT_ORGANIZATION } from "../../lib/kafka/properties";
import { KafkaNode } from "../../lib/kafka/topology";
import type { Mesh } from "../../lib/types";

export interface KafkaTlsArgs {
  /** Every broker and controller; each gets a key and a certificate. Required. */
  nodes: readonly KafkaNode[];
  /** Decides the cross-cluster name in the certificates (lib/kafka/addresses nodeAddress). Required. */
  mesh: Mesh;
  /** Validity of node certificates in hours. Default 8760 (one year). */
  nodeValidityHours?: number;
  /** A node certificate this close to expiry is re-issued by the next `pulumi up` (its pods then roll). Default 720 (30 days). */
  earlyRenewalHours?: number;
  /** Validity of the CA in hours. Default 87600 (ten years): replacing the CA means re-issuing every node certificate at once. */
  caValidityHours?: number;
}

const KEY = { algorithm: "ECDSA", ecdsaCurve: "P256" } as const;

export class KafkaTls extends pulumi.ComponentResource {
  readonly caCertPem: pulumi.Output<string>;
  /** Per pod name: the node certificate (public). */
  readonly certPems: Record<string, pulumi.Output<string>>;
  /**
   * Per pod name: the PEM keystore Kafka reads with `ssl.keystore.type=PEM` (KIP-651): the private key in PKCS#8
   * (Kafka's PEM loader parses only PKCS#8; unencrypted, so `ssl.key.password` stays unset), then the certificate
   * chain, leaf first. Secret.
   */
  readonly keystores: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: KafkaTlsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:kafka:KafkaTls", name, {}, opts);
    const caKey = new tls.PrivateKey(`${name}-ca-key`, KEY, { parent: this });
    const ca = new tls.SelfSignedCert(
      `${name}-ca`,
      {
        privateKeyPem: caKey.privateKeyPem,
        subject: { commonName: "geo-kafka cluster CA", organization: "geo-kafka" },
        isCaCertificate: true,
        validityPeriodHours: args.caValidityHours ?? 87_600,
        allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
      },
      { parent: this },
    );
    this.caCertPem = ca.certPem;
    this.certPems = {};
    this.keystores = {};

    for (const node of args.nodes) {
      const key = new tls.PrivateKey(`${name}-${node.podName}-key`, KEY, { parent: this });
      const csr = new tls.CertRequest(
        `${name}-${node.podName}-csr`,
        {
          privateKeyPem: key.privateKeyPem,
          // The pod name: full names exceed RFC 5280's 64-character common name, and clients verify the SANs anyway.
          subject: { commonName: nodeCommonName(node), organization: NODE_CERT_ORGANIZATION },
          dnsNames: nodeDnsNames(args.mesh, node),
        },
        { parent: this },
      );
      const cert = new tls.LocallySignedCert(
        `${name}-${node.podName}-cert`,
        {
          certRequestPem: csr.certRequestPem,
          caPrivateKeyPem: caKey.privateKeyPem,
          caCertPem: ca.certPem,
          validityPeriodHours: args.nodeValidityHours ?? 8_760,
          earlyRenewalHours: args.earlyRenewalHours ?? 720,
          // ECDSA keys sign the handshake; nodes are servers to their peers and clients of them.
          allowedUses: ["digital_signature", "server_auth", "client_auth"],
        },
        { parent: this },
      );
      this.certPems[node.podName] = cert.certPem;
      this.keystores[node.podName] = pulumi.secret(
        pulumi.all([key.privateKeyPemPkcs8, cert.certPem, ca.certPem]).apply(([k, c, caPem]) => pemJoin(k, c, caPem)),
      );
    }
    this.registerOutputs({ caCertPem: this.caCertPem, certPems: this.certPems });
  }
}

/** Concatenates PEM blocks, each ending with exactly one newline. */
export function pemJoin(...blocks: string[]): string {
  return blocks.map((b) => `${b.trimEnd()}\n`).join("");
}
