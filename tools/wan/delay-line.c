/*
 * User-space WAN link for `npm run bench:wan`: joins two network namespaces through one TUN device in each and
 * forwards IP packets between them as a router with a slow, long link would: a drop-tail queue in front of a
 * serializer running at the link rate, then a fixed one-way propagation delay. It exists because this kernel
 * has no netem qdisc. No loss, jitter or reordering is modelled; packets leave in the order they arrived.
 *
 * Build: gcc -O2 -Wall -Wextra -o delay-line delay-line.c
 * Run (root): delay-line --ns-a NS --ns-b NS --dev NAME --one-way-us N --rate-mbit R --queue-bytes Q
 *             [--offload] [--max-seconds S]
 *   --rate-mbit 0 means no rate limit (only the delay): used to measure what this process can forward.
 *   --offload negotiates TSO/checksum offload with the kernel (IFF_VNET_HDR), so the sender hands over
 *     segments of up to 64 KiB and the receiver takes them as one GRO-style packet: far fewer system calls
 *     per byte, at the price of serializing (and, if the queue overflows, dropping) whole segments.
 * The TUN devices are created inside the namespaces (setns) and are not persistent: they disappear when this
 * process exits, however it exits. It prints "ready" on stdout once both exist, and a JSON line with its
 * counters on stderr when it stops (SIGTERM/SIGINT, --max-seconds, or its parent dying).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define MAX_PACKET 65536
#define REC_HDR 16
#define WRAP_MARK UINT32_MAX
#define READ_BATCH 64

struct rec_hdr {
  uint64_t due_ns;
  uint32_t len;
  uint32_t pad;
};

struct direction {
  const char *name;
  int in_fd, out_fd;
  /* Byte ring of records {due time, length, packet}, in arrival (= departure) order. */
  uint8_t *ring;
  size_t cap, head, tail, count, bytes_held, max_bytes_held;
  /* When the serializer finishes the last accepted packet. */
  uint64_t link_free_ns;
  uint64_t packets_in, packets_out, bytes_out, drops_queue, drops_ring, write_errors, max_backlog_bytes;
};

static volatile sig_atomic_t stop_requested;
static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }

static void die(const char *what) {
  fprintf(stderr, "delay-line: %s: %s\n", what, strerror(errno));
  exit(1);
}

static int enter_netns(const char *ns) {
  char path[512];
  snprintf(path, sizeof path, "/run/netns/%s", ns);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) die(path);
  if (setns(fd, CLONE_NEWNET) < 0) die("setns");
  return fd;
}

/* Opens a non-persistent TUN device named `dev` in namespace `ns`; the kernel ties it to this fd. */
static int open_tun(const char *ns, const char *dev, int offload, int home_ns_fd) {
  int nsfd = enter_netns(ns);
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) die("/dev/net/tun");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI | (offload ? IFF_VNET_HDR : 0);
  snprintf(ifr.ifr_name, IFNAMSIZ, "%s", dev);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) die("TUNSETIFF");
  if (offload) {
    int hdr = sizeof(struct virtio_net_hdr);
    if (ioctl(fd, TUNSETVNETHDRSZ, &hdr) < 0) die("TUNSETVNETHDRSZ");
    if (ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) < 0) die("TUNSETOFFLOAD");
  }
  if (setns(home_ns_fd, CLONE_NEWNET) < 0) die("setns back");
  close(nsfd);
  return fd;
}

/*
 * Bytes this packet occupies on the wire, at the IP layer. An offloaded TCP segment of n payload bytes leaves
 * as ceil(n / gso_size) packets, each with its own IP and TCP headers.
 */
static uint64_t wire_bytes(const uint8_t *buf, size_t len, int offload) {
  if (!offload) return len;
  const struct virtio_net_hdr *vh = (const void *)buf;
  size_t ip_len = len - sizeof *vh;
  const uint8_t *ip = buf + sizeof *vh;
  if (vh->gso_type == VIRTIO_NET_HDR_GSO_NONE || vh->gso_size == 0 || ip_len < 20) return ip_len;
  size_t hdrs;
  if ((ip[0] >> 4) == 4) {
    size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
    if (ip_len < ihl + 20) return ip_len;
    hdrs = ihl + (size_t)(ip[ihl + 12] >> 4) * 4;
  } else {
    if (ip_len < 40 + 20) return ip_len;
    hdrs = 40 + (size_t)(ip[40 + 12] >> 4) * 4;
  }
  if (ip_len <= hdrs) return ip_len;
  size_t segments = (ip_len - hdrs + vh->gso_size - 1) / vh->gso_size;
  return ip_len + (segments - 1) * hdrs;
}

/* Space for one more maximal record at the tail, wrapping to the start when the end is too short. */
static uint8_t *ring_reserve(struct direction *d) {
  size_t need = align8(REC_HDR + MAX_PACKET + sizeof(struct virtio_net_hdr));
  if (d->count == 0) d->head = d->tail = 0;
  if (d->count == 0 || d->tail > d->head) {
    if (d->cap - d->tail >= need) return d->ring + d->tail;
    if (d->head >= need) {
      if (d->cap - d->tail >= REC_HDR) ((struct rec_hdr *)(d->ring + d->tail))->len = WRAP_MARK;
      d->tail = 0;
      return d->ring;
    }
    return NULL;
  }
  if (d->head - d->tail >= need) return d->ring + d->tail;
  return NULL;
}

static void ring_commit(struct direction *d, uint64_t due, size_t len) {
  struct rec_hdr *h = (struct rec_hdr *)(d->ring + d->tail);
  h->due_ns = due;
  h->len = (uint32_t)len;
  size_t rec = align8(REC_HDR + len);
  d->tail += rec;
  d->count++;
  d->bytes_held += rec;
  if (d->bytes_held > d->max_bytes_held) d->max_bytes_held = d->bytes_held;
}

static struct rec_hdr *ring_front(struct direction *d) {
  if (d->count == 0) return NULL;
  if (d->cap - d->head < REC_HDR || ((struct rec_hdr *)(d->ring + d->head))->len == WRAP_MARK) d->head = 0;
  return (struct rec_hdr *)(d->ring + d->head);
}

static void ring_pop(struct direction *d) {
  struct rec_hdr *h = (struct rec_hdr *)(d->ring + d->head);
  size_t rec = align8(REC_HDR + h->len);
  d->head += rec;
  d->count--;
  d->bytes_held -= rec;
}

struct link {
  uint64_t one_way_ns;
  double rate_mbit; /* 0: unlimited */
  uint64_t queue_bytes;
  int offload;
};

/* Reads up to READ_BATCH packets; each is queued for the serializer or dropped at the tail. */
static int read_batch(struct direction *d, const struct link *l) {
  static uint8_t scratch[MAX_PACKET + sizeof(struct virtio_net_hdr)];
  int got = 0;
  for (; got < READ_BATCH; got++) {
    uint8_t *slot = ring_reserve(d);
    uint8_t *buf = slot ? slot + REC_HDR : scratch;
    ssize_t n = read(d->in_fd, buf, MAX_PACKET + sizeof(struct virtio_net_hdr));
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) break;
      die("read");
    }
    if (n == 0) break;
    d->packets_in++;
    uint64_t now = now_ns();
    if (!slot) {
      d->drops_ring++;
      continue;
    }
    uint64_t due;
    if (l->rate_mbit > 0) {
      uint64_t wire = wire_bytes(buf, (size_t)n, l->offload);
      uint64_t backlog_ns = d->link_free_ns > now ? d->link_free_ns - now : 0;
      uint64_t backlog_bytes = (uint64_t)((double)backlog_ns * l->rate_mbit / 8000.0);
      if (backlog_bytes > d->max_backlog_bytes) d->max_backlog_bytes = backlog_bytes;
      if (backlog_bytes + wire > l->queue_bytes) {
        d->drops_queue++;
        continue;
      }
      uint64_t start = d->link_free_ns > now ? d->link_free_ns : now;
      d->link_free_ns = start + (uint64_t)((double)wire * 8000.0 / l->rate_mbit + 0.5);
      due = d->link_free_ns + l->one_way_ns;
    } else {
      due = now + l->one_way_ns;
    }
    ring_commit(d, due, (size_t)n);
  }
  return got;
}

/* Writes every packet whose departure time has come; returns the next departure time, or 0 if none. */
static uint64_t deliver(struct direction *d) {
  struct rec_hdr *h;
  uint64_t now = now_ns();
  while ((h = ring_front(d)) != NULL) {
    if (h->due_ns > now) return h->due_ns;
    ssize_t n = write(d->out_fd, (uint8_t *)h + REC_HDR, h->len);
    if (n < 0) {
      if (errno == EINTR) continue;
      d->write_errors++;
    } else {
      d->packets_out++;
      d->bytes_out += (uint64_t)n;
    }
    ring_pop(d);
    if ((d->packets_out & 63) == 0) now = now_ns();
  }
  return 0;
}

static void print_direction(FILE *f, const struct direction *d) {
  fprintf(f,
          "\"%s\":{\"packetsIn\":%llu,\"packetsOut\":%llu,\"bytesOut\":%llu,\"dropsQueue\":%llu,\"dropsRing\":%llu,"
          "\"writeErrors\":%llu,\"maxBacklogBytes\":%llu,\"maxHeldBytes\":%zu}",
          d->name, (unsigned long long)d->packets_in, (unsigned long long)d->packets_out, (unsigned long long)d->bytes_out,
          (unsigned long long)d->drops_queue, (unsigned long long)d->drops_ring, (unsigned long long)d->write_errors,
          (unsigned long long)d->max_backlog_bytes, d->max_bytes_held);
}

static void usage(void) {
  fprintf(stderr,
          "usage: delay-line --ns-a NS --ns-b NS --dev NAME --one-way-us N --rate-mbit R --queue-bytes Q "
          "[--offload] [--max-seconds S]\n");
  exit(2);
}

int main(int argc, char **argv) {
  const char *ns_a = NULL, *ns_b = NULL, *dev = NULL;
  struct link l = {0, 0, 0, 0};
  double max_seconds = 600;
  int have_delay = 0, have_rate = 0, have_queue = 0;
  static const struct option opts[] = {
      {"ns-a", required_argument, 0, 'a'},       {"ns-b", required_argument, 0, 'b'},
      {"dev", required_argument, 0, 'd'},        {"one-way-us", required_argument, 0, 'w'},
      {"rate-mbit", required_argument, 0, 'r'},  {"queue-bytes", required_argument, 0, 'q'},
      {"offload", no_argument, 0, 'o'},          {"max-seconds", required_argument, 0, 'm'},
      {0, 0, 0, 0},
  };
  int c;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
      case 'a': ns_a = optarg; break;
      case 'b': ns_b = optarg; break;
      case 'd': dev = optarg; break;
      case 'w': l.one_way_ns = (uint64_t)(strtod(optarg, NULL) * 1000.0); have_delay = 1; break;
      case 'r': l.rate_mbit = strtod(optarg, NULL); have_rate = 1; break;
      case 'q': l.queue_bytes = strtoull(optarg, NULL, 10); have_queue = 1; break;
      case 'o': l.offload = 1; break;
      case 'm': max_seconds = strtod(optarg, NULL); break;
      default: usage();
    }
  }
  if (!ns_a || !ns_b || !dev || !have_delay || !have_rate || !have_queue || l.rate_mbit < 0 || max_seconds <= 0) usage();
  if (strlen(dev) >= IFNAMSIZ) usage();

  /* Never outlive the benchmark that started us, and wake on time rather than up to 50 us late. */
  pid_t parent = getppid();
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) return 1;
  prctl(PR_SET_TIMERSLACK, 1UL);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (home < 0) die("/proc/self/ns/net");
  int fd_a = open_tun(ns_a, dev, l.offload, home);
  int fd_b = open_tun(ns_b, dev, l.offload, home);

  /* Holds what is in flight (rate x delay) plus a full queue, with room for per-record overhead. */
  double in_flight = l.rate_mbit > 0 ? l.rate_mbit * 1e6 / 8 * (double)l.one_way_ns / 1e9 : 1.25e9 * (double)l.one_way_ns / 1e9;
  size_t cap = (size_t)(2 * (in_flight + (double)l.queue_bytes)) + 4 * (MAX_PACKET + 64);
  struct direction ab = {.name = "aToB", .in_fd = fd_a, .out_fd = fd_b, .cap = cap};
  struct direction ba = {.name = "bToA", .in_fd = fd_b, .out_fd = fd_a, .cap = cap};
  ab.ring = malloc(cap);
  ba.ring = malloc(cap);
  if (!ab.ring || !ba.ring) die("malloc");

  printf("ready %s %s %zu\n", ns_a, ns_b, cap);
  fflush(stdout);

  uint64_t started = now_ns();
  uint64_t deadline = started + (uint64_t)(max_seconds * 1e9);
  struct pollfd pfd[2] = {{.fd = fd_a, .events = POLLIN}, {.fd = fd_b, .events = POLLIN}};
  sigset_t empty;
  sigemptyset(&empty);
  while (!stop_requested) {
    uint64_t next_ab = deliver(&ab);
    uint64_t next_ba = deliver(&ba);
    int got = read_batch(&ab, &l) + read_batch(&ba, &l);
    if (got > 0) continue;
    uint64_t now = now_ns();
    if (now >= deadline) break;
    uint64_t next = deadline;
    if (next_ab && next_ab < next) next = next_ab;
    if (next_ba && next_ba < next) next = next_ba;
    uint64_t wait = next > now ? next - now : 0;
    struct timespec ts = {.tv_sec = (time_t)(wait / 1000000000ull), .tv_nsec = (long)(wait % 1000000000ull)};
    if (ppoll(pfd, 2, &ts, &empty) < 0 && errno != EINTR) die("ppoll");
  }

  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double wall = (double)(now_ns() - started) / 1e9;
  fprintf(stderr, "{\"wallSeconds\":%.3f,\"cpuUserSeconds\":%.3f,\"cpuSystemSeconds\":%.3f,", wall,
          (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6, (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
  print_direction(stderr, &ab);
  fputc(',', stderr);
  print_direction(stderr, &ba);
  fputs("}\n", stderr);
  return 0;
}
