/* Prints "struct field offset size" for every field of every ring buffer record in
 * bpf/n3ttrace.h, and "struct - sizeof -" for the whole struct. EventLayoutTests
 * compiles it with the host compiler and compares against the C# mirrors. */
#include <stddef.h>
#include <stdio.h>
#include "n3ttrace.h"

#define F(s, f) printf(#s " " #f " %zu %zu\n", offsetof(struct s, f), sizeof(((struct s *)0)->f))
#define S(s) printf(#s " - %zu -\n", sizeof(struct s))
#define E(e) printf("enum " #e " %d -\n", (int)(e))

int main(void)
{
	S(n3t_conn);
	F(n3t_conn, kind); F(n3t_conn, tgid); F(n3t_conn, tid); F(n3t_conn, uid);
	F(n3t_conn, ts_ns); F(n3t_conn, connect_ns); F(n3t_conn, sock_id); F(n3t_conn, start_ticks);
	F(n3t_conn, cgroup_id); F(n3t_conn, bytes_acked); F(n3t_conn, bytes_received);
	F(n3t_conn, family); F(n3t_conn, sport); F(n3t_conn, dport); F(n3t_conn, oldstate);
	F(n3t_conn, saddr); F(n3t_conn, daddr); F(n3t_conn, comm); F(n3t_conn, netns); F(n3t_conn, _pad0);

	S(n3t_fork);
	F(n3t_fork, kind); F(n3t_fork, parent_tgid); F(n3t_fork, ts_ns); F(n3t_fork, parent_start_ticks);
	F(n3t_fork, child_tgid); F(n3t_fork, _pad0); F(n3t_fork, child_start_ticks); F(n3t_fork, comm);

	S(n3t_exit);
	F(n3t_exit, kind); F(n3t_exit, tgid); F(n3t_exit, ts_ns); F(n3t_exit, start_ticks);
	F(n3t_exit, exit_code); F(n3t_exit, _pad0);

	S(n3t_exec);
	F(n3t_exec, kind); F(n3t_exec, tgid); F(n3t_exec, ts_ns); F(n3t_exec, start_ticks);
	F(n3t_exec, cgroup_id); F(n3t_exec, parent_start_ticks); F(n3t_exec, parent_tgid);
	F(n3t_exec, uid); F(n3t_exec, gid); F(n3t_exec, loginuid); F(n3t_exec, sid); F(n3t_exec, flags);
	F(n3t_exec, argv_len); F(n3t_exec, env_len); F(n3t_exec, cwd_len); F(n3t_exec, exe_len);
	F(n3t_exec, argv_full_len); F(n3t_exec, env_full_len); F(n3t_exec, comm); F(n3t_exec, tty);
	F(n3t_exec, stdio);

	S(n3t_fd);
	F(n3t_fd, ino); F(n3t_fd, dev); F(n3t_fd, kind); F(n3t_fd, _pad);

	S(n3t_ctx);
	F(n3t_ctx, kind); F(n3t_ctx, tgid); F(n3t_ctx, ts_ns); F(n3t_ctx, start_ticks);
	F(n3t_ctx, flags); F(n3t_ctx, cwd_len); F(n3t_ctx, sid); F(n3t_ctx, _pad0); F(n3t_ctx, tty);

	S(n3t_listen_key);
	F(n3t_listen_key, netns); F(n3t_listen_key, port); F(n3t_listen_key, _pad0);

	S(n3t_udp_birth);
	F(n3t_udp_birth, conn); F(n3t_udp_birth, cookie); F(n3t_udp_birth, prev_last_ns); F(n3t_udp_birth, connected); F(n3t_udp_birth, prev_replied);

	S(n3t_udp_release);
	F(n3t_udp_release, kind); F(n3t_udp_release, _pad0); F(n3t_udp_release, ts_ns); F(n3t_udp_release, cookie);

	S(n3t_udp_key);
	F(n3t_udp_key, cookie); F(n3t_udp_key, daddr); F(n3t_udp_key, dport); F(n3t_udp_key, family); F(n3t_udp_key, _pad0);

	S(n3t_udp_flow);
	F(n3t_udp_flow, flow_id); F(n3t_udp_flow, last_ns); F(n3t_udp_flow, reply_ns);

	/* Record kinds. */
	E(N3T_CONN_BIRTH); E(N3T_CONN_FAIL); E(N3T_CONN_DEATH); E(N3T_PROC_FORK); E(N3T_PROC_EXEC);
	E(N3T_PROC_EXIT); E(N3T_PROC_CTX); E(N3T_LISTEN); E(N3T_ACCEPT); E(N3T_UDP_BIRTH); E(N3T_UDP_RELEASE);

	/* Map slots user space reads and writes by index. */
	E(N3T_STAT_EMITTED); E(N3T_STAT_DROPPED); E(N3T_STAT_MAP_FULL); E(N3T_STAT_ORPHAN); E(N3T_STAT_UNOWNED); E(N3T_STAT_UDP_UNMARKED); E(N3T_STAT_MAX);
	E(N3T_CTL_SELF_TGID); E(N3T_CTL_SELF_START); E(N3T_CTL_LOADED_NS); E(N3T_CTL_ACK_DROPPED);
	E(N3T_CTL_ACK_MAP_FULL); E(N3T_CTL_UDP_IDLE_NS); E(N3T_CTL_UDP_REPLIED_NS); E(N3T_CTL_MAX);
	return 0;
}
