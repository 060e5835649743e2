// Sourced disk, VM and network limits (GCP pd-ssd/N2/E2, AWS io1/EBS/EC2) that bound a broker's throughput, the
// published cost of encryption on the data path, and the proxy and fetch facts the replication ceilings rest on;
// see docs/capacity-sources.md.

export interface Sourced<T = number> {
  value: T;
  unit: string;
  source: string;
  asOf: string;
  note?: string;
}

/** Persistent-disk / EBS throughput model per disk type. */
export interface DiskThroughputModel {
  /** Write throughput per GiB of provisioned size, MiB/s per GiB (pd-ssd), if the type scales with size. */
  writeMiBpsPerGiB?: Sourced;
  /** Throughput per provisioned IOPS, KiB/s per IOPS (io1), if the type scales with IOPS. */
  throughputKiBpsPerIops?: Sourced;
  /** Per-volume maximum write throughput, MiB/s. */
  maxWriteMiBpsPerVolume: Sourced;
}

/** Per-VM limits that bound a broker. */
export interface VmLimits {
  /** Max persistent-disk / EBS write throughput of the VM, MiB/s (GCP: per machine type pd-ssd write limit; AWS: EBS-optimized bandwidth as MiB/s, baseline). */
  diskWriteMiBps: Sourced;
  /** Max egress to other regions from one VM, Gbit/s (GCP: documented inter-region egress cap if any; AWS: traffic leaving the region — documented as 50% of instance bandwidth for instances with 32+ vCPUs, else 5 Gbit/s; verify). */
  interRegionEgressGbps: Sourced;
}

// ---------------------------------------------------------------------------------------------------------
// Sources (read for this file; commits pinned where the source is a repository)
// ---------------------------------------------------------------------------------------------------------

/** Google's own gcpdiag transcribes the Compute Engine PD tables into JSON (added 2024-08-08, unchanged at HEAD 2026-08-07). */
const GCPDIAG =
  "https://github.com/GoogleCloudPlatform/gcpdiag/blob/9f84bc0ab7fdc376a57fc8d6082317d064bdf1ec/gcpdiag/runbook/gce/disk_performance_benchmark";
const GCP_PD_PERFORMANCE = "https://cloud.google.com/compute/docs/disks/performance";
const GCP_NETWORK_BANDWIDTH = "https://cloud.google.com/compute/docs/network-bandwidth";
/** Documented per-VM default egress caps, transcribed by Cyclenerd (files last changed 2023-05-08). */
const CYCLENERD_SERIES =
  "https://github.com/Cyclenerd/google-cloud-compute-machine-types/blob/ad0ef8d9674090912b775de43ad2f309d46a018b/instances/series";
/** Last version of the EC2 user guide published on GitHub (2023-05-11) before AWS deleted the sources. */
const AWSDOCS = "https://github.com/awsdocs/amazon-ec2-user-guide/blob/d289961421fa79447add68ca26e3ec5ae96fdf41/doc_source";
const AWS_NETWORK_BANDWIDTH = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-network-bandwidth.html";
/** Karpenter's copy of docs.aws.amazon.com/ec2/latest/instancetypes/gp.html (network + EBS specification tables). */
const KARPENTER_GP_HTML =
  "https://github.com/aws/karpenter-provider-aws/blob/bbdc07c7a245e038340f3084d14360cfc383c9e8/hack/code/bandwidth_gen/example/gp.html";
/** Karpenter's generated baseline network bandwidth per instance type, Mbit/s. */
const KARPENTER_BANDWIDTH =
  "https://github.com/aws/karpenter-provider-aws/blob/7f27b4e85d3157418ab84eb04a3c91da7cb8fbba/pkg/providers/instancetype/zz_generated.bandwidth.go";

const CHECKED = "2026-11-22";
const UNDATED = "date of check, source undated";

/** AWS's EBS tables give Mbit/s and "MB/s" = Mbit/s / 8 (decimal megabytes); convert to MiB/s, 2 decimals. */
function ebsMbpsToMiBps(mbps: number): number {
  return Math.round(((mbps * 1e6) / 8 / 2 ** 20) * 100) / 100;
}

// ---------------------------------------------------------------------------------------------------------
// Disk types
// ---------------------------------------------------------------------------------------------------------

export const DISK_THROUGHPUT: Record<"pd-ssd" | "io1", DiskThroughputModel> = {
  "pd-ssd": {
    writeMiBpsPerGiB: {
      value: 0.48,
      unit: "MiB/s per GiB",
      source: `${GCPDIAG}/limits_per_gb.json ("pd-ssd": "Throughput per GiB (MiBps)": 0.48); ${GCP_PD_PERFORMANCE} (zonal SSD PD, "Throughput per GiB (MiBps) 0.48", read via a mirror of the page)`,
      asOf: "2024-08-08",
      note:
        "Same figure for read and write. The same gcpdiag file also lists a pd-ssd baseline of 240 MiB/s per VM " +
        "(and 6,000 IOPS), which GCP adds to the per-GiB figure; a model that ignores it is conservative for small disks.",
    },
    maxWriteMiBpsPerVolume: {
      value: 1200,
      unit: "MiB/s",
      source: `${GCP_PD_PERFORMANCE} (zonal SSD PD, "Write throughput per instance (MiBps) 1,200"); ${GCPDIAG}/n-family.json (N2 pd-ssd, 16+ vCPUs: 1200)`,
      asOf: "2024-08-08",
      note:
        "GCP documents this limit per instance (all pd-ssd volumes of the VM together), not per volume; no separate " +
        "per-volume cap is documented. Reached only with 16+ vCPUs (N2); smaller VMs are capped lower, see VM_LIMITS.",
    },
  },
  io1: {
    throughputKiBpsPerIops: {
      value: 256,
      unit: "KiB/s per provisioned IOPS",
      source: `${AWSDOCS}/provisioned-iops.md (io1 performance)`,
      asOf: "2023-05-11",
      note:
        "Piecewise rule: up to 32,000 provisioned IOPS, io1 supports a max I/O size of 256 KiB and yields at most " +
        "500 MiB/s (reached at 2,000 IOPS); above 32,000 IOPS throughput grows at 16 KiB per provisioned IOPS up to " +
        "1,000 MiB/s at 64,000 IOPS (64,000 IOPS only on Nitro instances; all types in VM_LIMITS are Nitro). So " +
        "min(256 KiB x IOPS, 1,000 MiB/s) over-states volumes with 2,000-64,000 IOPS: cap at 500 MiB/s when IOPS <= 32,000. " +
        "Max IOPS:GiB ratio 50:1. The same text is in the current EBS user guide (read in a newer mirror, undated).",
    },
    maxWriteMiBpsPerVolume: {
      value: 1000,
      unit: "MiB/s",
      source: `${AWSDOCS}/provisioned-iops.md ("To achieve the maximum throughput of 1,000 MiB/s, a volume must be provisioned with 64,000 IOPS")`,
      asOf: "2023-05-11",
      note:
        "Needs 64,000 provisioned IOPS (so >= 1,280 GiB at 50:1) on a Nitro instance; 500 MiB/s is the ceiling at " +
        "<= 32,000 IOPS. The instance's EBS bandwidth (VM_LIMITS) binds well below this on every listed type.",
    },
  },
};

// ---------------------------------------------------------------------------------------------------------
// VMs
// ---------------------------------------------------------------------------------------------------------

const GCP_INTER_REGION_NOTE =
  "GCP documents no separate inter-region cap for VM-to-VM traffic inside one VPC: the network-bandwidth page says " +
  "egress routed within a VPC network is 'primarily defined by a per-instance maximum egress bandwidth based on the " +
  "sending instance's machine type and whether Tier_1 networking is enabled', so the value is the VM's documented " +
  "max egress (default networking). The 7 Gbit/s per-VM cap applies to destinations outside the VPC (external IPs); " +
  "not read on the page itself, seen in m-lab/k8s-support PR #734 and skyplane-project/skyplane issue #310. PD writes " +
  "share this egress: each written byte costs ~1.16 bytes of egress and PD writes get 60% of it under contention " +
  "(cloud.google.com/compute/docs/disks/optimizing-pd-performance). Partly unverified: the page's section on " +
  "destinations within a VPC (any per-flow or per-region-pair limits) could not be read in full.";

function gcpVm(machineType: string, vcpuBand: string, family: "n" | "e", diskMiBps: number, egressGbps: number): VmLimits {
  const series = machineType.split("-")[0];
  return {
    diskWriteMiBps: {
      value: diskMiBps,
      unit: "MiB/s",
      source: `${GCPDIAG}/${family}-family.json (${series.toUpperCase()} VMs, pd-ssd, "VM vCPU count" ${vcpuBand}, "Maximum write throughput (MiBps)")`,
      asOf: "2024-08-08",
      note:
        `Per-VM pd-ssd write limit for ${vcpuBand} vCPUs, all attached pd-ssd volumes together. gcpdiag transcribes ` +
        `the "performance by machine type and vCPU count" tables of ${GCP_PD_PERFORMANCE}; the live table itself ` +
        "was not read (only its mirror's summary rows), so this is verified against Google's transcription only.",
    },
    interRegionEgressGbps: {
      value: egressGbps,
      unit: "Gbit/s",
      source: `${GCP_NETWORK_BANDWIDTH}; per-type default max egress from ${CYCLENERD_SERIES}/${series}.sql`,
      asOf: "2023-05-08",
      note: GCP_INTER_REGION_NOTE,
    },
  };
}

const AWS_INTER_REGION_NOTE_BASE =
  "Fewer than 32 vCPUs, so aggregate traffic leaving the region is limited to 5 Gbit/s. The 2023-05-11 user guide " +
  "(awsdocs/amazon-ec2-user-guide ec2-instance-network-bandwidth.md) names 'other Regions, an internet gateway, Direct " +
  "Connect, or local gateways'; the current page (undated) words the 50%/5 Gbit/s rule for 'an internet gateway or a " +
  "local gateway' only and no longer names other Regions, while its example still describes traffic to another Region. " +
  "Kept at 5 Gbit/s (partly unverified: whether inter-Region VPC peering / TGW traffic is still capped).";

function awsVm(instanceType: string, ebsBaselineMbps: number, ebsNote: string, networkBaselineGbps: number): VmLimits {
  const generalPurpose = instanceType.startsWith("m");
  return {
    diskWriteMiBps: {
      value: ebsMbpsToMiBps(ebsBaselineMbps),
      unit: "MiB/s",
      source:
        `${AWSDOCS}/ebs-optimized.md (${instanceType})` +
        (generalPurpose ? `; ${KARPENTER_GP_HTML} (Amazon EBS specifications, baseline / maximum; copy of 2024-05-05)` : ""),
      asOf: "2023-05-11",
      note: `${ebsNote} Converted from AWS's Mbit/s: ${ebsBaselineMbps} Mbit/s = ${ebsBaselineMbps / 8} MB/s (decimal, 128 KiB I/O).`,
    },
    interRegionEgressGbps: {
      value: 5,
      unit: "Gbit/s",
      source: `${AWS_NETWORK_BANDWIDTH}; ${AWSDOCS}/ec2-instance-network-bandwidth.md`,
      asOf: "2023-05-11",
      note:
        `${AWS_INTER_REGION_NOTE_BASE} The instance's own baseline network bandwidth is ${networkBaselineGbps} Gbit/s ` +
        `(burstable higher with credits; ${KARPENTER_BANDWIDTH}, 2026-08-18)` +
        (networkBaselineGbps < 5 ? ", so sustained, the instance's own bandwidth binds before this cap." : ", equal to this cap."),
    },
  };
}

export const VM_LIMITS: Record<string, VmLimits> = {
  "n2-standard-4": gcpVm("n2-standard-4", "2-7", "n", 240, 10),
  "n2-standard-8": gcpVm("n2-standard-8", "8-15", "n", 800, 16),
  "n2-standard-16": gcpVm("n2-standard-16", "16-31", "n", 1200, 32),
  "e2-standard-4": gcpVm("e2-standard-4", "2-7", "e", 240, 8),
  "m5.xlarge": awsVm(
    "m5.xlarge",
    1150,
    "Baseline 1,150 Mbit/s (143.75 MB/s); burst to 4,750 Mbit/s for 30 min at least once every 24 h.",
    1.25,
  ),
  "m5.2xlarge": awsVm(
    "m5.2xlarge",
    2300,
    "Baseline 2,300 Mbit/s (287.5 MB/s); burst to 4,750 Mbit/s for 30 min at least once every 24 h.",
    2.5,
  ),
  "r5.2xlarge": awsVm(
    "r5.2xlarge",
    2300,
    "Baseline 2,300 Mbit/s (287.5 MB/s); burst to 4,750 Mbit/s for 30 min at least once every 24 h. R5 rows read in " +
      "the 2023 user guide only (Karpenter's copy covers general-purpose types).",
    2.5,
  ),
  "r5.4xlarge": awsVm(
    "r5.4xlarge",
    4750,
    "Not a burst type: 4,750 Mbit/s (593.75 MB/s) is both baseline and maximum. Read in the 2023 user guide only.",
    5,
  ),
  "m6i.2xlarge": awsVm(
    "m6i.2xlarge",
    2500,
    "Baseline 2,500 Mbit/s (312.5 MB/s); burst to 10,000 Mbit/s for 30 min at least once every 24 h.",
    3.125,
  ),
};

// ---------------------------------------------------------------------------------------------------------
// Per-flow caps
// ---------------------------------------------------------------------------------------------------------

/**
 * Per-flow cap of a single TCP flow between regions, Gbit/s.
 * gke is left out on purpose: GCP documents no per-flow limit for traffic routed within a VPC network (internal
 * IPs, any region); the only per-flow figure seen is for external-IP destinations and could not be verified.
 */
export const PER_FLOW_CAP_GBPS: { gke?: Sourced; eks: Sourced } = {
  eks: {
    value: 5,
    unit: "Gbit/s",
    source: `${AWS_NETWORK_BANDWIDTH}; ${AWSDOCS}/ec2-instance-network-bandwidth.md`,
    asOf: "2023-05-11",
    note:
      "Single-flow (5-tuple) bandwidth is limited to 5 Gbit/s when instances are not in the same cluster placement " +
      "group (up to 10 Gbit/s inside one; ENA Express up to 25 Gbit/s within an AZ). The 5 Gbit/s figure is the same in " +
      `the 2023 user guide and the current page (undated, checked ${CHECKED}). Across regions there is no placement group, so 5 applies.`,
  },
};

// ---------------------------------------------------------------------------------------------------------
// Published results useful to calibrate
// ---------------------------------------------------------------------------------------------------------

export const PUBLISHED_RESULTS: Sourced<string>[] = [
  {
    value:
      "Kroxylicious record encryption (AES-256-GCM) in a Kafka proxy: ~25% throughput reduction; a passthrough proxy: no measurable throughput impact, +0.17 ms avg publish latency",
    unit: "relative throughput",
    source:
      "https://github.com/kroxylicious/kroxylicious.github.io/pull/254 (post 'Does my proxy look big in this cluster?', 2026-05-28) and kroxylicious.github.io performance.markdown; both read through third-party mirrors of GitHub",
    asOf: "2026-05-28",
    note: "OpenMessaging Benchmark, 3-broker Strimzi, RF 3, 1 KiB records, 1 proxy pod at 1000m CPU. Application-level record encryption, not TLS.",
  },
  {
    value:
      "GCE VMs: egress to external (internet) IP addresses capped at 7 Gbit/s per VM; sending over private IPs between GCP VMs surpasses it",
    unit: "Gbit/s",
    source:
      "https://github.com/m-lab/k8s-support/pull/734 (cites cloud.google.com/compute/docs/network-bandwidth#vm-out-dest-e); https://github.com/skyplane-project/skyplane/issues/310",
    asOf: "2022-10-13",
    note: "Why cross-region brokers should talk over internal IPs (VPC / peering), not public endpoints. Documented figure quoted by third parties; the page section was not read directly.",
  },
  {
    value:
      "GCP Persistent Disk writes consume VM egress: ~1.16x bytes written (2.32x for regional PD); under contention 60% of max egress goes to PD writes, 40% to other traffic",
    unit: "egress multiplier",
    source:
      "https://cloud.google.com/compute/docs/disks/optimizing-pd-performance?hl=ja-JP (Japanese edition read; English .md.txt edition's outline matches)",
    asOf: CHECKED,
    note: `${UNDATED}. Documented rule, not a measurement: a broker's replication/consumer egress and its pd-ssd writes share one cap.`,
  },
  {
    value: "Service-mesh mTLS (Linkerd, sidecar): +33% latency for service-to-service calls; Istio and Cilium higher",
    unit: "relative latency",
    source:
      "https://deepness-lab.org/publications/performance-comparison-of-service-mesh-frameworks-the-mtls-test-case/ (Naor et al.; technical report arXiv:2411.02267)",
    asOf: "2024-11",
    note:
      "Latency, not throughput; only the summary was read (the Istio/Cilium figures were cut off). asOf is the month " +
      "of arXiv:2411.02267 v1 (from its id); the day is not known.",
  },
];

// ---------------------------------------------------------------------------------------------------------
// Encryption on the data path
// ---------------------------------------------------------------------------------------------------------

const BANZAI_KAFKA_ON_ISTIO =
  "https://banzaicloud.com/blog/kafka-on-istio-performance/ (same post: outshift.cisco.com/blog/kafka-on-istio-performance)";
const READ_2026_11_30 = "2026-11-30";

/** One row of the benchmark's single-cluster table: average disk I/O per broker, MB/s. */
function banzaiRow(cloud: string, setup: string, mbPerSecond: number): Sourced {
  return {
    value: mbPerSecond,
    unit: "MB/s per broker",
    source: `${BANZAI_KAFKA_ON_ISTIO}, "Single Cluster Results", ${cloud} column, row "${setup}" (read ${READ_2026_11_30})`,
    asOf: "2019-07-28",
    note:
      "Banzai Cloud, 'Running Apache Kafka over Istio - benchmark' (Balint Molnar), published 2019-07-28: 3 brokers, 3 " +
      "partitions, RF 3, producer acks=all; the figure is average disk I/O per broker. Machine types, JDK and Istio " +
      "version of the runs were not read; the ratio is carried over to this stack's machines unmeasured.",
  };
}

/** The platforms the benchmark ran on (a target's profile names the one whose figures apply to it, if any). */
export type BenchmarkedPlatform = "gke" | "eks";

/**
 * Banzai Cloud's Kafka-on-Istio benchmark per cloud. The ratios encrypted / plain are what the capacity model applies
 * to the per-broker ceilings: encryption is CPU work per byte on the broker (Kafka TLS) or its sidecar (mTLS).
 * GKE: 274/417 = 0.657 (Kafka TLS), 323/417 = 0.775 (Istio mTLS); EKS: 306/439 = 0.697, 340/439 = 0.774.
 */
export const KAFKA_ENCRYPTION_BENCHMARK: Record<BenchmarkedPlatform, { plain: Sourced; kafkaTls: Sourced; istioMtls: Sourced }> = {
  gke: {
    plain: banzaiRow("Google GKE", "Kafka", 417),
    kafkaTls: banzaiRow("Google GKE", "Kafka with SSL/TLS", 274),
    istioMtls: banzaiRow("Google GKE", "Kafka with Istio and mTLS", 323),
  },
  eks: {
    plain: banzaiRow("Amazon EKS", "Kafka", 439),
    kafkaTls: banzaiRow("Amazon EKS", "Kafka with SSL/TLS", 306),
    istioMtls: banzaiRow("Amazon EKS", "Kafka with Istio and mTLS", 340),
  },
};

// ---------------------------------------------------------------------------------------------------------
// The replication data path
// ---------------------------------------------------------------------------------------------------------

/**
 * Envoy's per-connection buffer limit (listener and cluster). Not a window: Envoy's flow control pauses reading from
 * the other side of a tcp_proxy while a connection's user-space write buffer is above it, so in-flight bytes on the WAN
 * are still the kernel socket's, autotuned up to tcp_rmem/tcp_wmem max. It binds only if the far side cannot drain
 * (here: Kafka on loopback, which drains at memory speed).
 */
export const ENVOY_PER_CONNECTION_BUFFER_LIMIT_BYTES: Sourced = {
  value: 1_048_576,
  unit: "bytes",
  source:
    "https://github.com/envoyproxy/envoy/blob/00e5a41ccc5f745ecdbd62ecfeb1dc4af00c322d/api/envoy/config/listener/v3/listener.proto " +
    "(per_connection_buffer_limit_bytes: 'Soft limit on size of the listener's new connection read and write buffers. If " +
    "unspecified, an implementation defined default is applied (1MiB).'); " +
    "https://github.com/envoyproxy/envoy/blob/v1.17.3/source/docs/flow_control.md ('TCP implementation details': a write " +
    "buffer above its high watermark makes Network::TcpProxy call readDisable(true) on the other connection; low watermark at half)",
  asOf: READ_2026_11_30,
  note:
    "Date of reading; the proto is undated. Whether Istio 1.30 sets a different value on sidecar listeners or clusters " +
    "was not confirmed in its source.",
};

/**
 * A follower's fetcher sends one fetch at a time on its connection (ReplicaFetcherThread -> RemoteLeaderEndPoint.fetch ->
 * BlockingSend.sendRequest), and a response holds at most replica.fetch.max.bytes per partition and
 * replica.fetch.response.max.bytes in all (each may be exceeded only by the first batch, to make progress).
 */
export const KAFKA_REPLICA_FETCH_SEMANTICS: Sourced<string> = {
  value:
    "replica.fetch.max.bytes: bytes to attempt to fetch per partition; replica.fetch.response.max.bytes: bytes expected " +
    "for the entire fetch response (default 10 MiB); one outstanding fetch per fetcher connection",
  unit: "semantics",
  source:
    "apache/kafka server/src/main/java/org/apache/kafka/server/config/ReplicationConfigs.java (REPLICA_FETCH_MAX_BYTES_DOC, " +
    "REPLICA_FETCH_RESPONSE_MAX_BYTES_DOC, REPLICA_FETCH_RESPONSE_MAX_BYTES_DEFAULT = 10 * 1024 * 1024); " +
    "core/src/main/scala/kafka/server/RemoteLeaderEndPoint.scala (fetch: blockingSender.sendRequest)",
  asOf: READ_2026_11_30,
  note: "Read in a trunk snapshot of apache/kafka, not pinned to the 4.1.2 tag; the same keys and defaults are in 4.1's broker docs.",
};

/**
 * Linux copies init_net's tcp_rmem/tcp_wmem into every new network namespace (tcp_sk_init), so a pod created after the
 * node's sysctls are set autotunes up to the node's maxima; with tcp_adv_win_scale = 1 half of the buffer is window.
 */
export const AUTOTUNED_WINDOW_SHARE: Sourced = {
  value: 0.5,
  unit: "window / tcp_rmem max",
  source:
    "torvalds/linux net/ipv4/tcp_ipv4.c (tcp_sk_init: memcpy of init_net.ipv4.sysctl_tcp_rmem/wmem into a new namespace); " +
    "Documentation/networking/ip-sysctl.rst (tcp_adv_win_scale, default 1: buffer / 2^1 is overhead)",
  asOf: READ_2026_11_30,
  note:
    "The same assumption the socket-buffer plan makes when it sets tcp_rmem max to twice rmem_max. Recent kernels (6.6 or " +
    "6.7 on; the version was not checked) measure the overhead per socket (scaling_ratio) instead; the share is then usually above half, so this is conservative. " +
    "ip-sysctl.rst was not re-read for this entry.",
};
