// The lab client's follower-fetch and replication-rate commands: where consumers fetch from, and how fast a follower
// replicates over the longest link.

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

final class LabRateCommands extends LabBase {

    // ------------------------------------------------------------------------------------------------ follower fetch

    static Map<String, Object> cmdFollowerFetch(Args a, Properties cfg) throws Exception {
        String topic = a.str("topic");
        String rack = a.str("rack");
        double durationS = a.dbl("duration-s", 120);
        List<Integer> wanted = null;
        if (a.has("partitions")) {
            wanted = new ArrayList<>();
            for (String s : a.list("partitions")) {
                try {
                    wanted.add(Integer.parseInt(s));
                } catch (NumberFormatException e) {
                    throw new UsageException("bad partition number " + s);
                }
            }
        }

        Map<Integer, String> racks;
        Admin admin = admin(cfg, "follower-fetch");
        try {
            racks = describeCluster(admin, callMs(30000, 5000)).racks();
        } finally {
            closeQuietly(admin);
        }

        Map<String, Object> d = consumerDefaults("lab-follower-fetch-" + rack);
        d.put("max.poll.records", "5000");
        // client.rack is the point of the command; the classic consumer keeps the metric names below stable.
        Properties p = consumerProps(d, cfg, Map.of("client.rack", rack, "enable.auto.commit", "false",
            "group.protocol", "classic"));
        p.remove("group.id");
        p.remove("group.instance.id");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
        long[] counts = new long[2]; // records, value+key bytes
        Map<Integer, Long> bytesByNode = new TreeMap<>();
        Map<Integer, Long> requestsByNode = new TreeMap<>();
        long ignoredBytes = 0;
        Double fetchedBytes = null;
        Set<TopicPartition> unfinished;
        long start;
        double seconds;
        List<TopicPartition> tps;
        try {
            List<TopicPartition> all = LabConsumeCommands.topicPartitions(consumer, topic, 15000);
            if (wanted == null) {
                tps = all;
            } else {
                tps = new ArrayList<>();
                for (int w : wanted) {
                    TopicPartition tp = new TopicPartition(topic, w);
                    if (!all.contains(tp)) throw new UsageException("topic " + topic + " has no partition " + w);
                    tps.add(tp);
                }
            }
            consumer.assign(tps);
            Map<TopicPartition, Long> end = LabConsumeCommands.endOffsets(consumer, tps, 15000);
            start = System.nanoTime();
            long stopAt = Math.min(start + (long) (durationS * 1e9), deadlineNanos() - 15_000_000_000L);
            unfinished = LabConsumeCommands.readToEnd(consumer, end, stopAt, r -> {
                counts[0]++;
                counts[1] += Math.max(0, r.serializedValueSize()) + Math.max(0, r.serializedKeySize());
            });
            seconds = secondsSince(start);

            // Per-connection byte counters of the consumer's network client: group "consumer-node-metrics",
            // tag node-id "node-<id>". Bootstrap connections have negative ids, a group coordinator's connection
            // Integer.MAX_VALUE - id; neither is a broker id, so they are left out (reported as ignoredBytes).
            for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
                MetricName m = e.getKey();
                if (m.group().equals("consumer-fetch-manager-metrics") && m.name().equals("bytes-consumed-total")
                    && !m.tags().containsKey("topic")) {
                    fetchedBytes = toDouble(e.getValue().metricValue());
                }
                if (!m.group().equals("consumer-node-metrics")) continue;
                String node = m.tags().get("node-id");
                if (node == null || !node.startsWith("node-")) continue;
                int nodeId;
                try {
                    nodeId = Integer.parseInt(node.substring(5));
                } catch (NumberFormatException ex) {
                    continue;
                }
                Double v = toDouble(e.getValue().metricValue());
                if (v == null) continue;
                if (m.name().equals("incoming-byte-total")) {
                    if (racks.containsKey(nodeId)) bytesByNode.merge(nodeId, v.longValue(), Long::sum);
                    else ignoredBytes += v.longValue();
                } else if (m.name().equals("request-total") && racks.containsKey(nodeId)) {
                    requestsByNode.merge(nodeId, v.longValue(), Long::sum);
                }
            }
        } finally {
            closeQuietly(consumer);
        }

        Map<String, Object> byNode = new LinkedHashMap<>();
        Map<String, Long> byRack = new TreeMap<>();
        long total = 0;
        long local = 0;
        for (Map.Entry<Integer, Long> e : bytesByNode.entrySet()) {
            byNode.put(String.valueOf(e.getKey()), e.getValue());
            String r = racks.get(e.getKey());
            byRack.merge(String.valueOf(r), e.getValue(), Long::sum);
            total += e.getValue();
            if (rack.equals(r)) local += e.getValue();
        }
        Map<String, Object> reqs = new LinkedHashMap<>();
        for (Map.Entry<Integer, Long> e : requestsByNode.entrySet()) reqs.put(String.valueOf(e.getKey()), e.getValue());
        List<Integer> partNums = new ArrayList<>();
        for (TopicPartition tp : tps) partNums.add(tp.partition());
        return obj("topic", topic, "rack", rack, "partitions", partNums, "records", counts[0],
            "recordBytes", counts[1], "fetchedBytes", fetchedBytes == null ? null : fetchedBytes.longValue(),
            "bytesByNode", byNode, "bytesByRack", byRack, "localBytes", local, "totalBytes", total,
            "localShare", total == 0 ? null : round4((double) local / total), "requestsByNode", reqs,
            "ignoredBytes", ignoredBytes, "complete", unfinished.isEmpty(), "seconds", round3(seconds));
    }

    static Double toDouble(Object v) {
        if (v instanceof Number) {
            double d = ((Number) v).doubleValue();
            return Double.isNaN(d) || Double.isInfinite(d) ? null : d;
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------ replication rate

    static Map<String, Object> cmdReplicationRate(Args a, Properties cfg) throws Exception {
        String topic = a.str("topic");
        int follower = a.requiredInt("follower");
        double durationS = a.dbl("duration-s", 30);
        if (!(durationS > 0)) throw new UsageException("--duration-s must be > 0");
        int size = a.integer("size", 16384);
        if (size < 16) throw new UsageException("--size must be at least 16");
        int batchBytes = a.integer("batch-bytes", 1 << 20);
        if (batchBytes < 1024) throw new UsageException("--batch-bytes must be at least 1024");
        // 0: as fast as the producer can send; otherwise a steady rate, so that producing does not take the CPU the
        // replication being measured needs.
        double rateBytes = a.dbl("rate-bytes", 0);

        Admin admin = admin(cfg, "replication-rate");
        KafkaProducer<byte[], byte[]> producer = null;
        Thread sender = null;
        AtomicBoolean stop = new AtomicBoolean();
        try {
            TopicDescription desc = describeTopics(admin, List.of(topic), callMs(30000, 5000)).get(topic);
            Map<TopicPartition, Integer> leaderOf = new LinkedHashMap<>();
            List<TopicPartition> followed = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            for (TopicPartitionInfo pi : desc.partitions()) {
                TopicPartition tp = new TopicPartition(topic, pi.partition());
                Integer leader = leaderId(pi);
                if (leader == null) throw new Failure(tp + " has no leader");
                leaderOf.put(tp, leader);
                if (leader == follower) notes.add(tp + " is led by the follower " + follower);
                else if (ids(pi.replicas()).contains(follower)) followed.add(tp);
                else notes.add(tp + " has no replica on " + follower);
            }
            if (followed.isEmpty()) {
                throw new Failure("broker " + follower + " follows no partition of " + topic);
            }
            for (String n : notes) log("note: " + n);
            Set<Integer> brokers = new LinkedHashSet<>(leaderOf.values());
            brokers.add(follower);

            Map<String, String> d = new HashMap<>();
            d.put("client.id", "lab-replication-rate");
            d.put("batch.size", String.valueOf(batchBytes));
            d.put("linger.ms", "5");
            d.put("buffer.memory", String.valueOf(128L << 20));
            d.put("max.request.size", String.valueOf(4 << 20));
            d.put("request.timeout.ms", "15000");
            d.put("delivery.timeout.ms", "60000");
            d.put("max.block.ms", "10000");
            Map<String, String> forced = new HashMap<>();
            forced.put("acks", "1");
            forced.put("enable.idempotence", "false");
            forced.put("compression.type", "none");
            forced.put("key.serializer", ByteArraySerializer.class.getName());
            forced.put("value.serializer", ByteArraySerializer.class.getName());
            producer = new KafkaProducer<>(merge(d, cfg, forced));
            List<PartitionInfo> parts = producer.partitionsFor(topic);
            if (parts == null || parts.isEmpty()) throw new Failure("no metadata for " + topic);

            // Incompressible payload generated once; the first 8 bytes carry a counter so records differ.
            byte[] value = new byte[size];
            new Random().nextBytes(value);
            AtomicLong ackedBytes = new AtomicLong();
            AtomicLong ackedRecords = new AtomicLong();
            AtomicLong failedRecords = new AtomicLong();
            String[] firstError = new String[1];
            KafkaProducer<byte[], byte[]> prod = producer;
            long baseline = System.nanoTime();
            Map<String, Object> first = sampleSizes(admin, leaderOf, followed, follower, baseline);
            if (first == null) throw new Failure("describeLogDirs failed before producing");
            first.put("t", 0.0);

            long start = System.nanoTime();
            long produceEnd = Math.min(start + (long) (durationS * 1e9), deadlineNanos() - 15_000_000_000L);
            sender = new Thread(() -> {
                long n = 0;
                long paced = System.nanoTime();
                while (!stop.get()) {
                    n++;
                    if (rateBytes > 0) {
                        // Record n is due n * size / rate seconds after the start.
                        long due = paced + (long) (n * (double) size / rateBytes * 1e9);
                        long early = due - System.nanoTime();
                        if (early > 1_000_000) sleepMs(early / 1_000_000);
                    }
                    for (int i = 0; i < 8; i++) value[i] = (byte) (n >>> (8 * i));
                    try {
                        prod.send(new ProducerRecord<>(topic, null, value), (md, ex) -> {
                            if (ex == null) {
                                ackedRecords.incrementAndGet();
                                ackedBytes.addAndGet(size);
                            } else {
                                failedRecords.incrementAndGet();
                                synchronized (firstError) {
                                    if (firstError[0] == null) firstError[0] = describe(ex);
                                }
                            }
                        });
                    } catch (KafkaException | IllegalStateException e) {
                        failedRecords.incrementAndGet();
                        synchronized (firstError) {
                            if (firstError[0] == null) firstError[0] = describe(e);
                        }
                        if (stop.get()) break;
                        sleepMs(100);
                    }
                }
            }, "labclient-sender");
            sender.setDaemon(true);
            sender.start();

            List<Map<String, Object>> samples = new ArrayList<>();
            samples.add(first);
            long sampleErrors = 0;
            for (int k = 1; ; k++) {
                long next = start + k * 500_000_000L;
                if (next > produceEnd) break;
                long wait = (next - System.nanoTime()) / 1_000_000;
                if (wait > 0) sleepMs(wait);
                Map<String, Object> s = sampleSizes(admin, leaderOf, followed, follower, start);
                if (s == null) {
                    sampleErrors++;
                    continue;
                }
                samples.add(s);
                if (k % 10 == 0) {
                    progress(obj("t", s.get("t"), "leaderBytes", s.get("leaderBytes"), "followerBytes",
                        s.get("followerBytes"), "producedBytes", ackedBytes.get()));
                }
            }
            stop.set(true);
            double produceSeconds = secondsSince(start);
            long producedAtStop = ackedBytes.get();
            sender.join(Math.max(1, callMs(5000, 10000)));
            producer.close(Duration.ofMillis(callMs(5000, 5000)));
            producer = null;

            // Slope by least squares over the steady part: samples with t in [0.2 * window, window]; the first 20%
            // holds the producer's ramp-up and the follower's first fetches.
            double window = produceSeconds;
            List<double[]> follow = new ArrayList<>();
            List<double[]> lead = new ArrayList<>();
            for (Map<String, Object> s : samples) {
                double t = ((Number) s.get("t")).doubleValue();
                if (t < 0.2 * window || t > window) continue;
                follow.add(new double[] {t, ((Number) s.get("followerBytes")).doubleValue()});
                lead.add(new double[] {t, ((Number) s.get("leaderBytes")).doubleValue()});
            }
            Double followerRate = slope(follow);
            Double leaderRate = slope(lead);
            Map<String, Object> last = samples.get(samples.size() - 1);
            long lagEnd = ((Number) last.get("leaderBytes")).longValue() - ((Number) last.get("followerBytes")).longValue();
            Map<String, Object> r = obj("topic", topic, "follower", follower, "leaders", new ArrayList<>(
                new java.util.TreeSet<>(leaderOf.values())), "followedPartitions", followed.size(),
                "producedBytes", producedAtStop, "producedRecords", ackedRecords.get(),
                "failedRecords", failedRecords.get(), "firstError", firstError[0], "size", size, "batchBytes", batchBytes, "rateBytes", rateBytes,
                "seconds", round3(produceSeconds),
                "producerBytesPerSecond", round3(producedAtStop / produceSeconds),
                "leaderBytesPerSecond", leaderRate == null ? null : round3(leaderRate),
                "followerBytesPerSecond", followerRate == null ? null : round3(followerRate),
                "followerMbitPerSecond", followerRate == null ? null : round3(followerRate * 8 / 1e6),
                "steadySamples", follow.size(), "slopeMethod", "least squares over t in [0.2*seconds, seconds]",
                "lagBytesAtEnd", lagEnd, "sampleErrors", sampleErrors, "notes", notes, "samples", samples);
            if (followerRate == null) r.put("error", "too few samples in the steady part to fit a slope");
            return r;
        } finally {
            stop.set(true);
            if (producer != null) {
                try {
                    producer.close(Duration.ofMillis(callMs(3000, 1000)));
                } catch (Throwable t) {
                    log("producer close: " + t);
                }
            }
            closeQuietly(admin);
        }
    }

    /**
     * One describeLogDirs sample: leaderBytes sums each partition's size on its leader, followerBytes the followed
     * partitions' sizes on the follower; t is the middle of the call, seconds after start. null when it failed.
     */
    static Map<String, Object> sampleSizes(Admin admin, Map<TopicPartition, Integer> leaderOf,
        List<TopicPartition> followed, int follower, long start) {
        Set<Integer> brokers = new LinkedHashSet<>(leaderOf.values());
        brokers.add(follower);
        long before = System.nanoTime();
        try {
            int t = callMs(3000, 12000);
            Map<Integer, Map<String, LogDirDescription>> all = get(admin.describeLogDirs(brokers,
                new DescribeLogDirsOptions().timeoutMs(t)).allDescriptions(), t + 500L);
            long after = System.nanoTime();
            long leaderBytes = 0;
            long leaderFollowedBytes = 0;
            for (Map.Entry<TopicPartition, Integer> e : leaderOf.entrySet()) {
                long s = sizeOn(all.get(e.getValue()), e.getKey());
                leaderBytes += s;
                if (followed.contains(e.getKey())) leaderFollowedBytes += s;
            }
            long followerBytes = 0;
            for (TopicPartition tp : followed) followerBytes += sizeOn(all.get(follower), tp);
            return obj("t", round3(((before + after) / 2 - start) / 1e9), "leaderBytes", leaderFollowedBytes,
                "followerBytes", followerBytes, "allLeaderBytes", leaderBytes);
        } catch (Exception e) {
            log("describeLogDirs: " + describe(e));
            return null;
        }
    }

    static long sizeOn(Map<String, LogDirDescription> dirs, TopicPartition tp) {
        long s = 0;
        if (dirs == null) return 0;
        for (LogDirDescription d : dirs.values()) {
            ReplicaInfo ri = d.replicaInfos().get(tp);
            if (ri != null && !ri.isFuture()) s += ri.size();
        }
        return s;
    }

    /** Least-squares slope of y over t; null with fewer than two distinct times. */
    static Double slope(List<double[]> pts) {
        if (pts.size() < 2) return null;
        double mt = 0;
        double my = 0;
        for (double[] p : pts) {
            mt += p[0];
            my += p[1];
        }
        mt /= pts.size();
        my /= pts.size();
        double num = 0;
        double den = 0;
        for (double[] p : pts) {
            num += (p[0] - mt) * (p[1] - my);
            den += (p[0] - mt) * (p[0] - mt);
        }
        return den == 0 ? null : num / den;
    }
}
