// The lab client's produce and init-transactions commands: acknowledged writes recorded to a file, per-second timelines.

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

final class LabProduceCommands extends LabBase {

    // ------------------------------------------------------------------------------------------------ produce

    static final long DEFAULT_DELIVERY_TIMEOUT_MS = 180_000;

    static long deliveryTimeoutMs(Properties cfg) {
        String v = cfg.getProperty("delivery.timeout.ms");
        try {
            return v == null ? DEFAULT_DELIVERY_TIMEOUT_MS : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return DEFAULT_DELIVERY_TIMEOUT_MS;
        }
    }

    /** Counters of one producer run; callbacks (producer I/O thread, occasionally the sending thread) and the ticker. */
    static final class ProduceStats {
        final long startNanos;
        final BufferedWriter acked;
        long sent;
        long ackedCount;
        long failed;
        long[] perSecond = new long[64];
        int maxSecond = -1;
        Double firstErrorAt;
        String firstError;
        final Map<String, Long> errors = new TreeMap<>();
        boolean frozen;
        String fileError;

        ProduceStats(long startNanos, BufferedWriter acked) {
            this.startNanos = startNanos;
            this.acked = acked;
        }

        synchronized void sent() {
            sent++;
        }

        synchronized void ack(String key) {
            if (frozen) return; // after the final count: left out of "acked" and of the file, so never a false loss
            ackedCount++;
            int s = (int) ((System.nanoTime() - startNanos) / 1_000_000_000L);
            if (s >= perSecond.length) perSecond = Arrays.copyOf(perSecond, Math.max(s + 1, perSecond.length * 2));
            perSecond[s]++;
            if (s > maxSecond) maxSecond = s;
            if (fileError == null) {
                try {
                    acked.write(key);
                    acked.write('\n');
                } catch (IOException e) {
                    fileError = e.toString();
                }
            }
        }

        synchronized void fail(Throwable e) {
            if (frozen) return;
            failed++;
            String type = unwrap(e).getClass().getSimpleName();
            errors.merge(type, 1L, Long::sum);
            if (firstErrorAt == null) {
                firstErrorAt = round3((System.nanoTime() - startNanos) / 1e9);
                firstError = describe(e);
                log("first send error at " + fmt(firstErrorAt) + " s: " + firstError);
            }
        }

        synchronized long pending() {
            return sent - ackedCount - failed;
        }

        synchronized long perSecondAt(int s) {
            return s < perSecond.length ? perSecond[s] : 0;
        }

        synchronized void flush() {
            if (fileError != null) return;
            try {
                acked.flush();
            } catch (IOException e) {
                fileError = e.toString();
            }
        }

        /** Stops counting: whatever is still pending becomes "undelivered" (and failed). */
        synchronized long freeze() {
            if (frozen) return 0;
            long undelivered = Math.max(0, sent - ackedCount - failed);
            failed += undelivered;
            frozen = true;
            flush();
            return undelivered;
        }

        synchronized Map<String, Object> json(int seconds) {
            List<Long> ps = new ArrayList<>();
            int n = Math.max(seconds, maxSecond + 1);
            for (int i = 0; i < n; i++) ps.add(i < perSecond.length ? perSecond[i] : 0L);
            return obj("sent", sent, "acked", ackedCount, "failed", failed, "ackedPerSecond", ps,
                "firstErrorAt", firstErrorAt, "firstError", firstError, "errors", new TreeMap<>(errors));
        }
    }

    /**
     * Registers a transactional producer and commits an empty transaction: the first InitProducerId of the cluster is
     * what makes a broker create __transaction_state, whose placement the lab then checks.
     */
    static Map<String, Object> cmdInitTransactions(Args a, Properties cfg) throws Exception {
        String txId = a.str("transactional-id");
        Map<String, String> d = new HashMap<>();
        d.put("client.id", "lab-init-transactions");
        d.put("request.timeout.ms", "15000");
        d.put("max.block.ms", String.valueOf(Math.max(5000, remainingMs() - 5000)));
        Properties p = merge(d, cfg, Map.of(
            "transactional.id", txId,
            "enable.idempotence", "true",
            "acks", "all",
            "key.serializer", ByteArraySerializer.class.getName(),
            "value.serializer", ByteArraySerializer.class.getName()));
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.commitTransaction();
        }
        return obj("initialized", true, "transactionalId", txId, "seconds", secondsSince(start));
    }

    static Map<String, Object> cmdProduce(Args a, Properties cfg) throws Exception {
        String topic = a.str("topic");
        String id = a.str("id");
        double durationS = a.dbl("duration-s", 30);
        double rate = a.dbl("rate", 100);
        int size = a.integer("size", 1024);
        Path ackedPath = Paths.get(a.str("acked-file"));

        Map<String, String> d = new HashMap<>();
        d.put("client.id", "lab-produce-" + id);
        d.put("acks", "all");
        d.put("enable.idempotence", "true");
        d.put("max.in.flight.requests.per.connection", "5");
        d.put("retries", String.valueOf(Integer.MAX_VALUE));
        d.put("delivery.timeout.ms", String.valueOf(DEFAULT_DELIVERY_TIMEOUT_MS));
        d.put("request.timeout.ms", "15000");
        d.put("linger.ms", "5");
        d.put("buffer.memory", String.valueOf(64L << 20));
        // A full buffer (a long cut) makes send() wait this long before failing that record; keeps the pacing alive.
        d.put("max.block.ms", "10000");
        Properties p = merge(d, cfg, Map.of(
            "key.serializer", ByteArraySerializer.class.getName(),
            "value.serializer", ByteArraySerializer.class.getName()));
        double drainS = a.dbl("drain-s", deliveryTimeoutMs(cfg) / 1000.0 + 5);

        // Fresh random bytes per record: the same payload repeated would let the batch compressor (the plan's
        // producer snippet sets one) shrink the traffic far below what real records of this size put on the wire.
        SplittableRandom random = new SplittableRandom();

        Path parent = ackedPath.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        BufferedWriter writer = Files.newBufferedWriter(ackedPath, StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);

        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p);
        boolean closed = false;
        ProduceStats[] statsRef = new ProduceStats[1];
        AtomicBoolean tickerStop = new AtomicBoolean();
        Thread ticker = null;
        try {
            // The topic's metadata first, so a missing topic is one clear error rather than a blocked send per record.
            List<PartitionInfo> parts = null;
            Exception metaError = null;
            long metaStart = System.nanoTime();
            while (parts == null || parts.isEmpty()) {
                try {
                    parts = producer.partitionsFor(topic);
                } catch (Exception e) {
                    metaError = e;
                    log("waiting for metadata of " + topic + ": " + describe(e));
                }
                if ((parts == null || parts.isEmpty())
                    && (secondsSince(metaStart) > 30 || remainingMs() < durationS * 1000 + 15000)) {
                    throw new Failure("no metadata for topic " + topic
                        + (metaError == null ? "" : ": " + describe(metaError)));
                }
                if (parts == null || parts.isEmpty()) sleepMs(500);
            }
            log("producing to " + topic + " (" + parts.size() + " partitions) for " + fmt(durationS) + " s at "
                + (rate > 0 ? fmt(rate) + " msg/s" : "full speed") + ", " + size + " B values");

            long start = System.nanoTime();
            long startEpochMs = System.currentTimeMillis();
            ProduceStats stats = new ProduceStats(start, writer);
            statsRef[0] = stats;
            setPartialResult(() -> {
                stats.flush();
                Map<String, Object> r = obj("topic", topic, "id", id);
                r.putAll(stats.json((int) Math.ceil(secondsSince(start))));
                return r;
            });
            ticker = new Thread(() -> {
                int second = 0;
                while (!tickerStop.get()) {
                    long next = start + (second + 1) * 1_000_000_000L;
                    long waitMs = (next - System.nanoTime()) / 1_000_000;
                    if (waitMs > 0) {
                        sleepMs(Math.min(waitMs, 200));
                        continue;
                    }
                    stats.flush();
                    long sent;
                    long acked;
                    long failed;
                    synchronized (stats) {
                        sent = stats.sent;
                        acked = stats.ackedCount;
                        failed = stats.failed;
                    }
                    progress(obj("t", second, "acked", stats.perSecondAt(second), "sent", sent, "ackedTotal", acked,
                        "failed", failed, "pending", sent - acked - failed));
                    second++;
                }
            }, "labclient-ticker");
            ticker.setDaemon(true);
            ticker.start();

            // Sending: record i is due at start + i/rate; after a stall of more than a second (a blocked send()),
            // the schedule restarts from now instead of bursting the backlog.
            long sendEnd = Math.min(start + (long) (durationS * 1e9), deadlineNanos() - 10_000_000_000L);
            double intervalNs = rate > 0 ? 1e9 / rate : 0;
            long base = start;
            long baseSeq = 0;
            long seq = 0;
            long scheduleResets = 0;
            while (true) {
                long now = System.nanoTime();
                if (now >= sendEnd) break;
                if (rate > 0) {
                    long due = baseSeq + (long) ((now - base) / intervalNs) + 1;
                    if (seq >= due) {
                        long nextAt = base + (long) ((seq - baseSeq) * intervalNs);
                        LockSupport.parkNanos(Math.max(10_000, Math.min(nextAt - now, 5_000_000)));
                        continue;
                    }
                    if (due - seq > Math.max(1, rate)) {
                        base = now;
                        baseSeq = seq;
                        scheduleResets++;
                    }
                }
                String key = id + "-" + seq;
                seq++;
                stats.sent();
                byte[] value = new byte[size];
                random.nextBytes(value);
                try {
                    producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value),
                        (md, ex) -> {
                            if (ex == null) stats.ack(key);
                            else stats.fail(ex);
                        });
                } catch (KafkaException | IllegalStateException e) {
                    stats.fail(e);
                }
            }
            double sendSeconds = secondsSince(start);
            log("sending stopped after " + fmt(sendSeconds) + " s; waiting for " + stats.pending() + " outstanding");

            // Outstanding sends: every one completes within delivery.timeout.ms; wait up to --drain-s for them.
            long drainEnd = Math.min(System.nanoTime() + (long) (drainS * 1e9), deadlineNanos() - 8_000_000_000L);
            long lastLog = System.nanoTime();
            while (stats.pending() > 0 && System.nanoTime() < drainEnd) {
                sleepMs(100);
                if (System.nanoTime() - lastLog > 10_000_000_000L) {
                    log(stats.pending() + " sends still outstanding");
                    lastLog = System.nanoTime();
                }
            }
            producer.close(Duration.ofMillis(callMs(5000, 3000)));
            closed = true;
            long undelivered = stats.freeze();
            tickerStop.set(true);
            double seconds = secondsSince(start);

            Map<String, Object> r = obj("topic", topic, "id", id);
            r.putAll(stats.json((int) Math.ceil(seconds)));
            r.put("undelivered", undelivered);
            r.put("seconds", round3(seconds));
            r.put("sendSeconds", round3(sendSeconds));
            r.put("startEpochMs", startEpochMs);
            r.put("rate", rate);
            r.put("size", size);
            r.put("scheduleResets", scheduleResets);
            r.put("ackedFile", ackedPath.toString());
            if (stats.fileError != null) r.put("error", "writing the acked file: " + stats.fileError);
            return r;
        } finally {
            tickerStop.set(true);
            if (!closed) {
                try {
                    producer.close(Duration.ofMillis(callMs(3000, 1000)));
                } catch (Throwable t) {
                    log("producer close: " + t);
                }
            }
            if (statsRef[0] != null) statsRef[0].freeze();
            try {
                writer.close();
            } catch (IOException e) {
                log("closing the acked file: " + e);
            }
        }
    }
}
