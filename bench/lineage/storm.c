/*
 * fork+exec storm: runs PROGRAM N times, one after another. Prints "RATE CPU_US": runs per second
 * of wall time, and CPU microseconds per run (this process and its children, user + system).
 * Kernel-side tracing (the eBPF programs run in the exec'ing task) shows in CPU_US, which other
 * load on the host does not inflate the way it inflates wall time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: storm N PROGRAM\n");
		return 2;
	}
	long n = atol(argv[1]);
	char *const args[] = { argv[2], NULL };
	char *const env[] = { "PATH=/usr/bin:/bin", NULL };
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		pid_t p = fork();
		if (p == 0) {
			execve(argv[2], args, env);
			_exit(127);
		}
		if (p < 0 || waitpid(p, NULL, 0) < 0) {
			perror("storm");
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	double s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	struct rusage self, kids;
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	double cpu = self.ru_utime.tv_sec + self.ru_stime.tv_sec + kids.ru_utime.tv_sec + kids.ru_stime.tv_sec +
		     (self.ru_utime.tv_usec + self.ru_stime.tv_usec + kids.ru_utime.tv_usec + kids.ru_stime.tv_usec) / 1e6;
	printf("%.1f %.1f\n", n / s, cpu * 1e6 / n);
	return 0;
}
