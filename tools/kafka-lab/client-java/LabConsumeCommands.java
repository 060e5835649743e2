// The lab client's consume and verify commands: read to the end, and check every acknowledged write is there.

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

final class LabConsumeCommands extends LabBase {

    static Map<String, Object> cmdConsume(Args a, Properties cfg) throws Exception {
        String topic = a.str("topic");
        String group = a.str("group");
        double durationS = a.dbl("duration-s", 30);
        Map<String, Object> d = consumerDefaults("lab-consume-" + group);
        d.put("enable.auto.commit", "true");
        Properties p = consumerProps(d, cfg, Map.of("group.id", group));
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
        try {
            AtomicLong assignments = new AtomicLong();
            Set<TopicPartition> assigned = new LinkedHashSet<>();
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    assigned.removeAll(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assignments.incrementAndGet();
                    assigned.addAll(partitions);
                    log("assigned " + partitions.size() + " partitions (now " + assigned.size() + ")");
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    assigned.removeAll(partitions);
                    log("lost " + partitions.size() + " partitions");
                }
            });
            long start = System.nanoTime();
            long end = Math.min(start + (long) (durationS * 1e9), deadlineNanos() - 12_000_000_000L);
            long[] perSecond = new long[(int) Math.ceil(durationS) + 2];
            long records = 0;
            long bytes = 0;
            long pollErrors = 0;
            Double firstRecordAt = null;
            long lastRecordNanos = start;
            double maxGapS = 0;
            int reported = 0;
            String lastPollError = null;
            long[] recordsRef = new long[1];
            setPartialResult(() -> obj("topic", topic, "group", group, "records", recordsRef[0]));
            while (true) {
                long now = System.nanoTime();
                // per-second lines for the seconds that have ended
                while (reported < perSecond.length && now - start >= (reported + 1) * 1_000_000_000L) {
                    progress(obj("t", reported, "records", perSecond[reported], "total", records));
                    reported++;
                }
                if (now >= end) break;
                ConsumerRecords<byte[], byte[]> recs;
                try {
                    recs = consumer.poll(Duration.ofMillis(Math.max(1, Math.min(500, (end - now) / 1_000_000))));
                } catch (KafkaException e) {
                    pollErrors++;
                    if (!describe(e).equals(lastPollError)) log("poll: " + describe(e));
                    lastPollError = describe(e);
                    sleepMs(500);
                    continue;
                }
                if (recs.isEmpty()) continue;
                long at = System.nanoTime();
                int s = (int) ((at - start) / 1_000_000_000L);
                if (s >= perSecond.length) perSecond = Arrays.copyOf(perSecond, s + 2);
                perSecond[s] += recs.count();
                records += recs.count();
                recordsRef[0] = records;
                for (ConsumerRecord<byte[], byte[]> r : recs) {
                    bytes += r.serializedValueSize() > 0 ? r.serializedValueSize() : 0;
                    bytes += r.serializedKeySize() > 0 ? r.serializedKeySize() : 0;
                }
                if (firstRecordAt == null) firstRecordAt = round3((at - start) / 1e9);
                else maxGapS = Math.max(maxGapS, (at - lastRecordNanos) / 1e9);
                lastRecordNanos = at;
            }
            double seconds = secondsSince(start);
            List<Long> ps = new ArrayList<>();
            int n = (int) Math.min(perSecond.length, Math.ceil(seconds));
            for (int i = 0; i < n; i++) ps.add(perSecond[i]);
            return obj("topic", topic, "group", group, "records", records, "bytes", bytes, "perSecond", ps,
                "seconds", round3(seconds), "firstRecordAt", firstRecordAt, "maxGapS", round3(maxGapS),
                "assignments", assignments.get(), "assignedAtEnd", assigned.size(), "pollErrors", pollErrors);
        } finally {
            closeQuietly(consumer);
        }
    }

    // ------------------------------------------------------------------------------------------------ verify

    /** Partitions of the topic, retried while the metadata is unavailable. */
    static List<TopicPartition> topicPartitions(KafkaConsumer<?, ?> consumer, String topic, long reserveMs) {
        String lastError = null;
        while (true) {
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofMillis(callMs(10000, reserveMs)));
                if (infos != null && !infos.isEmpty()) {
                    List<TopicPartition> tps = new ArrayList<>();
                    for (PartitionInfo pi : infos) tps.add(new TopicPartition(topic, pi.partition()));
                    tps.sort((x, y) -> Integer.compare(x.partition(), y.partition()));
                    return tps;
                }
                lastError = "topic has no partitions in the metadata";
            } catch (KafkaException e) {
                lastError = describe(e);
            }
            if (remainingMs() < reserveMs + 1000) throw new Failure("partitions of " + topic + ": "
                + lastError);
            log("partitions of " + topic + ": " + lastError + "; retrying");
            sleepMs(500);
        }
    }

    static Map<TopicPartition, Long> endOffsets(KafkaConsumer<?, ?> consumer, List<TopicPartition> tps,
        long reserveMs) {
        while (true) {
            try {
                return consumer.endOffsets(tps, Duration.ofMillis(callMs(15000, reserveMs)));
            } catch (KafkaException e) {
                if (remainingMs() < reserveMs + 1000) throw e;
                log("end offsets: " + describe(e) + "; retrying");
                sleepMs(500);
            }
        }
    }

    /**
     * Reads the (already assigned) partitions from the beginning until every one has reached its end offset (or stopAt),
     * handing each record below the end offset to the sink. Returns the partitions not finished.
     */
    static Set<TopicPartition> readToEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end,
        long stopAtNanos, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        List<TopicPartition> tps = new ArrayList<>(end.keySet());
        consumer.seekToBeginning(tps);
        Set<TopicPartition> open = new LinkedHashSet<>(tps);
        long lastLog = System.nanoTime();
        String lastError = null;
        while (!open.isEmpty() && System.nanoTime() < stopAtNanos) {
            try {
                // partitions already at their end (empty ones included) are done
                for (TopicPartition tp : new ArrayList<>(open)) {
                    if (consumer.position(tp, Duration.ofMillis(callMs(5000, 3000))) >= end.get(tp)) open.remove(tp);
                }
                if (open.isEmpty()) break;
                long left = (stopAtNanos - System.nanoTime()) / 1_000_000;
                ConsumerRecords<byte[], byte[]> recs = consumer.poll(Duration.ofMillis(Math.max(1, Math.min(500, left))));
                for (ConsumerRecord<byte[], byte[]> r : recs) {
                    Long e = end.get(new TopicPartition(r.topic(), r.partition()));
                    if (e != null && r.offset() < e) sink.accept(r);
                }
            } catch (KafkaException e) {
                if (!describe(e).equals(lastError)) log("reading: " + describe(e) + "; retrying");
                lastError = describe(e);
                sleepMs(500);
            }
            if (System.nanoTime() - lastLog > 10_000_000_000L) {
                log(open.size() + " partitions not yet at their end offset");
                lastLog = System.nanoTime();
            }
        }
        return open;
    }

    static Map<String, Object> cmdVerify(Args a, Properties cfg) throws Exception {
        String topic = a.str("topic");
        List<String> files = a.list("acked-files");
        for (String f : files) {
            if (!Files.isRegularFile(Paths.get(f))) throw new Failure("no acked file " + f);
        }
        Map<String, Object> d = consumerDefaults("lab-verify");
        d.put("max.poll.records", "5000");
        Properties p = consumerProps(d, cfg, Map.of("enable.auto.commit", "false", "group.protocol", "classic"));
        p.remove("group.id");
        p.remove("group.instance.id");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
        Set<String> seen = new HashSet<>();
        long[] counts = new long[3]; // records, duplicates, null keys
        Set<TopicPartition> unfinished;
        Map<TopicPartition, Long> end;
        long t0 = System.nanoTime();
        try {
            List<TopicPartition> tps = topicPartitions(consumer, topic, 20000);
            consumer.assign(tps);
            end = endOffsets(consumer, tps, 20000);
            long total = 0;
            for (long v : end.values()) total += v;
            log("reading " + tps.size() + " partitions of " + topic + " up to end offsets summing to " + total);
            unfinished = readToEnd(consumer, end, deadlineNanos() - 20_000_000_000L, r -> {
                counts[0]++;
                if (r.key() == null) {
                    counts[2]++;
                    return;
                }
                if (!seen.add(new String(r.key(), StandardCharsets.UTF_8))) counts[1]++;
            });
        } finally {
            closeQuietly(consumer);
        }
        double readSeconds = secondsSince(t0);

        long acked = 0;
        long found = 0;
        long lost = 0;
        List<String> lostSample = new ArrayList<>();
        Set<String> ackedSeen = new HashSet<>();
        List<Object> perFile = new ArrayList<>();
        for (String f : files) {
            long fAcked = 0;
            long fLost = 0;
            try (java.io.BufferedReader in = Files.newBufferedReader(Paths.get(f), StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    String key = line.trim();
                    if (key.isEmpty() || !ackedSeen.add(key)) continue;
                    fAcked++;
                    if (seen.contains(key)) {
                        found++;
                    } else {
                        fLost++;
                        if (lostSample.size() < 10) lostSample.add(key);
                    }
                }
            }
            acked += fAcked;
            lost += fLost;
            perFile.add(obj("file", f, "acked", fAcked, "lost", fLost));
        }
        Map<String, Object> endJson = new TreeMap<>();
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            endJson.put(String.valueOf(e.getKey().partition()), e.getValue());
        }
        Map<String, Object> r = obj("topic", topic, "acked", acked, "found", found, "lost", lost,
            "lostSample", lostSample, "duplicates", counts[1], "records", counts[0], "distinctKeys", seen.size(),
            "unackedFound", seen.size() - found, "nullKeys", counts[2], "complete", unfinished.isEmpty(),
            "readSeconds", round3(readSeconds), "endOffsets", endJson, "files", perFile);
        if (!unfinished.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (TopicPartition tp : unfinished) names.add(tp.toString());
            r.put("error", "did not reach the end offsets of " + names + " in time; lost count is not final");
        }
        return r;
    }
}
