// Command-line client that drives and measures the Kafka lab cluster (Kafka 4.1 client/admin API only).
//
//   java -cp 'DIR:<kafka libs>/*' LabClient <command> --config FILE [options]
//
// Contract: exactly one JSON object on stdout at the end; progress and diagnostics (including the per-second JSON
// timelines of produce/consume) on stderr; exit 0 on success, 1 on failure (stdout then has "error"), 2 on a usage
// error. Every command has a hard time bound (--timeout-s) enforced by a watchdog, so it never hangs.
// See tools/kafka-lab/README.md for the commands and their output.

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

public class LabClient {

    // ------------------------------------------------------------------------------------------------ process frame

    /** The real stdout: only the final JSON object goes there. System.out itself is pointed at stderr. */
    private static PrintStream OUT;
    private static final AtomicBoolean EMITTED = new AtomicBoolean();
    private static final long START_NANOS = System.nanoTime();
    private static volatile long deadlineNanos = Long.MAX_VALUE;
    private static volatile double timeoutS;
    /** Partial result of a long-running command, emitted if the hard bound or a signal ends it early. */
    private static volatile Supplier<Map<String, Object>> partialResult;

    private static final String USAGE = String.join("\n",
        "usage: LabClient <command> --config FILE [--timeout-s S] [options]",
        "  cluster",
        "  quorum",
        "  wait-cluster --brokers N",
        "  create-topic --topic T [--partitions N] [--replication-factor R] [--assignment '1,2,3;2,3,1']",
        "               [--topic-config k=v,k=v] [--if-not-exists]",
        "  describe-topics --topics a,b,c",
        "  describe-cluster-configs [--broker ID]",
        "  wait-isr --topics a,b",
        "  produce --topic T --id ID --acked-file PATH [--duration-s S] [--rate MSGS_PER_S] [--size BYTES] [--drain-s S]",
        "  consume --topic T --group G [--duration-s S]",
        "  verify --topic T --acked-files f1,f2",
        "  follower-fetch --topic T --rack R [--partitions 0,1,2] [--duration-s S]",
        "  replication-rate --topic T --follower B [--duration-s S] [--size BYTES]",
        "  init-transactions --transactional-id ID");

    /** Options each command accepts besides --config and --timeout-s. */
    private static final Map<String, Set<String>> OPTIONS = new LinkedHashMap<>();
    private static final Set<String> FLAGS = Set.of("if-not-exists");

    static {
        OPTIONS.put("cluster", Set.of());
        OPTIONS.put("quorum", Set.of());
        OPTIONS.put("wait-cluster", Set.of("brokers"));
        OPTIONS.put("create-topic", Set.of("topic", "partitions", "replication-factor", "assignment", "topic-config",
            "if-not-exists"));
        OPTIONS.put("describe-topics", Set.of("topics"));
        OPTIONS.put("describe-cluster-configs", Set.of("broker"));
        OPTIONS.put("wait-isr", Set.of("topics"));
        OPTIONS.put("produce", Set.of("topic", "id", "duration-s", "rate", "size", "acked-file", "drain-s"));
        OPTIONS.put("consume", Set.of("topic", "group", "duration-s"));
        OPTIONS.put("verify", Set.of("topic", "acked-files"));
        OPTIONS.put("follower-fetch", Set.of("topic", "rack", "partitions", "duration-s"));
        OPTIONS.put("replication-rate", Set.of("topic", "follower", "duration-s", "size"));
        OPTIONS.put("init-transactions", Set.of("transactional-id"));
    }

    public static void main(String[] argv) {
        OUT = System.out;
        System.setOut(System.err); // whatever prints to System.out (a logging default included) lands on stderr
        quietLogging();
        int code;
        Map<String, Object> result;
        try {
            if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h")) {
                throw new UsageException("no command given");
            }
            String cmd = argv[0];
            if (!OPTIONS.containsKey(cmd)) throw new UsageException("unknown command: " + cmd);
            Args a = Args.parse(cmd, argv);
            a.str("config");
            double requested = a.dbl("timeout-s", -1);
            if (requested == 0) throw new UsageException("--timeout-s must be > 0");
            Properties cfg = loadConfig(a);
            timeoutS = requested > 0 ? requested : defaultTimeoutS(cmd, a, cfg);
            deadlineNanos = START_NANOS + (long) (timeoutS * 1e9);
            startWatchdog();
            Runtime.getRuntime().addShutdownHook(new Thread(LabClient::onSignal, "labclient-shutdown"));
            result = run(cmd, a, cfg);
            code = result.containsKey("error") ? 1 : 0;
        } catch (UsageException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            result = obj("error", "usage: " + e.getMessage());
            code = 2;
        } catch (Throwable t) {
            Throwable c = unwrap(t);
            System.err.println("error: " + describe(c));
            if (!(c instanceof KafkaException || c instanceof Failure || c instanceof IOException)) {
                c.printStackTrace(System.err);
            }
            result = obj("error", describe(c));
            code = 1;
        }
        finish(code, result);
    }

    private static Map<String, Object> run(String cmd, Args a, Properties cfg) throws Exception {
        switch (cmd) {
            case "cluster": return cmdCluster(a, cfg);
            case "quorum": return cmdQuorum(a, cfg);
            case "wait-cluster": return cmdWaitCluster(a, cfg);
            case "create-topic": return cmdCreateTopic(a, cfg);
            case "describe-topics": return cmdDescribeTopics(a, cfg);
            case "describe-cluster-configs": return cmdDescribeClusterConfigs(a, cfg);
            case "wait-isr": return cmdWaitIsr(a, cfg);
            case "produce": return cmdProduce(a, cfg);
            case "consume": return cmdConsume(a, cfg);
            case "verify": return cmdVerify(a, cfg);
            case "follower-fetch": return cmdFollowerFetch(a, cfg);
            case "replication-rate": return cmdReplicationRate(a, cfg);
            case "init-transactions": return cmdInitTransactions(a, cfg);
            default: throw new UsageException("unknown command: " + cmd);
        }
    }

    private static double defaultTimeoutS(String cmd, Args a, Properties cfg) {
        switch (cmd) {
            case "wait-cluster":
            case "wait-isr":
                return 120;
            case "produce": {
                // Sending, then waiting for what is still outstanding (at most the delivery timeout), then closing.
                return a.dbl("duration-s", 30) + a.dbl("drain-s", deliveryTimeoutMs(cfg) / 1000.0 + 5) + 30;
            }
            case "consume":
            case "replication-rate":
                return a.dbl("duration-s", 30) + 30;
            case "follower-fetch":
                return a.dbl("duration-s", 120) + 30;
            case "verify":
                return 300;
            default:
                return 30;
        }
    }

    /** Writes the one stdout object (once), then exits; a stuck shutdown can't outlive a few seconds. */
    private static void finish(int code, Map<String, Object> result) {
        emit(result);
        System.err.flush();
        Thread halt = new Thread(() -> {
            sleepMs(5000);
            Runtime.getRuntime().halt(code);
        }, "labclient-halt");
        halt.setDaemon(true);
        halt.start();
        System.exit(code);
    }

    private static void emit(Map<String, Object> result) {
        if (EMITTED.compareAndSet(false, true)) {
            OUT.println(json(result));
            OUT.flush();
        }
    }

    private static void startWatchdog() {
        Thread t = new Thread(() -> {
            while (true) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) break;
                sleepMs(Math.max(1, Math.min(1000, left / 1_000_000)));
            }
            Map<String, Object> r = new LinkedHashMap<>();
            Supplier<Map<String, Object>> p = partialResult;
            if (p != null) {
                try {
                    r.putAll(p.get());
                } catch (Throwable ignored) {
                    // the error below is what matters
                }
            }
            r.put("error", "hard time bound of " + fmt(timeoutS) + " s reached");
            System.err.println("error: hard time bound of " + fmt(timeoutS) + " s reached");
            emit(r);
            System.err.flush();
            Runtime.getRuntime().halt(1);
        }, "labclient-watchdog");
        t.setDaemon(true);
        t.start();
    }

    /** JVM shutting down without finish() (SIGTERM/SIGINT): flush what a command holds, report what it has. */
    private static void onSignal() {
        if (EMITTED.get()) return;
        Map<String, Object> r = new LinkedHashMap<>();
        Supplier<Map<String, Object>> p = partialResult;
        if (p != null) {
            try {
                r.putAll(p.get());
            } catch (Throwable ignored) {
                // best effort
            }
        }
        r.put("error", "terminated by a signal");
        emit(r);
    }

    /**
     * Kafka's clients log through SLF4J to Log4j 2. Without a configuration file Log4j 2 would log to stdout, so
     * unless the caller named one, point it at a WARN-to-stderr configuration written here (stdout is also already
     * redirected to stderr, so nothing can reach the real stdout either way).
     */
    private static void quietLogging() {
        if (System.getProperty("log4j2.configurationFile") != null
            || System.getProperty("log4j.configurationFile") != null) {
            return;
        }
        try {
            Path f = Files.createTempFile("labclient-log4j2-", ".properties");
            f.toFile().deleteOnExit();
            Files.writeString(f, String.join("\n",
                "status = warn",
                "appender.err.type = Console",
                "appender.err.name = STDERR",
                "appender.err.target = SYSTEM_ERR",
                "appender.err.layout.type = PatternLayout",
                "appender.err.layout.pattern = %d{HH:mm:ss.SSS} %-5p [%c{1}] %m%n",
                "rootLogger.level = warn",
                "rootLogger.appenderRef.err.ref = STDERR",
                ""));
            System.setProperty("log4j2.configurationFile", f.toString());
        } catch (IOException | SecurityException e) {
            System.setProperty("log4j2.level", "WARN");
        }
    }

    // ------------------------------------------------------------------------------------------------ arguments

    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String m) {
            super(m);
        }
    }

    /** An expected failure: reported by its message alone, without a stack trace. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

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

    private static Properties loadConfig(Args a) throws IOException {
        Path p = Paths.get(a.str("config"));
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(p)) {
            props.load(in);
        }
        return props;
    }

    /** defaults, then the --config file, then what the command must set itself. */
    private static Properties merge(Map<String, ?> defaults, Properties cfg, Map<String, String> forced) {
        Properties p = new Properties();
        p.putAll(defaults);
        for (String k : cfg.stringPropertyNames()) p.put(k, cfg.getProperty(k));
        p.putAll(forced);
        return p;
    }

    // ------------------------------------------------------------------------------------------------ time

    private static long nowMs() {
        return (System.nanoTime() - START_NANOS) / 1_000_000;
    }

    /** Milliseconds left before the hard bound. */
    private static long remainingMs() {
        return (deadlineNanos - System.nanoTime()) / 1_000_000;
    }

    /** A timeout for one call: at most cap, and leaving reserveMs before the hard bound (never below 1 ms). */
    private static int callMs(long cap, long reserveMs) {
        return (int) Math.max(1, Math.min(cap, remainingMs() - reserveMs));
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    private static void sleepMs(long ms) {
        try {
            Thread.sleep(Math.max(0, ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void log(String msg) {
        System.err.println("[labclient " + fmt(nowMs() / 1000.0) + "s] " + msg);
    }

    /** A JSON line on stderr, for a supervisor following a long command. */
    private static void progress(Map<String, Object> line) {
        System.err.println(json(line));
    }

    // ------------------------------------------------------------------------------------------------ admin helpers

    /** True when the config names bootstrap.controllers: admin calls then go to the controllers. */
    private static boolean viaControllers;

    private static Admin admin(Properties cfg, String cmd) {
        viaControllers = cfg.getProperty("bootstrap.controllers") != null
            && cfg.getProperty("bootstrap.servers") == null;
        Map<String, String> d = new HashMap<>();
        d.put("client.id", "lab-" + cmd);
        d.put("request.timeout.ms", "15000");
        d.put("default.api.timeout.ms", "30000");
        return Admin.create(merge(d, cfg, Map.of()));
    }

    private static void closeQuietly(Admin admin) {
        if (admin == null) return;
        try {
            admin.close(Duration.ofMillis(callMs(5000, 500)));
        } catch (Throwable t) {
            log("admin close: " + t);
        }
    }

    private static <T> T get(KafkaFuture<T> f, long timeoutMs) throws Exception {
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

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException)
            && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String describe(Throwable t) {
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

    private static ClusterView describeCluster(Admin admin, int timeoutMs) throws Exception {
        ClusterView v = new ClusterView();
        // Controllers refuse includeFencedBrokers ("Cannot request fenced brokers from controller endpoint").
        DescribeClusterResult r = admin.describeCluster(
            new DescribeClusterOptions().includeFencedBrokers(!viaControllers).timeoutMs(timeoutMs));
        v.nodes.addAll(get(r.nodes(), timeoutMs + 1000L));
        v.nodes.sort((x, y) -> Integer.compare(x.id(), y.id()));
        v.clusterId = get(r.clusterId(), timeoutMs + 1000L);
        Node c = get(r.controller(), timeoutMs + 1000L);
        v.controllerId = c == null || c.isEmpty() ? null : c.id();
        return v;
    }

    private static Map<String, TopicDescription> describeTopics(Admin admin, Collection<String> topics, int timeoutMs)
        throws Exception {
        return get(admin.describeTopics(topics, new DescribeTopicsOptions().timeoutMs(timeoutMs)).allTopicNames(),
            timeoutMs + 1000L);
    }

    private static List<Integer> ids(List<Node> nodes) {
        List<Integer> out = new ArrayList<>();
        if (nodes != null) for (Node n : nodes) out.add(n.id());
        return out;
    }

    private static Integer leaderId(TopicPartitionInfo p) {
        Node l = p.leader();
        return l == null || l.isEmpty() || l.id() < 0 ? null : l.id();
    }

    // ------------------------------------------------------------------------------------------------ cluster, quorum

    private static Map<String, Object> cmdCluster(Args a, Properties cfg) throws Exception {
        Admin admin = admin(cfg, "cluster");
        try {
            ClusterView v = describeCluster(admin, callMs(30000, 2000));
            // Through bootstrap.controllers the nodes listed are the controllers, and fenced ones are left out.
            // Through brokers, KRaft reports a random live broker as "controllerId"; the active controller is the
            // metadata quorum's leader (quorumLeaderId, best effort).
            Map<String, Object> r = obj("clusterId", v.clusterId, "controllerId", v.controllerId,
                "brokers", v.brokersJson(), "unfenced", v.unfenced(), "via", viaControllers ? "controllers" : "brokers");
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

    private static Map<String, Object> cmdQuorum(Args a, Properties cfg) throws Exception {
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

    private static List<Object> replicaStates(List<QuorumInfo.ReplicaState> states) {
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

    private static Map<String, Object> cmdWaitCluster(Args a, Properties cfg) throws Exception {
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

    private static Map<String, Object> cmdCreateTopic(Args a, Properties cfg) throws Exception {
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
    private static Map<String, String> parseKv(String s) {
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

    private static final List<String> TOPIC_CONFIGS_OF_INTEREST = List.of("min.insync.replicas",
        "unclean.leader.election.enable");

    private static Map<String, Object> cmdDescribeTopics(Args a, Properties cfg) throws Exception {
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

    private static Map<String, Object> configEntryJson(ConfigEntry e) {
        return obj("value", e.isSensitive() ? null : e.value(), "source", e.source() == null ? null : e.source().name());
    }

    private static Map<String, Object> cmdDescribeClusterConfigs(Args a, Properties cfg) throws Exception {
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

    private static Map<String, Object> cmdWaitIsr(Args a, Properties cfg) throws Exception {
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

    // ------------------------------------------------------------------------------------------------ produce

    static final long DEFAULT_DELIVERY_TIMEOUT_MS = 180_000;

    private static long deliveryTimeoutMs(Properties cfg) {
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
    private static Map<String, Object> cmdInitTransactions(Args a, Properties cfg) throws Exception {
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

    private static Map<String, Object> cmdProduce(Args a, Properties cfg) throws Exception {
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
            partialResult = () -> {
                stats.flush();
                Map<String, Object> r = obj("topic", topic, "id", id);
                r.putAll(stats.json((int) Math.ceil(secondsSince(start))));
                return r;
            };
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
            long sendEnd = Math.min(start + (long) (durationS * 1e9), deadlineNanos - 10_000_000_000L);
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
            long drainEnd = Math.min(System.nanoTime() + (long) (drainS * 1e9), deadlineNanos - 8_000_000_000L);
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

    // ------------------------------------------------------------------------------------------------ consume

    private static Map<String, Object> consumerDefaults(String clientId) {
        Map<String, Object> d = new HashMap<>();
        d.put("client.id", clientId);
        d.put("request.timeout.ms", "15000");
        d.put("default.api.timeout.ms", "30000");
        d.put("auto.offset.reset", "earliest");
        return d;
    }

    private static Properties consumerProps(Map<String, Object> defaults, Properties cfg, Map<String, String> forced) {
        Properties p = merge(defaults, cfg, forced);
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        return p;
    }

    private static void closeQuietly(KafkaConsumer<?, ?> c) {
        if (c == null) return;
        try {
            c.close(CloseOptions.timeout(Duration.ofMillis(callMs(10000, 1500))));
        } catch (Throwable t) {
            log("consumer close: " + t);
        }
    }

    private static Map<String, Object> cmdConsume(Args a, Properties cfg) throws Exception {
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
            long end = Math.min(start + (long) (durationS * 1e9), deadlineNanos - 12_000_000_000L);
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
            partialResult = () -> obj("topic", topic, "group", group, "records", recordsRef[0]);
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
    private static List<TopicPartition> topicPartitions(KafkaConsumer<?, ?> consumer, String topic, long reserveMs) {
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

    private static Map<TopicPartition, Long> endOffsets(KafkaConsumer<?, ?> consumer, List<TopicPartition> tps,
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
    private static Set<TopicPartition> readToEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end,
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

    private static Map<String, Object> cmdVerify(Args a, Properties cfg) throws Exception {
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
            unfinished = readToEnd(consumer, end, deadlineNanos - 20_000_000_000L, r -> {
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

    // ------------------------------------------------------------------------------------------------ follower fetch

    private static Map<String, Object> cmdFollowerFetch(Args a, Properties cfg) throws Exception {
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
            List<TopicPartition> all = topicPartitions(consumer, topic, 15000);
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
            Map<TopicPartition, Long> end = endOffsets(consumer, tps, 15000);
            start = System.nanoTime();
            long stopAt = Math.min(start + (long) (durationS * 1e9), deadlineNanos - 15_000_000_000L);
            unfinished = readToEnd(consumer, end, stopAt, r -> {
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

    private static Double toDouble(Object v) {
        if (v instanceof Number) {
            double d = ((Number) v).doubleValue();
            return Double.isNaN(d) || Double.isInfinite(d) ? null : d;
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------ replication rate

    private static Map<String, Object> cmdReplicationRate(Args a, Properties cfg) throws Exception {
        String topic = a.str("topic");
        int follower = a.requiredInt("follower");
        double durationS = a.dbl("duration-s", 30);
        if (!(durationS > 0)) throw new UsageException("--duration-s must be > 0");
        int size = a.integer("size", 16384);
        if (size < 16) throw new UsageException("--size must be at least 16");

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
            d.put("batch.size", String.valueOf(1 << 20));
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
            long produceEnd = Math.min(start + (long) (durationS * 1e9), deadlineNanos - 15_000_000_000L);
            sender = new Thread(() -> {
                long n = 0;
                while (!stop.get()) {
                    n++;
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
                "failedRecords", failedRecords.get(), "firstError", firstError[0], "size", size,
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
    private static Map<String, Object> sampleSizes(Admin admin, Map<TopicPartition, Integer> leaderOf,
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

    private static long sizeOn(Map<String, LogDirDescription> dirs, TopicPartition tp) {
        long s = 0;
        if (dirs == null) return 0;
        for (LogDirDescription d : dirs.values()) {
            ReplicaInfo ri = d.replicaInfos().get(tp);
            if (ri != null && !ri.isFuture()) s += ri.size();
        }
        return s;
    }

    /** Least-squares slope of y over t; null with fewer than two distinct times. */
    private static Double slope(List<double[]> pts) {
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

    // ------------------------------------------------------------------------------------------------ JSON

    static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) m.put(String.valueOf(kv[i]), kv[i + 1]);
        return m;
    }

    static double round3(double x) {
        return Math.round(x * 1000.0) / 1000.0;
    }

    static double round4(double x) {
        return Math.round(x * 10000.0) / 10000.0;
    }

    static String fmt(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? String.valueOf((long) x) : String.valueOf(round3(x));
    }

    static String json(Object o) {
        StringBuilder sb = new StringBuilder();
        writeJson(sb, o);
        return sb.toString();
    }

    private static void writeJson(StringBuilder sb, Object o) {
        if (o == null) {
            sb.append("null");
        } else if (o instanceof String) {
            quote(sb, (String) o);
        } else if (o instanceof Boolean) {
            sb.append(o.toString());
        } else if (o instanceof Double || o instanceof Float) {
            double d = ((Number) o).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) sb.append("null");
            else if (d == Math.rint(d) && Math.abs(d) < 1e15) sb.append((long) d);
            else sb.append(d);
        } else if (o instanceof Number) {
            sb.append(o.toString());
        } else if (o instanceof Map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
                if (!first) sb.append(',');
                first = false;
                quote(sb, String.valueOf(e.getKey()));
                sb.append(':');
                writeJson(sb, e.getValue());
            }
            sb.append('}');
        } else if (o instanceof Collection) {
            sb.append('[');
            boolean first = true;
            for (Object x : (Collection<?>) o) {
                if (!first) sb.append(',');
                first = false;
                writeJson(sb, x);
            }
            sb.append(']');
        } else {
            quote(sb, o.toString());
        }
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
            }
        }
        sb.append('"');
    }
}
