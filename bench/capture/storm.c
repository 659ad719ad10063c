/* Loopback connection storm for bench/capture/run.sh.
 *
 * THREADS threads each own one listener on 127.0.0.1 and loop as fast as they can:
 * socket, connect to their listener, accept the peer, close the client, close the peer.
 * Ephemeral ports never run out: SO_LINGER {1,0} makes close() send RST, so neither the
 * client nor the accepted socket enters TIME_WAIT and each 4-tuple is free at once.
 *
 * Stops after COUNT connections in total (-n) or after SECONDS (-d), whichever comes first.
 * With -s FILE, every EVERY-th connection (-e) is also held open for a pseudo-random
 * 0..HOLD ms (-H) and logged as "lport\tconnect_realtime_ns\tlifetime_ns": the workload's
 * own measurement of that socket's life, from just before connect() to just after close().
 *
 * Prints "pid=P ports=A,B connections=N seconds=S rate=R cpu=C" to stdout at the end (C: its CPU seconds).
 * With -w, waits for a line on stdin before starting (so a tracer can attach first).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 16
#define MAX_SAMPLES 200000

struct sample {
	uint16_t lport;
	int64_t start_ns;
	int64_t life_ns;
};

struct worker {
	pthread_t thread;
	int listener;
	uint16_t port;
	long done;
	long nsamples;
	struct sample *samples;
};

static long g_count = 100000, g_every = 0, g_hold_ms = 0;
static double g_seconds = 0;
static atomic_long g_claimed;
static atomic_int g_stop;
static int64_t g_deadline_ns;

static int64_t now_ns(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int make_listener(uint16_t *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("bind");
	if (listen(fd, 4096) < 0)
		die("listen");
	socklen_t len = sizeof(a);
	getsockname(fd, (struct sockaddr *)&a, &len);
	*port = ntohs(a.sin_port);
	return fd;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(w->port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct linger rst = { .l_onoff = 1, .l_linger = 0 };
	unsigned rnd = (unsigned)w->port * 2654435761u;
	while (!atomic_load_explicit(&g_stop, memory_order_relaxed)) {
		long n = atomic_fetch_add_explicit(&g_claimed, 1, memory_order_relaxed);
		if (n >= g_count) {
			break;
		}
		if (g_seconds > 0 && (n & 255) == 0 && now_ns(CLOCK_MONOTONIC) >= g_deadline_ns) {
			atomic_store(&g_stop, 1);
			break;
		}
		int sampled = g_every > 0 && n % g_every == 0 && w->nsamples < MAX_SAMPLES;
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			die("socket");
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
		int64_t t0 = sampled ? now_ns(CLOCK_REALTIME) : 0;
		if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) < 0)
			die("connect");
		int peer = accept(w->listener, NULL, NULL);
		if (peer < 0)
			die("accept");
		uint16_t lport = 0;
		if (sampled) {
			struct sockaddr_in me;
			socklen_t len = sizeof(me);
			getsockname(fd, (struct sockaddr *)&me, &len);
			lport = ntohs(me.sin_port);
			if (g_hold_ms > 0) {
				rnd = rnd * 1103515245u + 12345u;
				long us = (long)((rnd >> 8) % (unsigned)(g_hold_ms * 1000));
				struct timespec hold = { .tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000 };
				nanosleep(&hold, NULL);
			}
		}
		close(fd);
		if (sampled) {
			int64_t t1 = now_ns(CLOCK_REALTIME);
			w->samples[w->nsamples++] = (struct sample){ lport, t0, t1 - t0 };
		}
		close(peer);
		w->done++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = 2, wait_stdin = 0, opt;
	const char *sample_file = NULL;
	while ((opt = getopt(argc, argv, "n:d:t:e:H:s:w")) != -1) {
		switch (opt) {
		case 'n': g_count = atol(optarg); break;
		case 'd': g_seconds = atof(optarg); break;
		case 't': threads = atoi(optarg); break;
		case 'e': g_every = atol(optarg); break;
		case 'H': g_hold_ms = atol(optarg); break;
		case 's': sample_file = optarg; break;
		case 'w': wait_stdin = 1; break;
		default:
			fprintf(stderr, "usage: %s [-n COUNT] [-d SECONDS] [-t THREADS] [-e EVERY -s FILE [-H HOLD_MS]] [-w]\n", argv[0]);
			return 2;
		}
	}
	if (threads < 1 || threads > MAX_THREADS || g_count < 1 || (g_every > 0 && !sample_file)) {
		fprintf(stderr, "storm: bad arguments\n");
		return 2;
	}
	if (g_seconds > 0 && g_count == 100000)
		g_count = (long)1 << 62; /* -d alone: run for the duration */

	struct worker w[MAX_THREADS] = { 0 };
	for (int i = 0; i < threads; i++) {
		w[i].listener = make_listener(&w[i].port);
		if (g_every > 0 && !(w[i].samples = calloc(MAX_SAMPLES, sizeof(struct sample))))
			die("calloc");
	}
	if (wait_stdin) {
		printf("pid=%d ready\n", getpid());
		fflush(stdout);
		char line[64];
		if (!fgets(line, sizeof(line), stdin))
			return 1;
	}
	int64_t start = now_ns(CLOCK_MONOTONIC);
	g_deadline_ns = start + (int64_t)(g_seconds * 1e9);
	for (int i = 0; i < threads; i++)
		if (pthread_create(&w[i].thread, NULL, run, &w[i]))
			die("pthread_create");
	long total = 0;
	for (int i = 0; i < threads; i++) {
		pthread_join(w[i].thread, NULL);
		total += w[i].done;
	}
	double secs = (now_ns(CLOCK_MONOTONIC) - start) / 1e9;

	if (sample_file) {
		FILE *f = fopen(sample_file, "w");
		if (!f)
			die(sample_file);
		for (int i = 0; i < threads; i++)
			for (long j = 0; j < w[i].nsamples; j++)
				fprintf(f, "%u\t%lld\t%lld\n", w[i].samples[j].lport,
					(long long)w[i].samples[j].start_ns, (long long)w[i].samples[j].life_ns);
		fclose(f);
	}
	printf("pid=%d ports=", getpid());
	for (int i = 0; i < threads; i++)
		printf("%s%u", i ? "," : "", w[i].port);
	/* CPU the storm itself burned (user + system: loopback TCP and any tracer's kernel programs
	 * run in its context), for a rate per CPU-second that other load on the host does not skew. */
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	printf(" connections=%ld seconds=%.3f rate=%.0f cpu=%.3f\n", total, secs, total / secs, cpu);
	return 0;
}
