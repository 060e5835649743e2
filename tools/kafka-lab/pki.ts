// Real keys and certificates for the lab, with exactly the subjects and SANs the plan's certificate requests carry
// (under mocks the plan's own keys and certificates are placeholders). OpenSSL issues them; a name OpenSSL refuses
// (a common name over 64 characters, say) fails here as it would in any X.509 implementation.
import * as fs from "node:fs";
import * as path from "node:path";
import { must, sh } from "./sys";

export interface CertRequestSpec {
  /** The plan resource's name, for messages. */
  resource: string;
  commonName: string;
  organization?: string;
  dnsNames: string[];
}

export interface IssuedCert {
  keyPkcs8Pem: string;
  certPem: string;
}

export interface LabCa {
  dir: string;
  caCertPem: string;
  caKeyPath: string;
  caCertPath: string;
}

export function createCa(dir: string, commonName: string): LabCa {
  fs.mkdirSync(dir, { recursive: true });
  const caKeyPath = path.join(dir, "ca.key");
  const caCertPath = path.join(dir, "ca.crt");
  must("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", caKeyPath]);
  must("openssl", [
    "req",
    "-x509",
    "-new",
    "-key",
    caKeyPath,
    "-subj",
    `/CN=${commonName}/O=geo-kafka`,
    "-days",
    "2",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
    "-out",
    caCertPath,
  ]);
  return { dir, caCertPem: fs.readFileSync(caCertPath, "utf8"), caKeyPath, caCertPath };
}

/** Issues one node certificate; throws with OpenSSL's own words when the request is not a valid X.509 subject. */
export function issue(ca: LabCa, spec: CertRequestSpec, name: string): IssuedCert {
  const key = path.join(ca.dir, `${name}.key`);
  const csr = path.join(ca.dir, `${name}.csr`);
  const crt = path.join(ca.dir, `${name}.crt`);
  const ext = path.join(ca.dir, `${name}.ext`);
  must("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key]);
  // O before CN, in the order Go's crypto/x509 (the tls provider) writes a subject, so that Java reads the same
  // RFC 2253 name (`CN=...,O=...`) the principal mapping rule expects.
  const subject = `${spec.organization ? `/O=${spec.organization}` : ""}/CN=${spec.commonName}`;
  const req = sh("openssl", ["req", "-new", "-key", key, "-subj", subject, "-out", csr]);
  if (!req.ok)
    throw new Error(`${spec.resource}: OpenSSL refuses the subject ${subject}: ${req.stderr.trim().split("\n").slice(0, 3).join(" ")}`);
  fs.writeFileSync(
    ext,
    [
      "basicConstraints=CA:FALSE",
      "keyUsage=critical,digitalSignature",
      "extendedKeyUsage=serverAuth,clientAuth",
      `subjectAltName=${spec.dnsNames.map((n) => `DNS:${n}`).join(",")}`,
      "",
    ].join("\n"),
  );
  must("openssl", [
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    ca.caCertPath,
    "-CAkey",
    ca.caKeyPath,
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    ext,
    "-out",
    crt,
  ]);
  return { keyPkcs8Pem: fs.readFileSync(key, "utf8"), certPem: fs.readFileSync(crt, "utf8") };
}

/** The PEM keystore Kafka reads (ssl.keystore.type=PEM): PKCS#8 key, then the chain leaf first. */
export function keystorePem(cert: IssuedCert, caCertPem: string): string {
  return [cert.keyPkcs8Pem, cert.certPem, caCertPem].map((b) => `${b.trimEnd()}\n`).join("");
}
