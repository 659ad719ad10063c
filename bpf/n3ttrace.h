/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The one definition of every record that crosses the ring buffer.
 * The C# mirrors live in src/N3ttrace.Capture.Ebpf/Native/Events.cs and a test
 * (tests/N3ttrace.Capture.Ebpf.Tests/EventLayoutTests) compiles this header and
 * checks every size and offset against them. Change both or neither.
 *
 * Fixed-width types only, explicit padding, natural alignment: the layout must
 * be the same for clang -target bpf and for the host compiler.
 */
#ifndef N3TTRACE_H
#define N3TTRACE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define N3T_COMM_LEN 16
#define N3T_TTY_LEN 32
/* Bounds on what is copied per exec. Powers of two: the kernel side masks offsets with them. */
#define N3T_ARGV_MAX 8192
#define N3T_ENV_MAX 32768
#define N3T_PATH_MAX 4096

enum n3t_kind {
	N3T_CONN_BIRTH = 1, /* active open reached ESTABLISHED */
	N3T_CONN_FAIL = 2,  /* SYN_SENT went straight to CLOSE: refused, timed out, reset */
	N3T_CONN_DEATH = 3, /* an established active open reached CLOSE */
	N3T_PROC_FORK = 4,  /* a new process (not a thread) */
	N3T_PROC_EXEC = 5,  /* followed by argv, env, cwd, exe bytes */
	N3T_PROC_EXIT = 6,  /* the last thread of a process exited */
	N3T_PROC_CTX = 7,   /* at connect: what changed since exec (cwd, deleted exe, argv); followed by cwd bytes */
	N3T_LISTEN = 8,     /* CLOSE->LISTEN, in the task that called listen(): saddr/sport are the bound address */
	N3T_ACCEPT = 9,     /* a passive open reached ESTABLISHED; the identity is the listener's owner (tgid 0: unknown) */
	/* A listener's or an accepted socket's end is an N3T_CONN_DEATH with its sock_id. */
	N3T_UDP_BIRTH = 10, /* a UDP flow's first datagram: struct n3t_udp_birth */
	N3T_UDP_RELEASE = 11, /* a socket that carried UDP flows was released: struct n3t_udp_release */
};

/* n3t_ctx.flags */
enum n3t_ctx_flags {
	N3T_CTX_CWD_TRUNC = 1 << 0,
	N3T_CTX_EXE_DELETED = 1 << 1,  /* the executable was unlinked after exec */
	N3T_CTX_ARGV_CHANGED = 1 << 2, /* argv memory no longer holds what exec put there */
	N3T_CTX_FIRST = 1 << 3,        /* first connect of a process whose exec was not seen */
};

/* n3t_exec.flags */
enum n3t_exec_flags {
	N3T_EXEC_ARGV_TRUNC = 1 << 0,
	N3T_EXEC_ENV_TRUNC = 1 << 1,
	N3T_EXEC_CWD_TRUNC = 1 << 2,
	N3T_EXEC_EXE_TRUNC = 1 << 3,
	N3T_EXEC_EXE_DELETED = 1 << 4,
	N3T_EXEC_ARGV_FAULT = 1 << 5, /* user memory could not be read */
	N3T_EXEC_ENV_FAULT = 1 << 6,
	N3T_EXEC_STDIN_SOCK = 1 << 7,  /* fd 0 is a socket at exec (nc -e, socat exec:) */
	N3T_EXEC_STDOUT_SOCK = 1 << 8,
	N3T_EXEC_STDERR_SOCK = 1 << 9,
};

/* n3t_fd.kind: what one of fd 0, 1, 2 is (how a process's stdio is wired). */
enum n3t_fd_kind {
	N3T_FD_NONE = 0,   /* closed */
	N3T_FD_TTY = 1,    /* a terminal: tty, console, pts */
	N3T_FD_PIPE = 2,   /* an anonymous pipe (pipefs) */
	N3T_FD_FIFO = 3,   /* a named pipe on a file system */
	N3T_FD_SOCKET = 4,
	N3T_FD_FILE = 5,   /* a regular file */
	N3T_FD_NULL = 6,   /* /dev/null */
	N3T_FD_CHAR = 7,   /* another character device */
	N3T_FD_OTHER = 8,  /* directory, block device, anon inode... */
};

/* One of a process's fds 0, 1, 2. ino and dev identify the object: two processes holding
 * the same pipe or FIFO have the same (kind, dev, ino). */
struct n3t_fd {
	__u64 ino;            /* inode number (pipefs, sockfs or the FIFO's file system) */
	__u32 dev;            /* kernel dev_t (major << 20 | minor): the rdev of a device, else the file system's */
	__u8 kind;            /* enum n3t_fd_kind */
	__u8 _pad[3];
};

/* Indexes of the per-CPU counter array "n3t_stats". */
enum n3t_stat {
	N3T_STAT_EMITTED = 0,   /* records submitted to the ring buffer */
	N3T_STAT_DROPPED = 1,   /* ring buffer full: record lost (must stay 0) */
	N3T_STAT_MAP_FULL = 2,  /* connect could not be tracked: socket map full */
	N3T_STAT_ORPHAN = 3,    /* ESTABLISHED/CLOSE of an active open whose connect predates the tracer */
	N3T_STAT_UNOWNED = 4,   /* an accepted connection whose listener was not seen (opened before the tracer, unbound listen()) */
	N3T_STAT_UDP_UNMARKED = 5, /* a UDP socket could not be marked (sk_storage allocation failed): its close is not seen */
	N3T_STAT_MAX = 6,
};

/*
 * Slots of the array "n3t_ctl" (u64 values), written by user space. The kernel side reads only
 * SELF_TGID; the rest let the next consumer of a pinned kernel side (see docs/internals.md,
 * "Pinned kernel side") pick up where the last one stopped.
 */
enum n3t_ctl_slot {
	N3T_CTL_SELF_TGID = 0,     /* the consumer's tgid: its own connects are not traced (0: none) */
	N3T_CTL_SELF_START = 1,    /* and its start_ticks: a process that reuses a dead consumer's pid is traced */
	N3T_CTL_LOADED_NS = 2,     /* CLOCK_BOOTTIME ns when the programs were attached */
	N3T_CTL_ACK_DROPPED = 3,   /* n3t_stats DROPPED total already in the trail (as gap records) */
	N3T_CTL_ACK_MAP_FULL = 4,  /* n3t_stats MAP_FULL total already in the trail */
	N3T_CTL_UDP_IDLE_NS = 5,   /* an unconnected UDP flow never answered is over after this long without a send (0: 30 s) */
	N3T_CTL_UDP_REPLIED_NS = 6, /* and one that was answered (0: 120 s) */
	N3T_CTL_MAX = 7,
};

/*
 * Key of the map "n3t_listen": the listening port in its network namespace. An accepted socket's
 * transition runs in softirq, where only its own addresses are at hand: this finds the listener's owner.
 * User space also writes it, for listeners that predate the kernel side.
 */
struct n3t_listen_key {
	__u32 netns;          /* network namespace inode (/proc/PID/ns/net) */
	__u16 port;           /* host order */
	__u16 _pad0;
};

/* Every record starts with kind; ts_ns is CLOCK_BOOTTIME nanoseconds.
 * N3T_CONN_BIRTH/FAIL/DEATH, N3T_LISTEN and N3T_ACCEPT share it: for N3T_ACCEPT saddr/sport is the
 * local (listening) side and daddr/dport the peer; for N3T_LISTEN daddr/dport are zero. */
struct n3t_conn {
	__u32 kind;
	__u16 oldstate;       /* TCP state before the transition */
	__u16 family;         /* AF_INET or AF_INET6 */
	__u64 ts_ns;          /* time of this transition */
	__u64 sock_id;        /* opaque per-socket key, unique while the socket lives */
	__u64 bytes_acked;    /* DEATH only */
	__u64 bytes_received; /* DEATH only */
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__u16 sport;          /* host order */
	__u16 dport;          /* host order */
	__u64 connect_ns;     /* time of connect(): CLOSE -> SYN_SENT (of the birth, in a DEATH) */
	/* A DEATH record ends here, at start_ticks: user space has the rest from the BIRTH, and a
	 * shorter record means more connections fit in the ring buffer. */
	__u64 start_ticks;    /* connecting process start, /proc/PID/stat field 22 units */
	__u64 cgroup_id;      /* cgroup v2 id of the connecting task */
	__u8 saddr[16];       /* IPv4 in the first 4 bytes */
	__u8 daddr[16];
	char comm[N3T_COMM_LEN]; /* comm of the connecting task at connect() */
	__u32 netns;          /* network namespace inode of the socket (/proc/PID/ns/net); 0 unknown */
	__u32 _pad0;
};

struct n3t_fork {
	__u32 kind;
	__u32 parent_tgid;
	__u64 ts_ns;
	__u64 parent_start_ticks;
	__u32 child_tgid;
	__u32 _pad0;
	__u64 child_start_ticks;
	char comm[N3T_COMM_LEN];
};

struct n3t_exit {
	__u32 kind;
	__u32 tgid;
	__u64 ts_ns;
	__u64 start_ticks;
	__s32 exit_code;
	__u32 _pad0;
};

/*
 * Followed by argv_len bytes of argv (NUL separated, as /proc/PID/cmdline),
 * env_len bytes of environment (as /proc/PID/environ), cwd_len bytes of cwd and
 * exe_len bytes of exe. Paths arrive leaf first: "c/b/a" for /a/b/c, because the
 * kernel walks dentries upward; the consumer reverses the components.
 */
struct n3t_exec {
	__u32 kind;
	__u32 tgid;
	__u64 ts_ns;
	__u64 start_ticks;
	__u64 cgroup_id;
	__u64 parent_start_ticks;
	__u32 parent_tgid;    /* real_parent at exec */
	__u32 uid;
	__u32 gid;
	__u32 loginuid;       /* (u32)-1 when unset */
	__u32 sid;            /* session id (setsid), in the initial pid namespace */
	__u32 flags;          /* enum n3t_exec_flags */
	__u32 argv_len;
	__u32 env_len;
	__u32 cwd_len;
	__u32 exe_len;
	__u32 argv_full_len;  /* before truncation */
	__u32 env_full_len;
	char comm[N3T_COMM_LEN];
	char tty[N3T_TTY_LEN]; /* "pts/3" style name, empty when none */
	struct n3t_fd stdio[3]; /* fds 0, 1, 2 at exec */
};

/*
 * Sent from connect() (CLOSE -> SYN_SENT, in the connecting task) only when something differs
 * from what the last exec or ctx record of this process said: the first connect of a process
 * whose exec was not seen, a chdir() or setsid() after exec, an executable deleted or argv
 * rewritten since.
 * Followed by cwd_len bytes of cwd, leaf first like n3t_exec's paths.
 */
struct n3t_ctx {
	__u32 kind;
	__u32 tgid;
	__u64 ts_ns;
	__u64 start_ticks;
	__u32 flags;          /* enum n3t_ctx_flags */
	__u32 cwd_len;
	__u32 sid;            /* session now (setsid() after exec is the daemon's way) */
	__u32 _pad0;
	char tty[N3T_TTY_LEN]; /* controlling terminal now, empty when none */
};

/*
 * Key of the LRU map "n3t_udp_flows": one unconnected UDP flow, the (socket, destination) pair.
 * User space looks flows up by it to learn when they last sent and whether a reply came (idle timeout).
 */
struct n3t_udp_key {
	__u64 cookie;         /* socket cookie (bpf_get_socket_cookie) */
	__u8 daddr[16];       /* IPv4 in the first 4 bytes */
	__u16 dport;          /* host order */
	__u16 family;         /* AF_INET or AF_INET6 */
	__u32 _pad0;
};

/* Value of "n3t_udp_flows". */
struct n3t_udp_flow {
	__u64 flow_id;        /* the birth's sock_id */
	__u64 last_ns;        /* CLOCK_BOOTTIME of the last datagram sent on the flow */
	__u64 reply_ns;       /* of the last datagram received from the destination (0: none yet) */
};

/*
 * N3T_UDP_BIRTH: the n3t_conn of the first datagram (sock_id is a flow id unique while the kernel side lives,
 * never a kernel pointer; saddr/sport the sending socket, daddr/dport the destination; connect_ns = ts_ns),
 * then the socket's cookie and whether the socket is connected (its flow then ends only with the socket).
 * An unconnected flow that sends again after its idle timeout is born again (a new flow id); prev_last_ns
 * then says when its predecessor last sent (0 for a first birth).
 */
struct n3t_udp_birth {
	struct n3t_conn conn;
	__u64 cookie;
	__u64 prev_last_ns;
	__u32 connected;
	__u32 prev_replied;   /* the predecessor had been answered */
};

/* N3T_UDP_RELEASE: every flow of the socket with this cookie ends now. */
struct n3t_udp_release {
	__u32 kind;
	__u32 _pad0;
	__u64 ts_ns;
	__u64 cookie;
};

#define N3T_EXEC_DATA_MAX (N3T_ARGV_MAX + N3T_ENV_MAX + 2 * N3T_PATH_MAX)

#endif /* N3TTRACE_H */
