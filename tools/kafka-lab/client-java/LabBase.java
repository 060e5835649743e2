// What every command of the lab client shares: the process frame (the one JSON object on stdout, the time bound),
// argument parsing, the config file, admin and consumer helpers, the cluster view, and JSON output.

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

abstract class LabBase extends LabJson {

    // ------------------------------------------------------------------------------------------------ process frame

    /** The real stdout: only final JSON objects go there. System.out itself is pointed at stderr. */
    static PrintStream OUT;

    /**
     * One command's frame: its clock, hard bound, partial result, where its diagnostics go and how its one result is
     * delivered. A one-shot process has one frame; `serve` runs many commands at once in one JVM, a frame each. The
     * threads a command starts (Kafka's network threads, a ticker) inherit it, so their log lines land with it.
     */
    static final class Frame {
        final long id;
        final long startNanos = System.nanoTime();
        volatile long deadlineNanos = Long.MAX_VALUE;
        volatile double timeoutS;
        /** Partial result of a long-running command, emitted if the hard bound, a cancel or a signal ends it early. */
        volatile Supplier<Map<String, Object>> partialResult;
        /** True when the config names bootstrap.controllers: admin calls then go to the controllers. */
        volatile boolean viaControllers;
        /** Why the command was ended early by its caller, or null. */
        volatile String cancelled;
        volatile Thread thread;
        final AtomicBoolean emitted = new AtomicBoolean();
        /** Diagnostics and progress lines. */
        final PrintStream err;
        /** Delivers the result (called at most once). */
        final java.util.function.BiConsumer<Integer, Map<String, Object>> sink;

        Frame(long id, PrintStream err, java.util.function.BiConsumer<Integer, Map<String, Object>> sink) {
            this.id = id;
            this.err = err;
            this.sink = sink;
        }

        /** Delivers the result once; later calls (a watchdog racing the command) are ignored. */
        boolean emit(int code, Map<String, Object> result) {
            if (!emitted.compareAndSet(false, true)) return false;
            sink.accept(code, result);
            return true;
        }

        /** The partial result (if any) with an error. */
        Map<String, Object> partialWith(String error) {
            Map<String, Object> r = new LinkedHashMap<>();
            Supplier<Map<String, Object>> p = partialResult;
            if (p != null) {
                try {
                    r.putAll(p.get());
                } catch (Throwable ignored) {
                    // the error is what matters
                }
            }
            r.put("error", error);
            return r;
        }
    }

    static final InheritableThreadLocal<Frame> FRAME = new InheritableThreadLocal<>();

    static Frame frame() {
        Frame f = FRAME.get();
        if (f == null) throw new IllegalStateException("no command frame on thread " + Thread.currentThread().getName());
        return f;
    }

    /** The hard bound of the current command, System.nanoTime() based. */
    static long deadlineNanos() {
        return frame().deadlineNanos;
    }

    static void setPartialResult(Supplier<Map<String, Object>> p) {
        frame().partialResult = p;
    }

    static final String USAGE = String.join("\n",
        "usage: LabClient <command> --config FILE [--timeout-s S] [options]",
        "  cluster",
        "  quorum",
        "  wait-cluster --brokers N",
        "  create-topic --topic T [--partitions N] [--replication-factor R] [--assignment '1,2,3;2,3,1']",
        "               [--topic-config k=v,k=v] [--if-not-exists]",
        "  describe-topics --topics a,b,c",
        "  delete-topics --topics a,b,c",
        "  describe-cluster-configs [--broker ID]",
        "  wait-isr --topics a,b",
        "  produce --topic T --id ID --acked-file PATH [--duration-s S] [--rate MSGS_PER_S] [--size BYTES] [--drain-s S]",
        "  consume --topic T --group G [--duration-s S]",
        "  verify --topic T --acked-files f1,f2",
        "  follower-fetch --topic T --rack R [--partitions 0,1,2] [--duration-s S]",
        "  replication-rate --topic T --follower B [--duration-s S] [--size BYTES] [--batch-bytes BYTES] [--rate-bytes B_PER_S]",
        "  init-transactions --transactional-id ID");

    /** Options each command accepts besides --config and --timeout-s. */
    static final Map<String, Set<String>> OPTIONS = new LinkedHashMap<>();
    static final Set<String> FLAGS = Set.of("if-not-exists");

    static {
        OPTIONS.put("cluster", Set.of());
        OPTIONS.put("quorum", Set.of());
        OPTIONS.put("wait-cluster", Set.of("brokers"));
        OPTIONS.put("create-topic", Set.of("topic", "partitions", "replication-factor", "assignment", "topic-config",
            "if-not-exists"));
        OPTIONS.put("describe-topics", Set.of("topics"));
        OPTIONS.put("delete-topics", Set.of("topics"));
        OPTIONS.put("describe-cluster-configs", Set.of("broker"));
        OPTIONS.put("wait-isr", Set.of("topics"));
        OPTIONS.put("produce", Set.of("topic", "id", "duration-s", "rate", "size", "acked-file", "drain-s"));
        OPTIONS.put("consume", Set.of("topic", "group", "duration-s"));
        OPTIONS.put("verify", Set.of("topic", "acked-files"));
        OPTIONS.put("follower-fetch", Set.of("topic", "rack", "partitions", "duration-s"));
        OPTIONS.put("replication-rate", Set.of("topic", "follower", "duration-s", "size", "batch-bytes", "rate-bytes"));
        OPTIONS.put("init-transactions", Set.of("transactional-id"));
    }

    // ------------------------------------------------------------------------------------------------ arguments

    static final class UsageException extends RuntimeException {
        static final long serialVersionUID = 1L;

        UsageException(String m) {
            super(m);
        }
    }

    /** An expected failure: reported by its message alone, without a stack trace. */
    static final class Failure extends RuntimeException {
        static final long serialVersionUID = 1L;

        Failure(String m) {
            super(m);
        }
    }

    static final class Args {
        final Map<String, String> values = new HashMap<>();

        static Args parse(String cmd, String[] argv) {
            Set<String> allowed = new HashSet<>(OPTIONS.get(cmd));
            allowed.add("config");
            allowed.add("timeout-s");
            Args a = new Args();
            for (int i = 1; i < argv.length; i++) {
                String tok = argv[i];
                if (!tok.startsWith("--") || tok.length() == 2) throw new UsageException("unexpected argument: " + tok);
                String name = tok.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (!allowed.contains(name)) throw new UsageException("unknown option for " + cmd + ": --" + name);
                if (FLAGS.contains(name)) {
                    if (value != null) throw new UsageException("--" + name + " takes no value");
                    value = "true";
                } else if (value == null) {
                    if (i + 1 >= argv.length) throw new UsageException("--" + name + " needs a value");
                    value = argv[++i];
                }
                if (a.values.put(name, value) != null) throw new UsageException("--" + name + " given twice");
            }
            return a;
        }

        boolean has(String n) {
            return values.containsKey(n);
        }

        boolean flag(String n) {
            return values.containsKey(n);
        }

        String str(String n) {
            String v = values.get(n);
            if (v == null || v.isEmpty()) throw new UsageException("--" + n + " is required");
            return v;
        }

        double dbl(String n, double def) {
            String v = values.get(n);
            if (v == null) return def;
            try {
                double d = Double.parseDouble(v);
                if (Double.isNaN(d) || Double.isInfinite(d) || d < 0) throw new NumberFormatException();
                return d;
            } catch (NumberFormatException e) {
                throw new UsageException("--" + n + " must be a non-negative number, got " + v);
            }
        }

        int integer(String n, int def) {
            String v = values.get(n);
            if (v == null) return def;
            try {
                int x = Integer.parseInt(v.trim());
                if (x < 0) throw new NumberFormatException();
                return x;
            } catch (NumberFormatException e) {
                throw new UsageException("--" + n + " must be a non-negative integer, got " + v);
            }
        }

        int requiredInt(String n) {
            str(n);
            return integer(n, 0);
        }

        List<String> list(String n) {
            List<String> out = new ArrayList<>();
            for (String s : str(n).split(",")) {
                if (!s.trim().isEmpty()) out.add(s.trim());
            }
            if (out.isEmpty()) throw new UsageException("--" + n + " is empty");
            return out;
        }
    }

    static Properties loadConfig(Args a) throws IOException {
        Path p = Paths.get(a.str("config"));
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(p)) {
            props.load(in);
        }
        return props;
    }

    /** defaults, then the --config file, then what the command must set itself. */
    static Properties merge(Map<String, ?> defaults, Properties cfg, Map<String, String> forced) {
        Properties p = new Properties();
        p.putAll(defaults);
        for (String k : cfg.stringPropertyNames()) p.put(k, cfg.getProperty(k));
        p.putAll(forced);
        return p;
    }

    // ------------------------------------------------------------------------------------------------ time

    static long nowMs() {
        return (System.nanoTime() - frame().startNanos) / 1_000_000;
    }

    /** Milliseconds left before the hard bound. */
    static long remainingMs() {
        return (deadlineNanos() - System.nanoTime()) / 1_000_000;
    }

    /** A timeout for one call: at most cap, and leaving reserveMs before the hard bound (never below 1 ms). */
    static int callMs(long cap, long reserveMs) {
        return (int) Math.max(1, Math.min(cap, remainingMs() - reserveMs));
    }

    static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    static void sleepMs(long ms) {
        try {
            Thread.sleep(Math.max(0, ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void log(String msg) {
        frame().err.println("[labclient " + fmt(nowMs() / 1000.0) + "s] " + msg);
    }

    /** A JSON line on stderr, for a supervisor following a long command. */
    static void progress(Map<String, Object> line) {
        frame().err.println(json(line));
    }

    // ------------------------------------------------------------------------------------------------ admin helpers

    static Admin admin(Properties cfg, String cmd) {
        frame().viaControllers = cfg.getProperty("bootstrap.controllers") != null
            && cfg.getProperty("bootstrap.servers") == null;
        Map<String, String> d = new HashMap<>();
        d.put("client.id", "lab-" + cmd);
        d.put("request.timeout.ms", "15000");
        d.put("default.api.timeout.ms", "30000");
        return Admin.create(merge(d, cfg, Map.of()));
    }

    static void closeQuietly(Admin admin) {
        if (admin == null) return;
        try {
            admin.close(Duration.ofMillis(callMs(5000, 500)));
        } catch (Throwable t) {
            log("admin close: " + t);
        }
    }

    static <T> T get(KafkaFuture<T> f, long timeoutMs) throws Exception {
        try {
            return f.get(Math.max(1, timeoutMs), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof Exception) throw (Exception) c;
            throw e;
        } catch (java.util.concurrent.TimeoutException e) {
            throw new org.apache.kafka.common.errors.TimeoutException("no answer within " + timeoutMs + " ms");
        }
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException)
            && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static String describe(Throwable t) {
        t = unwrap(t);
        String m = t.getMessage();
        if (t instanceof Failure) return m;
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    static final class ClusterView {
        String clusterId;
        Integer controllerId;
        final List<Node> nodes = new ArrayList<>();

        Map<Integer, String> racks() {
            Map<Integer, String> m = new HashMap<>();
            for (Node n : nodes) m.put(n.id(), n.rack());
            return m;
        }

        int unfenced() {
            int c = 0;
            for (Node n : nodes) if (!n.isFenced()) c++;
            return c;
        }

        List<Object> brokersJson() {
            List<Object> out = new ArrayList<>();
            for (Node n : nodes) {
                out.add(obj("id", n.id(), "host", n.host(), "port", n.port(), "rack", n.rack(),
                    "fenced", n.isFenced()));
            }
            return out;
        }
    }

    static ClusterView describeCluster(Admin admin, int timeoutMs) throws Exception {
        ClusterView v = new ClusterView();
        // Controllers refuse includeFencedBrokers ("Cannot request fenced brokers from controller endpoint").
        DescribeClusterResult r = admin.describeCluster(
            new DescribeClusterOptions().includeFencedBrokers(!frame().viaControllers).timeoutMs(timeoutMs));
        v.nodes.addAll(get(r.nodes(), timeoutMs + 1000L));
        v.nodes.sort((x, y) -> Integer.compare(x.id(), y.id()));
        v.clusterId = get(r.clusterId(), timeoutMs + 1000L);
        Node c = get(r.controller(), timeoutMs + 1000L);
        v.controllerId = c == null || c.isEmpty() ? null : c.id();
        return v;
    }

    static Map<String, TopicDescription> describeTopics(Admin admin, Collection<String> topics, int timeoutMs)
        throws Exception {
        return get(admin.describeTopics(topics, new DescribeTopicsOptions().timeoutMs(timeoutMs)).allTopicNames(),
            timeoutMs + 1000L);
    }

    static List<Integer> ids(List<Node> nodes) {
        List<Integer> out = new ArrayList<>();
        if (nodes != null) for (Node n : nodes) out.add(n.id());
        return out;
    }

    static Integer leaderId(TopicPartitionInfo p) {
        Node l = p.leader();
        return l == null || l.isEmpty() || l.id() < 0 ? null : l.id();
    }

    // ------------------------------------------------------------------------------------------------ consume

    static Map<String, Object> consumerDefaults(String clientId) {
        Map<String, Object> d = new HashMap<>();
        d.put("client.id", clientId);
        d.put("request.timeout.ms", "15000");
        d.put("default.api.timeout.ms", "30000");
        d.put("auto.offset.reset", "earliest");
        return d;
    }

    static Properties consumerProps(Map<String, Object> defaults, Properties cfg, Map<String, String> forced) {
        Properties p = merge(defaults, cfg, forced);
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        return p;
    }

    static void closeQuietly(KafkaConsumer<?, ?> c) {
        if (c == null) return;
        try {
            c.close(CloseOptions.timeout(Duration.ofMillis(callMs(10000, 1500))));
        } catch (Throwable t) {
            log("consumer close: " + t);
        }
    }
}
