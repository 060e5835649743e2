// `npm run lab:kafka:fetch`: resolves the pinned Kafka release into .cache/kafka-lab and compiles the lab client.
// Needs the network once (Maven); later runs reuse the cache.
import { fetchRuntime, runtimePaths } from "./runtime";

try {
  const report = fetchRuntime((line) => process.stderr.write(`${line}\n`));
  const rt = runtimePaths();
  process.stdout.write(
    `Kafka ${rt.version}: ${report.resolved ? "resolved" : "cached"} in ${rt.libs}; client ${report.compiled ? "compiled" : "up to date"}; ${report.seconds.toFixed(1)} s\n`,
  );
} catch (err) {
  process.stderr.write(`lab:kafka:fetch: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
