// Every version the stack pins, in one list with where it is set, when it was last checked and against what: the Kafka
// release, the Kubernetes minors, the Helm charts, the images and the downloaded agent. `npm run versions` prints it.
// The pins themselves stay beside the code that uses them; this module only gathers them, so nothing is said twice.
import { EKS_KUBERNETES_VERSIONS, GKE_KUBERNETES_VERSIONS, KubernetesVersionCatalog } from "./cloud/versions";
import { SUPPORTED_KAFKA_VERSIONS } from "./config/kafka-version";
import { CHARTS } from "./mesh/charts";
import { AGENT_FETCH_IMAGE, CHECKED_ON as OBSERVABILITY_CHECKED_ON, JMX_EXPORTER, KUBE_PROMETHEUS_STACK } from "./observability/versions";
import { KAFKA_IMAGE_REPOSITORY } from "./kafka/image";

export type PinKind = "kafka" | "kubernetes" | "chart" | "image" | "artifact";

export interface VersionPin {
  kind: PinKind;
  what: string;
  version: string;
  /** Day (ISO) the pin was last checked against its source; undefined where no date was recorded. */
  checkedOn?: string;
  source: string;
  /** The file that sets it. */
  where: string;
}

function kubernetesPins(cloud: string, catalog: KubernetesVersionCatalog): VersionPin[] {
  return catalog.versions.map((v) => ({
    kind: "kubernetes",
    what: `${cloud} Kubernetes${v.version === catalog.defaultVersion ? " (default)" : ""}`,
    version: `${v.version} (standard support until ${v.standardSupportEnds})`,
    checkedOn: catalog.asOf,
    source: catalog.source,
    where: "lib/cloud/versions.ts",
  }));
}

export function versionPins(): VersionPin[] {
  return [
    {
      kind: "kafka",
      what: "Apache Kafka (default; the Kafka lab's release)",
      version: `${SUPPORTED_KAFKA_VERSIONS.default} (accepted: ${SUPPORTED_KAFKA_VERSIONS.range})`,
      source: "the Kafka lab runs this release from Maven Central",
      where: "lib/config/kafka-version.ts",
    },
    ...kubernetesPins("eks", EKS_KUBERNETES_VERSIONS),
    ...kubernetesPins("gke", GKE_KUBERNETES_VERSIONS),
    ...Object.values(CHARTS).map((c): VersionPin => ({
      kind: "chart",
      what: `Helm chart ${c.chart}`,
      version: c.version,
      checkedOn: c.checkedOn,
      source: `${c.repo}: ${c.source}`,
      where: "lib/mesh/charts.ts",
    })),
    {
      kind: "chart",
      what: `Helm chart ${KUBE_PROMETHEUS_STACK.chart}`,
      version: KUBE_PROMETHEUS_STACK.version,
      checkedOn: OBSERVABILITY_CHECKED_ON,
      source: `${KUBE_PROMETHEUS_STACK.repo}: ${KUBE_PROMETHEUS_STACK.source}`,
      where: "lib/observability/versions.ts",
    },
    {
      kind: "image",
      what: `${KAFKA_IMAGE_REPOSITORY} (tag = kafka.version; images.kafka overrides)`,
      version: SUPPORTED_KAFKA_VERSIONS.default,
      source: "Docker Hub, the Apache Kafka project's official image",
      where: "lib/kafka/image.ts, lib/images.ts",
    },
    {
      kind: "image",
      what: "curlimages/curl (the metrics agent's download; images.curl overrides)",
      version: AGENT_FETCH_IMAGE.image.split(":")[1] ?? AGENT_FETCH_IMAGE.image,
      checkedOn: OBSERVABILITY_CHECKED_ON,
      source: AGENT_FETCH_IMAGE.source,
      where: "lib/observability/versions.ts",
    },
    {
      kind: "artifact",
      what: `JMX exporter java agent (${JMX_EXPORTER.jarName}, SHA-256 checked)`,
      version: JMX_EXPORTER.version,
      checkedOn: OBSERVABILITY_CHECKED_ON,
      source: JMX_EXPORTER.source,
      where: "lib/observability/versions.ts",
    },
  ];
}
