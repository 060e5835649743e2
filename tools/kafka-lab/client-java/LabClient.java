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

public class LabClient extends LabBase {

    public static void main(String[] argv) {
        OUT = System.out;
        System.setOut(System.err); // whatever prints to System.out (a logging default included) lands on stderr
        quietLogging();
        if (argv.length > 0 && argv[0].equals("serve")) {
            LabServer.serve(argv);
            return;
        }
        Frame f = new Frame(0, System.err, (code, result) -> {
            OUT.println(json(result));
            OUT.flush();
        });
        FRAME.set(f);
        f.thread = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> f.emit(1, f.partialWith("terminated by a signal")),
            "labclient-shutdown"));
        int code = execute(f, argv, true);
        exit(code);
    }

    /**
     * Runs one command in the calling thread, whose frame is `f`, and delivers its one result through the frame.
     * With `haltOnBound` (a one-shot process) the watchdog halts the JVM at the hard bound; otherwise (serve) it
     * delivers the partial result and interrupts the command's thread.
     */
    static int execute(Frame f, String[] argv, boolean haltOnBound) {
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
            f.timeoutS = requested > 0 ? requested : defaultTimeoutS(cmd, a, cfg);
            f.deadlineNanos = f.cancelled != null ? System.nanoTime() : f.startNanos + (long) (f.timeoutS * 1e9);
            startWatchdog(f, haltOnBound);
            result = run(cmd, a, cfg);
            code = result.containsKey("error") ? 1 : 0;
        } catch (UsageException e) {
            f.err.println("error: " + e.getMessage());
            f.err.println(USAGE);
            result = obj("error", "usage: " + e.getMessage());
            code = 2;
        } catch (Throwable t) {
            Throwable c = unwrap(t);
            f.err.println("error: " + describe(c));
            if (!(c instanceof KafkaException || c instanceof Failure || c instanceof IOException)) {
                c.printStackTrace(f.err);
            }
            result = obj("error", describe(c));
            code = 1;
        }
        f.emit(code, result);
        f.err.flush();
        return code;
    }

    static Map<String, Object> run(String cmd, Args a, Properties cfg) throws Exception {
        switch (cmd) {
            case "cluster": return LabAdminCommands.cmdCluster(a, cfg);
            case "quorum": return LabAdminCommands.cmdQuorum(a, cfg);
            case "wait-cluster": return LabAdminCommands.cmdWaitCluster(a, cfg);
            case "create-topic": return LabAdminCommands.cmdCreateTopic(a, cfg);
            case "describe-topics": return LabAdminCommands.cmdDescribeTopics(a, cfg);
            case "delete-topics": return LabAdminCommands.cmdDeleteTopics(a, cfg);
            case "describe-cluster-configs": return LabAdminCommands.cmdDescribeClusterConfigs(a, cfg);
            case "wait-isr": return LabAdminCommands.cmdWaitIsr(a, cfg);
            case "produce": return LabProduceCommands.cmdProduce(a, cfg);
            case "consume": return LabConsumeCommands.cmdConsume(a, cfg);
            case "verify": return LabConsumeCommands.cmdVerify(a, cfg);
            case "follower-fetch": return LabRateCommands.cmdFollowerFetch(a, cfg);
            case "replication-rate": return LabRateCommands.cmdReplicationRate(a, cfg);
            case "init-transactions": return LabProduceCommands.cmdInitTransactions(a, cfg);
            default: throw new UsageException("unknown command: " + cmd);
        }
    }

    static double defaultTimeoutS(String cmd, Args a, Properties cfg) {
        switch (cmd) {
            case "wait-cluster":
            case "wait-isr":
                return 120;
            case "produce": {
                // Sending, then waiting for what is still outstanding (at most the delivery timeout), then closing.
                return a.dbl("duration-s", 30) + a.dbl("drain-s", LabProduceCommands.deliveryTimeoutMs(cfg) / 1000.0 + 5) + 30;
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

    /** Exits with `code`; a stuck shutdown can't outlive a few seconds. */
    static void exit(int code) {
        System.err.flush();
        Thread halt = new Thread(() -> {
            sleepMs(5000);
            Runtime.getRuntime().halt(code);
        }, "labclient-halt");
        halt.setDaemon(true);
        halt.start();
        System.exit(code);
    }

    /** Ends the command at its hard bound (or at once when its caller cancels it), with what it has so far. */
    static void startWatchdog(Frame f, boolean haltOnBound) {
        Thread t = new Thread(() -> {
            while (!f.emitted.get()) {
                long left = f.deadlineNanos - System.nanoTime();
                if (left <= 0) break;
                sleepMs(Math.max(1, Math.min(200, left / 1_000_000)));
            }
            if (f.emitted.get()) return;
            String why = f.cancelled != null ? "cancelled: " + f.cancelled
                : "hard time bound of " + fmt(f.timeoutS) + " s reached";
            f.err.println("error: " + why);
            f.emit(1, f.partialWith(why));
            f.err.flush();
            if (haltOnBound) Runtime.getRuntime().halt(1);
            Thread cmd = f.thread;
            if (cmd != null) cmd.interrupt();
        }, "labclient-watchdog-" + f.id);
        t.setDaemon(true);
        t.start();
    }

    /**
     * Kafka's clients log through SLF4J to Log4j 2. Without a configuration file Log4j 2 would log to stdout, so
     * unless the caller named one, point it at a WARN-to-stderr configuration written here (stdout is also already
     * redirected to stderr, so nothing can reach the real stdout either way).
     */
    static void quietLogging() {
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
}
