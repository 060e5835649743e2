// The lab client as one long-lived process per region: `LabClient serve` reads commands from stdin and runs each in
// its own thread and frame, so a lab run pays for one JVM start and one JIT warm-up per region instead of one per
// command, and commands of one region run side by side (a producer beside a consumer beside admin calls).
//
// Protocol, one line each way per message, UTF-8:
//   in:  <id> TAB <command> TAB <arg> ...      start a command (arguments as LabClient takes them; no TAB or newline)
//   in:  cancel TAB <id> [TAB <why>]           end a command now; it reports what it has with an error
//   out: {"ready":true,"pid":N}                once, when the server reads commands
//   out: {"id":N,"stderr":"..."}               a diagnostic or progress line of command N
//   out: {"id":N,"code":C,"result":{...}}      command N's one result (C as LabClient's exit code)
// When stdin closes (the lab has ended) the server halts, whatever still runs.

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

final class LabServer extends LabBase {

    private LabServer() {
    }

    /** Commands started and not yet reported, by id. */
    static final Map<Long, Frame> ACTIVE = new ConcurrentHashMap<>();

    static void serve(String[] argv) {
        if (argv.length != 1) {
            System.err.println("usage: LabClient serve   (commands on stdin; see LabServer.java)");
            LabClient.exit(2);
        }
        FRAME.set(new Frame(-1, System.err, (code, result) -> { }));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Frame f : ACTIVE.values()) f.emit(1, f.partialWith("terminated by a signal"));
        }, "labserver-shutdown"));
        write(obj("ready", true, "pid", ProcessHandle.current().pid()));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isEmpty()) accept(line);
            }
        } catch (IOException e) {
            System.err.println("labserver: stdin: " + e);
        }
        System.err.flush();
        Runtime.getRuntime().halt(0);
    }

    static void accept(String line) {
        String[] parts = line.split("\t", -1);
        if (parts[0].equals("cancel")) {
            Frame f = parts.length > 1 ? ACTIVE.get(parseId(parts[1])) : null;
            if (f != null) {
                f.cancelled = parts.length > 2 ? parts[2] : "by the caller";
                f.deadlineNanos = System.nanoTime();
            }
            return;
        }
        long id = parseId(parts[0]);
        if (id < 0 || ACTIVE.containsKey(id)) {
            System.err.println("labserver: ignored a line without a new command id: " + line);
            return;
        }
        String[] args = Arrays.copyOfRange(parts, 1, parts.length);
        Frame f = new Frame(id, new PrintStream(new LineSink(id), true, StandardCharsets.UTF_8), (code, result) -> {
            write(obj("id", id, "code", code, "result", result));
            ACTIVE.remove(id);
        });
        ACTIVE.put(id, f);
        // Created here, the thread would inherit the server's frame; it takes its own before anything else runs.
        Thread t = new Thread(() -> {
            FRAME.set(f);
            LabClient.execute(f, args, false);
        }, "command-" + id + "-" + (args.length > 0 ? args[0] : "none"));
        t.setDaemon(true);
        f.thread = t;
        t.start();
    }

    static long parseId(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The one writer of stdout: whole lines, never interleaved. */
    static synchronized void write(Map<String, Object> message) {
        OUT.println(json(message));
        OUT.flush();
    }

    /** A command's stderr: each complete line becomes one {"id","stderr"} message. */
    static final class LineSink extends OutputStream {
        final long id;
        final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        LineSink(long id) {
            this.id = id;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                flushLine();
            } else {
                buf.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) write(b[i]);
        }

        @Override
        public synchronized void flush() {
            // Only whole lines are sent: a partial line waits for its newline.
        }

        void flushLine() {
            String line = buf.toString(StandardCharsets.UTF_8);
            buf.reset();
            if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
            LabServer.write(obj("id", id, "stderr", line));
        }
    }
}
