// bench/stdio-cost: loads only n3t_exec_btf from a build of bpf/n3ttrace.bpf.c, attaches it, runs N execs of
// /bin/true, and prints the program's mean cost per run from the kernel's own bpf_stats (run_time_ns / run_cnt,
// kernel.bpf_stats_enabled must be 1). Nothing consumes the ring: a full ring drops the record after every read.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s OBJECT N_EXECS\n", argv[0]);
		return 2;
	}
	long n = atol(argv[2]);
	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "open %s failed\n", argv[1]);
		return 1;
	}
	struct bpf_program *prog, *exec = NULL;
	bpf_object__for_each_program(prog, obj) {
		int mine = strcmp(bpf_program__name(prog), "n3t_exec_btf") == 0;
		bpf_program__set_autoload(prog, mine);
		if (mine)
			exec = prog;
	}
	if (!exec || bpf_object__load(obj)) {
		fprintf(stderr, "load failed\n");
		return 1;
	}
	struct bpf_link *link = bpf_program__attach(exec);
	if (!link) {
		fprintf(stderr, "attach failed\n");
		return 1;
	}
	int fd = bpf_program__fd(exec);
	struct bpf_prog_info a = {0}, b = {0};
	__u32 len = sizeof(a);
	bpf_obj_get_info_by_fd(fd, &a, &len);
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			execl("/bin/true", "true", (char *)0);
			_exit(127);
		}
		waitpid(pid, NULL, 0);
	}
	len = sizeof(b);
	bpf_obj_get_info_by_fd(fd, &b, &len);
	unsigned long long runs = b.run_cnt - a.run_cnt, ns = b.run_time_ns - a.run_time_ns;
	if (runs == 0) {
		fprintf(stderr, "no runs counted: is kernel.bpf_stats_enabled 1?\n");
		return 1;
	}
	printf("runs=%llu run_time_ns=%llu ns_per_run=%.1f\n", runs, ns, (double)ns / runs);
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return 0;
}
