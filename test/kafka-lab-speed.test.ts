// The Kafka lab's plumbing for speed and reuse: where its caches live and how they are keyed, the phase clock behind
// phaseSeconds, the serve protocol's request lines, and the lab-only edits of a pod's server properties.
import { describe, expect, it } from "vitest";
import { PhaseTimer } from "../lib/kafka-lab/phase-timer";
import { withProperty, withoutProperties } from "../lib/kafka-lab/pods";
import { cacheRoot, contentKey } from "../tools/cache-dir";
import { requestLine } from "../tools/kafka-lab/client";

describe("lab cache directory", () => {
  it("takes GEO_KAFKA_CACHE_DIR, else an absolute XDG_CACHE_HOME, else ~/.cache, under geo-kafka", () => {
    expect(cacheRoot({ GEO_KAFKA_CACHE_DIR: "/srv/cache" }, "/home/u")).toBe("/srv/cache");
    expect(cacheRoot({ XDG_CACHE_HOME: "/var/cache/u" }, "/home/u")).toBe("/var/cache/u/geo-kafka");
    expect(cacheRoot({}, "/home/u")).toBe("/home/u/.cache/geo-kafka");
    // The XDG spec: an empty or relative XDG_CACHE_HOME is ignored.
    expect(cacheRoot({ XDG_CACHE_HOME: "" }, "/home/u")).toBe("/home/u/.cache/geo-kafka");
    expect(cacheRoot({ XDG_CACHE_HOME: "rel/cache" }, "/home/u")).toBe("/home/u/.cache/geo-kafka");
    expect(cacheRoot({ GEO_KAFKA_CACHE_DIR: "", XDG_CACHE_HOME: "/x" }, "/home/u")).toBe("/x/geo-kafka");
  });

  it("keys entries by content: same parts, same key; any change or a moved boundary, another", () => {
    expect(contentKey("a", "b")).toBe(contentKey("a", "b"));
    expect(contentKey("a", "b")).toMatch(/^[0-9a-f]{16}$/);
    expect(contentKey("a", "b")).not.toBe(contentKey("a", "c"));
    expect(contentKey("ab", "c")).not.toBe(contentKey("a", "bc"));
  });
});

describe("phase clock", () => {
  it("ends each phase at the next, adds up a repeated name, and counts a running phase up to now", () => {
    let now = 0;
    const t = new PhaseTimer(() => now);
    t.start("plan");
    now = 2_340;
    t.start("start");
    now = 62_000;
    t.start("cut-1");
    now = 70_000;
    t.start("start");
    now = 71_000;
    expect(t.seconds()).toEqual({ plan: 2.3, start: 60.7, "cut-1": 8 });
    t.stop();
    now = 99_000;
    expect(t.seconds()).toEqual({ plan: 2.3, start: 60.7, "cut-1": 8 });
  });
});

describe("serve protocol", () => {
  it("sends the id and the arguments TAB-separated on one line", () => {
    expect(requestLine(7, ["create-topic", "--topic", "t", "--assignment", "1,2;2,1"])).toBe(
      "7\tcreate-topic\t--topic\tt\t--assignment\t1,2;2,1\n",
    );
  });

  it("refuses an argument that would break the line", () => {
    expect(() => requestLine(1, ["produce", "--topic", "a\tb"])).toThrow(/TAB or newline/);
    expect(() => requestLine(1, ["produce", "--topic", "a\nb"])).toThrow(/TAB or newline/);
  });
});

describe("lab-only property edits", () => {
  const text = "a=1\nreplica.fetch.max.bytes=81250000\nb=2\n";
  it("replaces a set key in place and appends a new one before the final newline", () => {
    expect(withProperty(text, "replica.fetch.max.bytes", "65536")).toBe("a=1\nreplica.fetch.max.bytes=65536\nb=2\n");
    expect(withProperty(text, "initial.broker.registration.timeout.ms", "300000")).toBe(
      "a=1\nreplica.fetch.max.bytes=81250000\nb=2\ninitial.broker.registration.timeout.ms=300000\n",
    );
    expect(withProperty("a=1", "b", "2")).toBe("a=1\nb=2");
  });

  it("removes only the named keys, not keys that share a prefix", () => {
    expect(withoutProperties("replica.fetch.max.bytes=1\nreplica.fetch.max.bytes.extra=2\nb=2\n", ["replica.fetch.max.bytes"])).toBe(
      "replica.fetch.max.bytes.extra=2\nb=2\n",
    );
  });
});
