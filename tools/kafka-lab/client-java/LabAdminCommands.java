// The lab client's admin commands: cluster, quorum, wait-cluster, create-topic, describe-topics,
// describe-cluster-configs, wait-isr.

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeFeaturesOptions;
import org.apache.kafka.clients.admin.DescribeLogDirsOptions;
import org.apache.kafka.clients.admin.DescribeMetadataQuorumOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.RaftVoterEndpoint;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

final class LabAdminCommands extends LabBase {

    // ------------------------------------------------------------------------------------------------ cluster, quorum

    static Map<String, Object> cmdCluster(Args a, Properties cfg) throws Exception {
        Admin admin = admin(cfg, "cluster");
        try {
            ClusterView v = describeCluster(admin, callMs(30000, 2000));
            // Through bootstrap.controllers the nodes listed are the controllers, and fenced ones are left out.
            // Through brokers, KRaft reports a random live broker as "controllerId"; the active controller is the
            // metadata quorum's leader (quorumLeaderId, best effort).
            Map<String, Object> r = obj("clusterId", v.clusterId, "controllerId", v.controllerId,
                "brokers", v.brokersJson(), "unfenced", v.unfenced(), "via", frame().viaControllers ? "controllers" : "brokers");
            try {
                int t = callMs(5000, 1500);
                r.put("quorumLeaderId", get(admin.describeMetadataQuorum(new DescribeMetadataQuorumOptions()
                    .timeoutMs(t)).quorumInfo(), t + 500L).leaderId());
            } catch (Exception e) {
                r.put("quorumLeaderId", null);
            }
            return r;
        } finally {
            closeQuietly(admin);
        }
    }

    static Map<String, Object> cmdQuorum(Args a, Properties cfg) throws Exception {
        Admin admin = admin(cfg, "quorum");
        try {
            int t = callMs(30000, 2000);
            QuorumInfo q = get(admin.describeMetadataQuorum(new DescribeMetadataQuorumOptions().timeoutMs(t))
                .quorumInfo(), t + 1000L);
            List<Object> nodes = new ArrayList<>();
            for (QuorumInfo.Node n : new TreeMap<>(q.nodes()).values()) {
                List<Object> eps = new ArrayList<>();
                for (RaftVoterEndpoint e : n.endpoints()) {
                    eps.add(obj("listener", e.listener(), "host", e.host(), "port", e.port()));
                }
                nodes.add(obj("id", n.nodeId(), "endpoints", eps));
            }
            return obj("leaderId", q.leaderId(), "leaderEpoch", q.leaderEpoch(), "highWatermark", q.highWatermark(),
                "voters", replicaStates(q.voters()), "observers", replicaStates(q.observers()), "nodes", nodes);
        } finally {
            closeQuietly(admin);
        }
    }

    static List<Object> replicaStates(List<QuorumInfo.ReplicaState> states) {
        List<QuorumInfo.ReplicaState> sorted = new ArrayList<>(states);
        sorted.sort((x, y) -> Integer.compare(x.replicaId(), y.replicaId()));
        List<Object> out = new ArrayList<>();
        for (QuorumInfo.ReplicaState s : sorted) {
            out.add(obj("id", s.replicaId(),
                "directoryId", s.replicaDirectoryId() == null ? null : s.replicaDirectoryId().toString(),
                "logEndOffset", s.logEndOffset(),
                "lastFetchTimestamp", s.lastFetchTimestamp().isPresent() ? s.lastFetchTimestamp().getAsLong() : null,
                "lastCaughtUpTimestamp",
                s.lastCaughtUpTimestamp().isPresent() ? s.lastCaughtUpTimestamp().getAsLong() : null));
        }
        return out;
    }

    static Map<String, Object> cmdWaitCluster(Args a, Properties cfg) throws Exception {
        int want = a.requiredInt("brokers");
        Admin admin = admin(cfg, "wait-cluster");
        long t0 = System.nanoTime();
        ClusterView last = null;
        String lastError = null;
        String lastReport = null;
        try {
            while (true) {
                long round = System.nanoTime();
                try {
                    last = describeCluster(admin, callMs(5000, 1500));
                    lastError = null;
                    if (last.unfenced() >= want) {
                        return obj("ok", true, "seconds", round3(secondsSince(t0)), "brokers", last.brokersJson());
                    }
                } catch (Exception e) {
                    lastError = describe(e);
                }
                String report = lastError != null ? "describeCluster failed: " + lastError
                    : last.nodes.size() + " registered, " + last.unfenced() + " unfenced, want " + want;
                if (!report.equals(lastReport)) log(report);
                lastReport = report;
                long wait = 500 - (System.nanoTime() - round) / 1_000_000;
                if (remainingMs() - Math.max(0, wait) < 1000) break;
                sleepMs(wait);
            }
            Map<String, Object> r = obj("ok", false, "seconds", round3(secondsSince(t0)),
                "brokers", last == null ? List.of() : last.brokersJson());
            r.put("error", "fewer than " + want + " unfenced brokers before the time bound"
                + (lastError == null ? "" : " (last error: " + lastError + ")"));
            return r;
        } finally {
            closeQuietly(admin);
        }
    }

    // ------------------------------------------------------------------------------------------------ topics

    static Map<String, Object> cmdCreateTopic(Args a, Properties cfg) throws Exception {
        String topic = a.str("topic");
        NewTopic nt;
        if (a.has("assignment")) {
            if (a.has("partitions") || a.has("replication-factor")) {
                throw new UsageException("--assignment excludes --partitions and --replication-factor");
            }
            Map<Integer, List<Integer>> assignment = new LinkedHashMap<>();
            String[] parts = a.str("assignment").split(";");
            for (int p = 0; p < parts.length; p++) {
                List<Integer> replicas = new ArrayList<>();
                for (String s : parts[p].split(",")) {
                    try {
                        replicas.add(Integer.parseInt(s.trim()));
                    } catch (NumberFormatException e) {
                        throw new UsageException("bad --assignment entry '" + parts[p] + "'");
                    }
                }
                assignment.put(p, replicas);
            }
            nt = new NewTopic(topic, assignment);
        } else {
            Optional<Integer> partitions = a.has("partitions") ? Optional.of(a.integer("partitions", 1))
                : Optional.empty();
            Optional<Short> rf = Optional.empty();
            if (a.has("replication-factor")) {
                int r = a.integer("replication-factor", 1);
                if (r > Short.MAX_VALUE) throw new UsageException("--replication-factor too large");
                rf = Optional.of((short) r);
            }
            nt = new NewTopic(topic, partitions, rf);
        }
        if (a.has("topic-config")) nt.configs(parseKv(a.str("topic-config")));

        Admin admin = admin(cfg, "create-topic");
        boolean ambiguous = false; // an earlier attempt may have created it before failing
        try {
            while (true) {
                int t = callMs(30000, 2000);
                CreateTopicsResult res = admin.createTopics(List.of(nt), new CreateTopicsOptions().timeoutMs(t));
                try {
                    get(res.all(), t + 1000L);
                    Map<String, Object> r = obj("created", true, "topic", topic);
                    try {
                        r.put("topicId", String.valueOf(get(res.topicId(topic), 1000)));
                        r.put("partitions", get(res.numPartitions(topic), 1000));
                        r.put("replicationFactor", get(res.replicationFactor(topic), 1000));
                    } catch (Exception e) {
                        // details are optional
                    }
                    return r;
                } catch (TopicExistsException e) {
                    if (ambiguous) {
                        return obj("created", true, "topic", topic, "note",
                            "exists after a failed attempt; that attempt probably created it");
                    }
                    if (a.flag("if-not-exists")) return obj("created", false, "existed", true, "topic", topic);
                    throw e;
                } catch (RetriableException e) {
                    ambiguous = true;
                    if (remainingMs() < 3000) throw e;
                    log("create-topic: " + describe(e) + "; retrying");
                    sleepMs(500);
                }
            }
        } finally {
            closeQuietly(admin);
        }
    }

    /** k=v,k=v; a piece without '=' continues the previous value (cleanup.policy=compact,delete). */
    static Map<String, String> parseKv(String s) {
        Map<String, String> m = new LinkedHashMap<>();
        String lastKey = null;
        for (String piece : s.split(",")) {
            int eq = piece.indexOf('=');
            if (eq > 0) {
                lastKey = piece.substring(0, eq).trim();
                m.put(lastKey, piece.substring(eq + 1).trim());
            } else if (lastKey != null) {
                m.put(lastKey, m.get(lastKey) + "," + piece.trim());
            } else {
                throw new UsageException("bad k=v list: " + s);
            }
        }
        return m;
    }

    static final List<String> TOPIC_CONFIGS_OF_INTEREST = List.of("min.insync.replicas",
        "unclean.leader.election.enable");

    /** Deletes topics (a lab phase's scratch data); a topic that does not exist counts as deleted. */
    static Map<String, Object> cmdDeleteTopics(Args a, Properties cfg) throws Exception {
        List<String> topics = a.list("topics");
        Admin admin = admin(cfg, "delete-topics");
        try {
            Map<String, KafkaFuture<Void>> futures = admin.deleteTopics(topics,
                new org.apache.kafka.clients.admin.DeleteTopicsOptions().timeoutMs(callMs(30000, 2000))).topicNameValues();
            List<String> deleted = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            for (String topic : topics) {
                try {
                    get(futures.get(topic), callMs(30000, 1500));
                    deleted.add(topic);
                } catch (org.apache.kafka.common.errors.UnknownTopicOrPartitionException e) {
                    deleted.add(topic);
                } catch (Exception e) {
                    errors.add(topic + ": " + describe(e));
                }
            }
            Map<String, Object> r = obj("deleted", deleted);
            if (!errors.isEmpty()) r.put("error", String.join("; ", errors));
            return r;
        } finally {
            closeQuietly(admin);
        }
    }

    static Map<String, Object> cmdDescribeTopics(Args a, Properties cfg) throws Exception {
        List<String> topics = a.list("topics");
        Admin admin = admin(cfg, "describe-topics");
        try {
            int t = callMs(30000, 2000);
            ClusterView cluster = describeCluster(admin, t);
            Map<Integer, String> racks = cluster.racks();
            Map<String, KafkaFuture<TopicDescription>> descs = admin.describeTopics(topics,
                new DescribeTopicsOptions().timeoutMs(callMs(30000, 2000))).topicNameValues();
            List<ConfigResource> resources = new ArrayList<>();
            for (String topic : topics) resources.add(new ConfigResource(ConfigResource.Type.TOPIC, topic));
            Map<ConfigResource, KafkaFuture<Config>> configs = admin.describeConfigs(resources,
                new DescribeConfigsOptions().timeoutMs(callMs(30000, 2000))).values();

            List<Object> out = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            for (String topic : topics) {
                Map<String, Object> tj = obj("name", topic);
                try {
                    TopicDescription d = get(descs.get(topic), callMs(30000, 1500));
                    tj.put("topicId", String.valueOf(d.topicId()));
                    List<Object> parts = new ArrayList<>();
                    List<TopicPartitionInfo> infos = new ArrayList<>(d.partitions());
                    infos.sort((x, y) -> Integer.compare(x.partition(), y.partition()));
                    for (TopicPartitionInfo p : infos) {
                        List<Integer> replicas = ids(p.replicas());
                        List<Object> replicaRacks = new ArrayList<>();
                        for (Integer id : replicas) replicaRacks.add(racks.get(id));
                        parts.add(obj("partition", p.partition(), "leader", leaderId(p), "replicas", replicas,
                            "isr", ids(p.isr()), "replicaRacks", replicaRacks,
                            "elr", ids(p.elr()), "lastKnownElr", ids(p.lastKnownElr())));
                    }
                    tj.put("partitions", parts);
                } catch (Exception e) {
                    tj.put("error", describe(e));
                    errors.add(topic + ": " + describe(e));
                }
                try {
                    Config c = get(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic)),
                        callMs(30000, 1500));
                    Map<String, Object> cj = new LinkedHashMap<>();
                    for (String name : TOPIC_CONFIGS_OF_INTEREST) {
                        ConfigEntry e = c.get(name);
                        cj.put(name, e == null ? null : configEntryJson(e));
                    }
                    tj.put("configs", cj);
                    Map<String, Object> overrides = new TreeMap<>();
                    for (ConfigEntry e : c.entries()) {
                        if (e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                            overrides.put(e.name(), e.isSensitive() ? null : e.value());
                        }
                    }
                    tj.put("topicOverrides", overrides);
                } catch (Exception e) {
                    if (!tj.containsKey("error")) {
                        tj.put("error", describe(e));
                        errors.add(topic + ": " + describe(e));
                    }
                }
                out.add(tj);
            }
            Map<String, Object> r = obj("topics", out);
            if (!errors.isEmpty()) r.put("error", String.join("; ", errors));
            return r;
        } finally {
            closeQuietly(admin);
        }
    }

    static Map<String, Object> configEntryJson(ConfigEntry e) {
        return obj("value", e.isSensitive() ? null : e.value(), "source", e.source() == null ? null : e.source().name());
    }

    static Map<String, Object> cmdDescribeClusterConfigs(Args a, Properties cfg) throws Exception {
        Admin admin = admin(cfg, "describe-cluster-configs");
        try {
            ConfigResource clusterDefault = new ConfigResource(ConfigResource.Type.BROKER, "");
            List<ConfigResource> resources = new ArrayList<>(List.of(clusterDefault));
            ConfigResource broker = null;
            if (a.has("broker")) {
                broker = new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(a.requiredInt("broker")));
                resources.add(broker);
            }
            int t = callMs(30000, 2000);
            Map<ConfigResource, Config> all = get(admin.describeConfigs(resources,
                new DescribeConfigsOptions().timeoutMs(t)).all(), t + 1000L);
            Map<String, Object> configs = new TreeMap<>();
            for (ConfigEntry e : all.get(clusterDefault).entries()) configs.put(e.name(), configEntryJson(e));
            Map<String, Object> r = obj("configs", configs);
            if (broker != null) {
                // Everything not at its built-in default on that broker, plus the two topic-level defaults of interest.
                Map<String, Object> bj = new TreeMap<>();
                for (ConfigEntry e : all.get(broker).entries()) {
                    boolean interesting = e.source() != ConfigEntry.ConfigSource.DEFAULT_CONFIG
                        || e.name().equals("min.insync.replicas") || e.name().equals("unclean.leader.election.enable");
                    if (interesting) bj.put(e.name(), configEntryJson(e));
                }
                r.put("broker", obj("id", a.requiredInt("broker"), "configs", bj));
            }
            // Finalized feature levels, e.g. eligible.leader.replicas.version (ELR) and metadata.version.
            try {
                int tf = callMs(15000, 1500);
                FeatureMetadata fm = get(admin.describeFeatures(new DescribeFeaturesOptions().timeoutMs(tf))
                    .featureMetadata(), tf + 1000L);
                Map<String, Object> features = new TreeMap<>();
                for (Map.Entry<String, FinalizedVersionRange> e : fm.finalizedFeatures().entrySet()) {
                    features.put(e.getKey(), (int) e.getValue().maxVersionLevel());
                }
                r.put("finalizedFeatures", features);
                r.put("finalizedFeaturesEpoch", fm.finalizedFeaturesEpoch().orElse(null));
            } catch (Exception e) {
                r.put("featuresError", describe(e));
            }
            return r;
        } finally {
            closeQuietly(admin);
        }
    }

    static Map<String, Object> cmdWaitIsr(Args a, Properties cfg) throws Exception {
        List<String> topics = a.list("topics");
        Admin admin = admin(cfg, "wait-isr");
        long t0 = System.nanoTime();
        String lastReport = null;
        long lastReportAt = 0;
        int lastUnder = -1;
        int lastTotal = 0;
        List<String> sample = new ArrayList<>();
        String lastError = null;
        try {
            while (true) {
                long round = System.nanoTime();
                try {
                    Map<String, TopicDescription> d = describeTopics(admin, topics, callMs(5000, 1500));
                    int under = 0;
                    int total = 0;
                    sample.clear();
                    for (String topic : topics) {
                        for (TopicPartitionInfo p : d.get(topic).partitions()) {
                            total++;
                            boolean full = leaderId(p) != null
                                && new HashSet<>(ids(p.isr())).equals(new HashSet<>(ids(p.replicas())));
                            if (!full) {
                                under++;
                                if (sample.size() < 10) {
                                    sample.add(topic + "-" + p.partition() + " isr=" + ids(p.isr()) + " replicas="
                                        + ids(p.replicas()));
                                }
                            }
                        }
                    }
                    lastError = null;
                    lastUnder = under;
                    lastTotal = total;
                    if (under == 0) {
                        return obj("ok", true, "seconds", round3(secondsSince(t0)), "partitions", total);
                    }
                    String report = "under=" + under;
                    if (!report.equals(lastReport) || nowMs() - lastReportAt >= 5000) {
                        progress(obj("t", round3(secondsSince(t0)), "underReplicated", under, "partitions", total));
                        lastReport = report;
                        lastReportAt = nowMs();
                    }
                } catch (Exception e) {
                    lastError = describe(e);
                    String report = "error=" + lastError;
                    if (!report.equals(lastReport) || nowMs() - lastReportAt >= 5000) {
                        progress(obj("t", round3(secondsSince(t0)), "error", lastError));
                        lastReport = report;
                        lastReportAt = nowMs();
                    }
                }
                long wait = 500 - (System.nanoTime() - round) / 1_000_000;
                if (remainingMs() - Math.max(0, wait) < 1000) break;
                sleepMs(wait);
            }
            Map<String, Object> r = obj("ok", false, "seconds", round3(secondsSince(t0)),
                "underReplicated", lastUnder < 0 ? null : lastUnder, "partitions", lastTotal,
                "sample", new ArrayList<>(sample));
            r.put("error", lastUnder < 0 ? "could not describe the topics: " + lastError
                : "ISR still short of the replica set at the time bound");
            return r;
        } finally {
            closeQuietly(admin);
        }
    }
}
