// Kafka protocol metrics from the Istio sidecars of the brokers: an EnvoyFilter that puts Envoy's Kafka broker network
// filter in front of tcp_proxy on the broker ports, so every Kafka request and response is decoded and counted
// (per API key, with response-time histograms) without touching clients or brokers.
//
// The filter is an Envoy contrib extension: stock Istio proxy images do not contain it (Envoy compiles Kafka filters
// only into contrib builds, and Istio follows; istio/istio#49241). Enabling it therefore needs a proxy image built with
// it (`observability.envoyKafkaFilter.proxyImage`), set on broker pods with `sidecar.istio.io/proxyImage`; a stock
// sidecar rejects (NACKs) a listener update that names an unknown filter, so a new broker pod would never get a working
// inbound listener. Validation refuses the filter without a proxy image for that reason.

/** Envoy's filter name and config type (envoyproxy/envoy docs/root/configuration/listeners/network_filters/kafka_broker_filter.rst). */
export const KAFKA_BROKER_FILTER = "envoy.filters.network.kafka_broker";
export const KAFKA_BROKER_FILTER_TYPE = "type.googleapis.com/envoy.extensions.filters.network.kafka_broker.v3.KafkaBroker";
export const TCP_PROXY_FILTER = "envoy.filters.network.tcp_proxy";
/** Envoy roots the filter's statistics at `kafka.<stat_prefix>.`; Istio must be told to keep them. */
export const ENVOY_KAFKA_STATS_PREFIX = "kafka.";

export const ENVOY_FILTER_NAME = "kafka-broker-protocol-metrics";

export interface BrokerPort {
  /** Listener name, used as the stat prefix (`kafka.client.request.produce_request`, ...). */
  name: string;
  port: number;
}

/** networking.istio.io/v1alpha3 EnvoyFilter spec: one INSERT_BEFORE patch per broker port, inbound on broker pods only. */
export function kafkaBrokerEnvoyFilterSpec(args: { brokerPodLabels: Record<string, string>; ports: readonly BrokerPort[] }) {
  return {
    workloadSelector: { labels: { ...args.brokerPodLabels } },
    configPatches: args.ports.map((p) => ({
      applyTo: "NETWORK_FILTER",
      match: {
        // Inbound: after the sidecar has terminated mesh mTLS, so the filter reads Kafka's own (plaintext) protocol.
        context: "SIDECAR_INBOUND",
        listener: { portNumber: p.port, filterChain: { filter: { name: TCP_PROXY_FILTER } } },
      },
      patch: {
        operation: "INSERT_BEFORE",
        value: { name: KAFKA_BROKER_FILTER, typed_config: { "@type": KAFKA_BROKER_FILTER_TYPE, stat_prefix: p.name } },
      },
    })),
  };
}
