// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * n3ttrace kernel side: socket births and deaths of active TCP opens, and the
 * process events (fork, exec, exit) that let user space keep exact lineage.
 *
 * It only does what must happen at the moment of the event: stamp the time,
 * take the connecting task's identity while it is current, and copy what will
 * be gone later (argv, environment, cwd, exe of a process that may exit a
 * millisecond after connecting). Everything else is done in C#.
 *
 * Every hook exists twice: tp_btf (default) and raw_tp (for kernels whose
 * tp_btf attach fails); the loader enables one set. Bodies are shared.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "n3ttrace.h"

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define USER_HZ_NS (1000000000ULL / 100)
#define PATH_DEPTH_MAX 64
#define NAME_MAX_ 256

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024 * 1024); /* ~350k connections of backlog: see BacklogPriority */
} n3t_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, N3T_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} n3t_stats SEC(".maps");

/* Written by user space (enum n3t_ctl_slot); the tracer's own tgid is read at every connect. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, N3T_CTL_MAX);
	__type(key, __u32);
	__type(value, __u64);
} n3t_ctl SEC(".maps");

/* conn_start.established: what the socket is. */
enum sock_role {
	ROLE_CONNECTING = 0, /* connect() called, not established */
	ROLE_OUTBOUND = 1,   /* an established active open */
	ROLE_LISTENER = 2,
	ROLE_INBOUND = 3,    /* an established passive open (accepted) */
};

/* Identity of the task that called connect() or listen(), keyed by socket, until the socket closes.
 * An accepted socket carries its listener's owner. */
struct conn_start {
	__u64 connect_ns;
	__u64 start_ticks;
	__u64 cgroup_id;
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__u32 established; /* enum sock_role */
	char comm[N3T_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 262144);
	__type(key, __u64);
	__type(value, struct conn_start);
} n3t_conns SEC(".maps");

/* A listener's owner by (netns, port), and the listening socket it belongs to. */
struct listen_owner {
	struct conn_start cs;
	__u64 sock_id;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct n3t_listen_key);
	__type(value, struct listen_owner);
} n3t_listen SEC(".maps");

/* Exec records are too large for the BPF stack: one scratch slot per CPU.
 * Tracepoints run with preemption disabled, so a slot is never shared. */
#define SCRATCH_MASK (65536 - 1) /* > N3T_EXEC_DATA_MAX; offsets are masked with it */
struct exec_scratch {
	struct n3t_exec hdr;
	__u8 data[2 * 65536]; /* masked offset + largest single copy always fits */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* the loader sets it to the number of possible CPUs */
	__type(key, __u32);
	__type(value, struct exec_scratch);
} n3t_exec_scratch SEC(".maps");

/*
 * What the last exec (or ctx record) of each process told user space, so connect() can tell
 * cheaply whether anything changed since: one lookup per connect, a record only on change.
 */
#define ARGV_HEAD 32
struct proc_seen {
	__u64 start_ticks;
	__u64 pwd;      /* fs->pwd.dentry last sent */
	__u64 pwd_mnt;  /* fs->pwd.mnt last sent */
	__u64 tty;      /* signal->tty last sent */
	__u64 argv_head[ARGV_HEAD / 8]; /* first bytes of argv memory at exec */
	__u32 head_valid;
	__u32 flags;    /* n3t_ctx_flags last sent */
	__u32 sid;      /* session last sent */
	__u32 _pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct proc_seen);
} n3t_seen SEC(".maps");

static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&n3t_stats, &idx);
	if (v)
		*v += 1;
}

/* User space drains the ring on a short timer: no wake-up per record keeps
 * the cost of a connect storm low (libbpf-tools wakes the reader per event). */
static __always_inline __u64 submit_flags(void)
{
	return BPF_RB_NO_WAKEUP;
}

static __always_inline __u64 start_ticks_of(struct task_struct *task)
{
	return BPF_CORE_READ(task, group_leader, start_boottime) / USER_HZ_NS;
}

/* ---- sockets ---------------------------------------------------------------- */

static __always_inline void fill_addrs(struct n3t_conn *e, const struct sock *sk)
{
	e->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	e->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->dport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	/* Explicit sizes: BPF_CORE_READ_INTO on an array would copy one element. */
	if (e->family == AF_INET) {
		bpf_core_read(e->saddr, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_core_read(e->daddr, 4, &sk->__sk_common.skc_daddr);
	} else {
		bpf_core_read(e->saddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(e->daddr, 16, &sk->__sk_common.skc_v6_daddr);
	}
}

/* BIRTH and FAIL: everything user space needs to certify the connection. */
static __always_inline void emit_conn(__u32 kind, const struct sock *sk, __u64 key,
				      struct conn_start *cs, int oldstate, __u64 now)
{
	struct n3t_conn *e = bpf_ringbuf_reserve(&n3t_events, sizeof(*e), 0);
	if (!e) {
		stat_inc(N3T_STAT_DROPPED);
		return;
	}
	e->kind = kind;
	e->oldstate = oldstate;
	e->ts_ns = now;
	e->sock_id = key;
	e->bytes_acked = 0;
	e->bytes_received = 0;
	e->tgid = cs->tgid;
	e->tid = cs->tid;
	e->uid = cs->uid;
	e->connect_ns = cs->connect_ns;
	e->start_ticks = cs->start_ticks;
	e->cgroup_id = cs->cgroup_id;
	__builtin_memcpy(e->comm, cs->comm, sizeof(e->comm));
	e->netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	e->_pad0 = 0;
	fill_addrs(e, sk);
	bpf_ringbuf_submit(e, submit_flags());
	stat_inc(N3T_STAT_EMITTED);
}

/* DEATH: only the record's prefix up to start_ticks (the BIRTH carried the rest). connect_ns is the birth's
 * time: a run that resumes a pinned kernel side names the connection (its conn_id) from it, although the
 * birth was read and written by the run before. */
#define N3T_CONN_DEATH_SIZE __builtin_offsetof(struct n3t_conn, start_ticks)

static __always_inline void emit_death(const struct sock *sk, __u64 key, const struct conn_start *cs,
				       int oldstate, __u64 now)
{
	struct n3t_conn *e = bpf_ringbuf_reserve(&n3t_events, N3T_CONN_DEATH_SIZE, 0);
	if (!e) {
		stat_inc(N3T_STAT_DROPPED);
		return;
	}
	const struct tcp_sock *tp = (const struct tcp_sock *)sk;
	e->kind = N3T_CONN_DEATH;
	e->oldstate = oldstate;
	e->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	e->ts_ns = now;
	e->sock_id = key;
	e->bytes_acked = BPF_CORE_READ(tp, bytes_acked);
	e->bytes_received = BPF_CORE_READ(tp, bytes_received);
	e->tgid = cs->tgid;
	e->tid = cs->tid;
	e->uid = cs->uid;
	e->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->dport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	e->connect_ns = cs->connect_ns;
	bpf_ringbuf_submit(e, submit_flags());
	stat_inc(N3T_STAT_EMITTED);
}

static __always_inline void check_context(struct task_struct *task, __u32 tgid, __u64 start, __u64 now);

static __always_inline bool is_self(struct task_struct *task, __u64 pid_tgid)
{
	/* The tracer never traces itself (its forwarder's connects would feed its own queue). */
	__u32 self_slot = N3T_CTL_SELF_TGID;
	__u64 *self = bpf_map_lookup_elem(&n3t_ctl, &self_slot);
	if (self && *self == (pid_tgid >> 32)) {
		__u32 start_slot = N3T_CTL_SELF_START;
		__u64 *self_start = bpf_map_lookup_elem(&n3t_ctl, &start_slot);
		if (self_start && *self_start == start_ticks_of(task))
			return true;
	}
	return false;
}

/* The identity of the current task, which is asking for this socket (connect() or listen()). */
static __always_inline void take_identity(struct conn_start *cs, __u64 pid_tgid, struct task_struct *task, __u64 now)
{
	cs->connect_ns = now;
	cs->tgid = pid_tgid >> 32;
	cs->tid = (__u32)pid_tgid;
	cs->uid = (__u32)bpf_get_current_uid_gid();
	cs->start_ticks = start_ticks_of(task);
	cs->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(cs->comm, sizeof(cs->comm));
}

static __always_inline void listen_key_of(const struct sock *sk, struct n3t_listen_key *k)
{
	k->netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	k->port = BPF_CORE_READ(sk, __sk_common.skc_num);
	k->_pad0 = 0;
}

static __always_inline int on_set_state(const struct sock *sk, int oldstate, int newstate)
{
	/* Five transitions matter: connect (CLOSE->SYN_SENT), its success (SYN_SENT->ESTABLISHED), listen()
	 * (CLOSE->LISTEN), an accepted socket's handshake (SYN_RECV->ESTABLISHED) and any end (->CLOSE).
	 * The rest (FIN states, a request becoming a child socket) stop here, before any map lookup: this
	 * runs several times per connection on a busy host. */
	bool connecting = oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT;
	bool listening = oldstate == TCP_CLOSE && newstate == TCP_LISTEN;
	bool accepted = oldstate == TCP_SYN_RECV && newstate == TCP_ESTABLISHED;
	if (!connecting && !listening && !accepted && newstate != TCP_CLOSE &&
	    !(oldstate == TCP_SYN_SENT && newstate == TCP_ESTABLISHED))
		return 0;
	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	__u64 key = (__u64)sk;
	__u64 now = bpf_ktime_get_boot_ns();

	if (connecting || listening) {
		/* Inside connect() or listen(): the current task is the one that asked for this socket. */
		struct task_struct *task = (struct task_struct *)bpf_get_current_task();
		__u64 pid_tgid = bpf_get_current_pid_tgid();
		if (is_self(task, pid_tgid))
			return 0;
		struct conn_start cs = {};
		take_identity(&cs, pid_tgid, task, now);
		if (listening) {
			cs.established = ROLE_LISTENER;
			struct listen_owner lo = {};
			struct n3t_listen_key lk;
			lo.cs = cs;
			lo.sock_id = key;
			listen_key_of(sk, &lk);
			if (bpf_map_update_elem(&n3t_listen, &lk, &lo, BPF_ANY))
				stat_inc(N3T_STAT_MAP_FULL);
		}
		if (bpf_map_update_elem(&n3t_conns, &key, &cs, BPF_ANY))
			stat_inc(N3T_STAT_MAP_FULL);
		check_context(task, cs.tgid, cs.start_ticks, now);
		if (listening)
			emit_conn(N3T_LISTEN, sk, key, &cs, oldstate, now);
		return 0;
	}

	if (accepted) {
		/* In softirq (or the listener owner's backlog processing): the current task is nobody's. The
		 * listener's owner, found by port, is who the connection came to. */
		struct n3t_listen_key lk;
		listen_key_of(sk, &lk);
		struct listen_owner *lo = bpf_map_lookup_elem(&n3t_listen, &lk);
		struct conn_start cs = {};
		if (lo)
			cs = lo->cs;
		else
			stat_inc(N3T_STAT_UNOWNED);
		cs.connect_ns = now;
		cs.established = ROLE_INBOUND;
		if (bpf_map_update_elem(&n3t_conns, &key, &cs, BPF_ANY))
			stat_inc(N3T_STAT_MAP_FULL);
		emit_conn(N3T_ACCEPT, sk, key, &cs, oldstate, now);
		return 0;
	}

	/* An end or an established connect: one lookup; sockets not followed end here. */
	struct conn_start *cs = bpf_map_lookup_elem(&n3t_conns, &key);
	if (!cs)
		return 0;

	if (oldstate == TCP_SYN_SENT && newstate == TCP_ESTABLISHED) {
		cs->established = ROLE_OUTBOUND;
		emit_conn(N3T_CONN_BIRTH, sk, key, cs, oldstate, now);
	} else if (newstate == TCP_CLOSE) {
		if (cs->established == ROLE_LISTENER) {
			/* Forget the port's owner only if it is still this socket (SO_REUSEPORT siblings). */
			struct n3t_listen_key lk;
			listen_key_of(sk, &lk);
			struct listen_owner *lo = bpf_map_lookup_elem(&n3t_listen, &lk);
			if (lo && lo->sock_id == key)
				bpf_map_delete_elem(&n3t_listen, &lk);
		}
		if (cs->established != ROLE_CONNECTING)
			emit_death(sk, key, cs, oldstate, now);
		else
			emit_conn(N3T_CONN_FAIL, sk, key, cs, oldstate, now);
		bpf_map_delete_elem(&n3t_conns, &key);
	}
	return 0;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(n3t_sock_state_btf, const struct sock *sk, const int oldstate, const int newstate)
{
	return on_set_state(sk, oldstate, newstate);
}

SEC("raw_tp/inet_sock_set_state")
int BPF_PROG(n3t_sock_state_raw, const struct sock *sk, const int oldstate, const int newstate)
{
	return on_set_state(sk, oldstate, newstate);
}

/* ---- processes --------------------------------------------------------------- */

static __always_inline int on_fork(struct task_struct *parent, struct task_struct *child)
{
	/* Threads share their process's identity: only new thread groups matter. */
	if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid))
		return 0;
	struct n3t_fork *e = bpf_ringbuf_reserve(&n3t_events, sizeof(*e), 0);
	if (!e) {
		stat_inc(N3T_STAT_DROPPED);
		return 0;
	}
	e->kind = N3T_PROC_FORK;
	e->ts_ns = bpf_ktime_get_boot_ns();
	e->parent_tgid = BPF_CORE_READ(parent, tgid);
	e->parent_start_ticks = start_ticks_of(parent);
	e->child_tgid = BPF_CORE_READ(child, tgid);
	e->_pad0 = 0;
	e->child_start_ticks = BPF_CORE_READ(child, start_boottime) / USER_HZ_NS;
	BPF_CORE_READ_STR_INTO(&e->comm, child, comm);
	bpf_ringbuf_submit(e, submit_flags());
	stat_inc(N3T_STAT_EMITTED);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(n3t_fork_btf, struct task_struct *parent, struct task_struct *child)
{
	return on_fork(parent, child);
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(n3t_fork_raw, struct task_struct *parent, struct task_struct *child)
{
	return on_fork(parent, child);
}

static __always_inline int on_exit(struct task_struct *task, bool group_dead)
{
	if (!group_dead)
		return 0;
	__u32 tgid = BPF_CORE_READ(task, tgid);
	bpf_map_delete_elem(&n3t_seen, &tgid);
	struct n3t_exit *e = bpf_ringbuf_reserve(&n3t_events, sizeof(*e), 0);
	if (!e) {
		stat_inc(N3T_STAT_DROPPED);
		return 0;
	}
	e->kind = N3T_PROC_EXIT;
	e->ts_ns = bpf_ktime_get_boot_ns();
	e->tgid = tgid;
	e->start_ticks = start_ticks_of(task);
	e->exit_code = BPF_CORE_READ(task, exit_code);
	e->_pad0 = 0;
	bpf_ringbuf_submit(e, submit_flags());
	stat_inc(N3T_STAT_EMITTED);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(n3t_exit_btf, struct task_struct *task, bool group_dead)
{
	return on_exit(task, group_dead);
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(n3t_exit_raw, struct task_struct *task, bool group_dead)
{
	return on_exit(task, group_dead);
}

struct path_walk {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	__u32 cpu;
	__u32 off;
	__u32 len;
	bool trunc;
};

/* One step of the upward dentry walk; bpf_loop keeps verification linear in depth. */
static long path_step(__u64 index, void *ctx)
{
	struct path_walk *w = ctx;
	/* Plain locals: CO-RE relocations must not apply to this struct's own fields. */
	struct dentry *dentry = w->dentry;
	struct vfsmount *vfsmnt = w->vfsmnt;
	struct mount *mnt = w->mnt;
	struct dentry *mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
	struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
	if (dentry == mnt_root || dentry == parent) {
		struct mount *mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
		if (dentry != mnt_root || mnt == mnt_parent) {
			w->trunc = false; /* reached the root of the mount tree */
			return 1;
		}
		/* Cross to the mount point in the parent mount. */
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = mnt_parent;
		w->vfsmnt = &mnt_parent->mnt;
		return 0;
	}
	if (w->len >= N3T_PATH_MAX - NAME_MAX_)
		return 1;
	struct exec_scratch *s = bpf_map_lookup_elem(&n3t_exec_scratch, &w->cpu);
	if (!s)
		return 1;
	const unsigned char *name = BPF_CORE_READ(dentry, d_name.name);
	__u32 pos = (w->off + w->len) & SCRATCH_MASK;
	long n = bpf_probe_read_kernel_str(&s->data[pos], NAME_MAX_, name);
	if (n <= 0)
		return 1;
	/* n counts the NUL; it becomes the separator. */
	s->data[(pos + n - 1) & (2 * 65536 - 1)] = '/';
	w->len += n;
	w->dentry = parent;
	return 0;
}

/*
 * Writes the path of (dentry, vfsmount) leaf first, components separated by '/',
 * at data[off..] of this CPU's scratch slot. Returns the bytes written; sets
 * *trunc when the walk was cut short.
 */
static __always_inline __u32 read_path(__u32 cpu, __u32 off, struct dentry *dentry,
				       struct vfsmount *vfsmnt, bool *trunc)
{
	struct path_walk w = {
		.dentry = dentry,
		.vfsmnt = vfsmnt,
		.mnt = container_of(vfsmnt, struct mount, mnt),
		.cpu = cpu,
		.off = off,
		.len = 0,
		.trunc = true,
	};
	bpf_loop(PATH_DEPTH_MAX, path_step, &w, 0);
	*trunc = w.trunc;
	/* Drop the trailing separator. */
	return w.len ? w.len - 1 : 0;
}

static __always_inline __u32 read_user_block(__u8 *data, __u32 off, unsigned long start,
					     unsigned long end, __u32 max, __u32 *full,
					     __u32 trunc_flag, __u32 fault_flag, __u32 *flags)
{
	unsigned long n = end > start ? end - start : 0;
	*full = n;
	if (n > max) {
		n = max;
		*flags |= trunc_flag;
	}
	if (n == 0)
		return 0;
	__u32 len = n;
	if (len > max)
		len = max;
	if (bpf_probe_read_user(&data[off & SCRATCH_MASK], len, (void *)start)) {
		*flags |= fault_flag;
		return 0;
	}
	return len;
}

#define S_IFMT_ 00170000
#define S_IFSOCK_ 0140000
#define S_IFREG_ 0100000
#define S_IFCHR_ 0020000
#define S_IFIFO_ 0010000
#define PIPEFS_MAGIC_ 0x50495045
#define MAJOR_(dev) ((dev) >> 20)
#define MINOR_(dev) ((dev) & 0xfffff)

/*
 * What fds 0, 1, 2 are (tty, pipe, FIFO, socket, file, /dev/null) with the object's inode: user space
 * links a shell to the process at the other end of its pipe. Bounded: three fds, a fixed number of
 * reads each. Returns the N3T_EXEC_*_SOCK flags.
 */
#ifndef N3T_BENCH_STDIO_REPEAT
#define N3T_BENCH_STDIO_REPEAT 1
#endif

static __always_inline __u32 read_stdio(struct task_struct *task, struct n3t_fd *out)
{
	struct file **fds = BPF_CORE_READ(task, files, fdt, fd);
	unsigned int max = BPF_CORE_READ(task, files, fdt, max_fds);
	__u32 flags = 0;
	for (int i = 0; i < 3; i++) {
		struct file *f = NULL;
		out[i].ino = 0;
		out[i].dev = 0;
		out[i].kind = N3T_FD_NONE;
		out[i]._pad[0] = out[i]._pad[1] = out[i]._pad[2] = 0;
		if (i < max)
			bpf_probe_read_kernel(&f, sizeof(f), &fds[i]);
		if (!f)
			continue;
		struct inode *ino = BPF_CORE_READ(f, f_inode);
		__u32 mode = BPF_CORE_READ(ino, i_mode) & S_IFMT_;
		struct super_block *sb = BPF_CORE_READ(ino, i_sb);
		out[i].ino = BPF_CORE_READ(ino, i_ino);
		out[i].dev = BPF_CORE_READ(sb, s_dev);
		if (mode == S_IFSOCK_) {
			out[i].kind = N3T_FD_SOCKET;
			flags |= N3T_EXEC_STDIN_SOCK << i;
		} else if (mode == S_IFIFO_) {
			out[i].kind = BPF_CORE_READ(sb, s_magic) == PIPEFS_MAGIC_ ? N3T_FD_PIPE : N3T_FD_FIFO;
		} else if (mode == S_IFREG_) {
			out[i].kind = N3T_FD_FILE;
		} else if (mode == S_IFCHR_) {
			__u32 rdev = BPF_CORE_READ(ino, i_rdev);
			__u32 major = MAJOR_(rdev);
			out[i].dev = rdev;
			if (major == 1 && MINOR_(rdev) == 3)
				out[i].kind = N3T_FD_NULL;
			else if (major == 4 || major == 5 || (major >= 136 && major <= 143))
				out[i].kind = N3T_FD_TTY;
			else
				out[i].kind = N3T_FD_CHAR;
		} else {
			out[i].kind = N3T_FD_OTHER;
		}
	}
	return flags;
}

static __always_inline bool exe_deleted(struct mm_struct *mm)
{
	struct file *exe = BPF_CORE_READ(mm, exe_file);
	return exe && BPF_CORE_READ(exe, f_path.dentry, d_inode, __i_nlink) == 0;
}

/* The first ARGV_HEAD bytes at arg_start (argv, then env when argv is shorter). */
static __always_inline __u32 read_argv_head(struct mm_struct *mm, __u64 *head)
{
	unsigned long start = BPF_CORE_READ(mm, arg_start);
	return bpf_probe_read_user(head, ARGV_HEAD, (void *)start) == 0;
}

/*
 * In connect(): compares the connecting process with what user space was last told and sends
 * an n3t_ctx record only when it differs. A chdir() after exec, an executable deleted after
 * exec and argv overwritten in memory are caught here; so is the first connect of a process
 * whose exec was never seen (forked workers, processes older than the tracer).
 */
static __always_inline void check_context(struct task_struct *task, __u32 tgid, __u64 start, __u64 now)
{
	struct fs_struct *fs = BPF_CORE_READ(task, fs);
	struct dentry *pwd = BPF_CORE_READ(fs, pwd.dentry);
	struct vfsmount *pwd_mnt = BPF_CORE_READ(fs, pwd.mnt);
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	__u32 flags = exe_deleted(mm) ? N3T_CTX_EXE_DELETED : 0;
	__u64 head[ARGV_HEAD / 8] = {};
	__u32 head_valid = read_argv_head(mm, head);
	__u32 sid = BPF_CORE_READ(task, signal, pids[PIDTYPE_SID], numbers[0].nr);
	struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);

	struct proc_seen *ps = bpf_map_lookup_elem(&n3t_seen, &tgid);
	if (ps && ps->start_ticks == start) {
		if (ps->head_valid && head_valid &&
		    (ps->argv_head[0] != head[0] || ps->argv_head[1] != head[1] ||
		     ps->argv_head[2] != head[2] || ps->argv_head[3] != head[3]))
			flags |= N3T_CTX_ARGV_CHANGED;
		if (ps->pwd == (__u64)pwd && ps->pwd_mnt == (__u64)pwd_mnt && ps->flags == flags &&
		    ps->sid == sid && ps->tty == (__u64)tty)
			return; /* the common case: nothing new, no record */
		ps->pwd = (__u64)pwd;
		ps->pwd_mnt = (__u64)pwd_mnt;
		ps->flags = flags;
		ps->sid = sid;
		ps->tty = (__u64)tty;
	} else {
		struct proc_seen seen = {};
		seen.start_ticks = start;
		seen.pwd = (__u64)pwd;
		seen.pwd_mnt = (__u64)pwd_mnt;
		__builtin_memcpy(seen.argv_head, head, sizeof(head));
		seen.head_valid = head_valid;
		seen.flags = flags;
		seen.sid = sid;
		seen.tty = (__u64)tty;
		bpf_map_update_elem(&n3t_seen, &tgid, &seen, BPF_ANY);
		flags |= N3T_CTX_FIRST;
	}

	__u32 cpu = bpf_get_smp_processor_id();
	struct exec_scratch *s = bpf_map_lookup_elem(&n3t_exec_scratch, &cpu);
	if (!s)
		return;
	/* Header and path go to this CPU's scratch data: the header first, the path after it. */
	struct n3t_ctx *c = (struct n3t_ctx *)s->data;
	bool trunc;
	c->kind = N3T_PROC_CTX;
	c->tgid = tgid;
	c->ts_ns = now;
	c->start_ticks = start;
	c->sid = sid;
	c->_pad0 = 0;
	c->tty[0] = 0;
	if (tty)
		bpf_probe_read_kernel_str(c->tty, sizeof(c->tty), &tty->name);
	c->cwd_len = read_path(cpu, sizeof(*c), pwd, pwd_mnt, &trunc);
	c->flags = flags | (trunc ? N3T_CTX_CWD_TRUNC : 0);
	__u32 size = (sizeof(*c) + c->cwd_len) & (65536 - 1);
	if (bpf_ringbuf_output(&n3t_events, s->data, size, submit_flags()))
		stat_inc(N3T_STAT_DROPPED);
	else
		stat_inc(N3T_STAT_EMITTED);
}

static __always_inline int on_exec(struct task_struct *task)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct exec_scratch *s = bpf_map_lookup_elem(&n3t_exec_scratch, &cpu);
	if (!s)
		return 0;
	struct n3t_exec *h = &s->hdr;
	__u32 flags = 0;
	bool trunc;

	h->kind = N3T_PROC_EXEC;
	h->ts_ns = bpf_ktime_get_boot_ns();
	h->tgid = BPF_CORE_READ(task, tgid);
	h->start_ticks = start_ticks_of(task);
	h->cgroup_id = bpf_get_current_cgroup_id();
	struct task_struct *parent = BPF_CORE_READ(task, real_parent);
	h->parent_tgid = BPF_CORE_READ(parent, tgid);
	h->parent_start_ticks = start_ticks_of(parent);
	h->uid = BPF_CORE_READ(task, cred, uid.val);
	h->gid = BPF_CORE_READ(task, cred, gid.val);
	if (bpf_core_field_exists(task->loginuid))
		h->loginuid = BPF_CORE_READ(task, loginuid.val);
	else
		h->loginuid = (__u32)-1;
	h->sid = BPF_CORE_READ(task, signal, pids[PIDTYPE_SID], numbers[0].nr);
	BPF_CORE_READ_STR_INTO(&h->comm, task, comm);
	h->tty[0] = 0;
	struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);
	if (tty)
		bpf_probe_read_kernel_str(h->tty, sizeof(h->tty), &tty->name);

	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	/* Layout of data: [argv slot N3T_ARGV_MAX][env slot N3T_ENV_MAX][cwd][exe]; packed by user space reading lengths. */
	__u32 off = 0;
	h->argv_len = read_user_block(s->data, off, BPF_CORE_READ(mm, arg_start),
				      BPF_CORE_READ(mm, arg_end), N3T_ARGV_MAX, &h->argv_full_len,
				      N3T_EXEC_ARGV_TRUNC, N3T_EXEC_ARGV_FAULT, &flags);
	off += h->argv_len;
	h->env_len = read_user_block(s->data, off, BPF_CORE_READ(mm, env_start),
				     BPF_CORE_READ(mm, env_end), N3T_ENV_MAX, &h->env_full_len,
				     N3T_EXEC_ENV_TRUNC, N3T_EXEC_ENV_FAULT, &flags);
	off += h->env_len;

	struct fs_struct *fs = BPF_CORE_READ(task, fs);
	h->cwd_len = read_path(cpu, off, BPF_CORE_READ(fs, pwd.dentry),
			       BPF_CORE_READ(fs, pwd.mnt), &trunc);
	if (trunc)
		flags |= N3T_EXEC_CWD_TRUNC;
	off += h->cwd_len;

	struct file *exe = BPF_CORE_READ(mm, exe_file);
	h->exe_len = 0;
	if (exe) {
		struct dentry *d = BPF_CORE_READ(exe, f_path.dentry);
		h->exe_len = read_path(cpu, off, d, BPF_CORE_READ(exe, f_path.mnt), &trunc);
		if (trunc)
			flags |= N3T_EXEC_EXE_TRUNC;
		if (BPF_CORE_READ(d, d_inode, __i_nlink) == 0)
			flags |= N3T_EXEC_EXE_DELETED;
		off += h->exe_len;
	}
	__u32 stdio_flags = 0;
	/* bench/stdio-cost builds with a higher count to measure one read_stdio by difference; 1 ships. */
	for (int r = 0; r < N3T_BENCH_STDIO_REPEAT; r++)
		stdio_flags = read_stdio(task, h->stdio);
	h->flags = flags | stdio_flags;

	struct proc_seen seen = {};
	seen.start_ticks = h->start_ticks;
	seen.pwd = (__u64)BPF_CORE_READ(fs, pwd.dentry);
	seen.pwd_mnt = (__u64)BPF_CORE_READ(fs, pwd.mnt);
	seen.head_valid = read_argv_head(mm, seen.argv_head);
	seen.flags = (flags & N3T_EXEC_EXE_DELETED) ? N3T_CTX_EXE_DELETED : 0;
	seen.sid = h->sid;
	seen.tty = (__u64)tty;
	bpf_map_update_elem(&n3t_seen, &h->tgid, &seen, BPF_ANY);

	/* off <= N3T_EXEC_DATA_MAX; the mask only proves the bound to the verifier. */
	__u32 size = (sizeof(*h) + off) & (2 * 65536 - 1);
	if (bpf_ringbuf_output(&n3t_events, s, size, submit_flags()))
		stat_inc(N3T_STAT_DROPPED);
	else
		stat_inc(N3T_STAT_EMITTED);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(n3t_exec_btf, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	return on_exec(task);
}

SEC("raw_tp/sched_process_exec")
int BPF_PROG(n3t_exec_raw, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	return on_exec(task);
}

/* Only loaded by `doctor`: whether the task that accept()s could be seen at syscall exit (accepted
 * connections are attributed to the listener's owner; a forked or pre-forked acceptor is not seen). */
SEC("raw_tp/sys_exit")
int BPF_PROG(n3t_probe_sysexit_rawprobe, struct pt_regs *regs, long ret)
{
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(n3t_probe_sysexit_btfprobe, struct pt_regs *regs, long ret)
{
	return 0;
}

/* Only loaded by `doctor` to report whether fentry works on this kernel. */
SEC("fentry/tcp_connect")
int BPF_PROG(n3t_probe_fentry, struct sock *sk)
{
	return 0;
}

/* ---- UDP flows --------------------------------------------------------------- */
/*
 * A UDP flow is born with its first datagram: per (socket, destination) for unconnected sends (cgroup/sendmsg4/6,
 * deduplicated in the LRU n3t_udp_flows), per socket for a connected one (tp_btf/sock_send_length, deduplicated by
 * the socket's sk_storage mark). It dies when its socket is released (cgroup/sock_release: one record per socket,
 * user space ends every flow of it) or, unconnected, when user space finds it idle in n3t_udp_flows.
 * No payload is read. The cgroup programs always allow the operation (return 1).
 */
#define IPPROTO_UDP_ 17

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct n3t_udp_key);
	__type(value, struct n3t_udp_flow);
} n3t_udp_flows SEC(".maps");

/* What a UDP socket carried: a connected flow's id (0: none yet) and whether any flow was born on it. */
struct udp_sock_mark {
	__u64 connected_flow;
	__u32 has_flows;
	__u32 _pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct udp_sock_mark);
} n3t_udp_socks SEC(".maps");

/* Flow ids: a counter, so they never equal a TCP socket's kernel pointer (whose top bits are set). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} n3t_udp_seq SEC(".maps");

static __always_inline __u64 next_flow_id(void)
{
	__u32 zero = 0;
	__u64 *seq = bpf_map_lookup_elem(&n3t_udp_seq, &zero);
	if (!seq)
		return 0;
	return __sync_fetch_and_add(seq, 1) + 1;
}

/* How long an unconnected flow may go without sending before its next datagram is a new flow (n3t_ctl, set by user space). */
static __always_inline __u64 udp_idle_ns(bool replied)
{
	__u32 slot = replied ? N3T_CTL_UDP_REPLIED_NS : N3T_CTL_UDP_IDLE_NS;
	__u64 *v = bpf_map_lookup_elem(&n3t_ctl, &slot);
	if (v && *v)
		return *v;
	return (replied ? 120ULL : 30ULL) * 1000000000ULL;
}

/* The birth of a flow, in the sending task's context: its identity, as connect() takes it for TCP. */
static __always_inline void emit_udp_birth(__u64 flow_id, __u64 cookie, __u32 connected, __u64 prev_last_ns,
					   __u32 prev_replied, __u32 netns, __u16 family,
					   const __u8 *saddr, __u16 sport, const __u8 *daddr, __u16 dport, __u64 now)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct conn_start cs = {};
	take_identity(&cs, pid_tgid, task, now);
	check_context(task, cs.tgid, cs.start_ticks, now);
	struct n3t_udp_birth *b = bpf_ringbuf_reserve(&n3t_events, sizeof(*b), 0);
	if (!b) {
		stat_inc(N3T_STAT_DROPPED);
		return;
	}
	struct n3t_conn *e = &b->conn;
	e->kind = N3T_UDP_BIRTH;
	e->oldstate = 0;
	e->family = family;
	e->ts_ns = now;
	e->sock_id = flow_id;
	e->bytes_acked = 0;
	e->bytes_received = 0;
	e->tgid = cs.tgid;
	e->tid = cs.tid;
	e->uid = cs.uid;
	e->sport = sport;
	e->dport = dport;
	e->connect_ns = now;
	e->start_ticks = cs.start_ticks;
	e->cgroup_id = cs.cgroup_id;
	__builtin_memcpy(e->saddr, saddr, 16);
	__builtin_memcpy(e->daddr, daddr, 16);
	__builtin_memcpy(e->comm, cs.comm, sizeof(e->comm));
	e->netns = netns;
	e->_pad0 = 0;
	b->cookie = cookie;
	b->prev_last_ns = prev_last_ns;
	b->connected = connected;
	b->prev_replied = prev_replied;
	bpf_ringbuf_submit(b, submit_flags());
	stat_inc(N3T_STAT_EMITTED);
}

/* An unconnected datagram (cgroup/sendmsg4/6): a lookup and a store when the flow is known. */
static __always_inline int on_udp_sendmsg(struct bpf_sock_addr *ctx, bool v6)
{
	if (ctx->protocol != IPPROTO_UDP_)
		return 1;
	struct n3t_udp_key k = {};
	k.cookie = bpf_get_socket_cookie(ctx);
	k.dport = __builtin_bswap16((__u16)ctx->user_port);
	k.family = v6 ? AF_INET6 : AF_INET;
	if (v6) {
		__u32 *d = (__u32 *)k.daddr;
		d[0] = ctx->user_ip6[0];
		d[1] = ctx->user_ip6[1];
		d[2] = ctx->user_ip6[2];
		d[3] = ctx->user_ip6[3];
	} else {
		*(__u32 *)k.daddr = ctx->user_ip4;
	}
	__u64 now = bpf_ktime_get_boot_ns();
	__u64 prev_last = 0;
	__u32 prev_replied = 0;
	__u64 flow_id;
	struct n3t_udp_flow *f = bpf_map_lookup_elem(&n3t_udp_flows, &k);
	if (f) {
		__u64 last = f->last_ns;
		if (now - last < udp_idle_ns(f->reply_ns != 0)) {
			f->last_ns = now;
			return 1;
		}
		/* Idle past its timeout: user space has ended (or will end) it; this datagram starts a new flow.
		 * Of two CPUs racing here, the one that swaps last_ns is the birth. */
		if (__sync_val_compare_and_swap(&f->last_ns, last, now) != last)
			return 1;
		prev_last = last;
		prev_replied = f->reply_ns != 0;
		f->reply_ns = 0;
		flow_id = next_flow_id();
		f->flow_id = flow_id;
	} else {
		struct n3t_udp_flow nf = { .flow_id = next_flow_id(), .last_ns = now, .reply_ns = 0 };
		/* NOEXIST: two CPUs sending the same flow's first datagrams race; one birth. */
		if (bpf_map_update_elem(&n3t_udp_flows, &k, &nf, BPF_NOEXIST))
			return 1;
		flow_id = nf.flow_id;
	}
	/* The tracer's own datagrams (its syslog forwarder) are kept in the map, so they cost one lookup, never a record. */
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	if (is_self(task, bpf_get_current_pid_tgid()))
		return 1;
	struct bpf_sock *sk = ctx->sk;
	if (!sk)
		return 1;
	struct udp_sock_mark *m = bpf_sk_storage_get(&n3t_udp_socks, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (m)
		m->has_flows = 1;
	else
		stat_inc(N3T_STAT_UDP_UNMARKED);
	__u8 saddr[16] = {};
	if (v6) {
		__u32 *s = (__u32 *)saddr;
		s[0] = sk->src_ip6[0];
		s[1] = sk->src_ip6[1];
		s[2] = sk->src_ip6[2];
		s[3] = sk->src_ip6[3];
	} else {
		*(__u32 *)saddr = sk->src_ip4;
	}
	/* A sock_addr program has no path to the kernel socket: the sending task's namespace, which is the socket's
	 * unless the socket was handed over from another namespace. */
	__u32 netns = BPF_CORE_READ(task, nsproxy, net_ns, ns.inum);
	emit_udp_birth(flow_id, k.cookie, 0, prev_last, prev_replied, netns, k.family, saddr, sk->src_port, k.daddr, k.dport, now);
	return 1;
}

SEC("cgroup/sendmsg4")
int n3t_cg_sendmsg4(struct bpf_sock_addr *ctx)
{
	return on_udp_sendmsg(ctx, false);
}

SEC("cgroup/sendmsg6")
int n3t_cg_sendmsg6(struct bpf_sock_addr *ctx)
{
	return on_udp_sendmsg(ctx, true);
}

/* An unconnected receive names its peer: a reply to a known flow keeps it alive longer (the replied timeout). */
static __always_inline int on_udp_recvmsg(struct bpf_sock_addr *ctx, bool v6)
{
	if (ctx->protocol != IPPROTO_UDP_)
		return 1;
	struct n3t_udp_key k = {};
	k.cookie = bpf_get_socket_cookie(ctx);
	k.dport = __builtin_bswap16((__u16)ctx->user_port);
	k.family = v6 ? AF_INET6 : AF_INET;
	if (v6) {
		__u32 *d = (__u32 *)k.daddr;
		d[0] = ctx->user_ip6[0];
		d[1] = ctx->user_ip6[1];
		d[2] = ctx->user_ip6[2];
		d[3] = ctx->user_ip6[3];
	} else {
		*(__u32 *)k.daddr = ctx->user_ip4;
	}
	struct n3t_udp_flow *f = bpf_map_lookup_elem(&n3t_udp_flows, &k);
	if (f)
		f->reply_ns = bpf_ktime_get_boot_ns();
	return 1;
}

SEC("cgroup/recvmsg4")
int n3t_cg_recvmsg4(struct bpf_sock_addr *ctx)
{
	return on_udp_recvmsg(ctx, false);
}

SEC("cgroup/recvmsg6")
int n3t_cg_recvmsg6(struct bpf_sock_addr *ctx)
{
	return on_udp_recvmsg(ctx, true);
}

/* The end of every flow of a marked socket: one record, user space ends each flow it knows for the cookie. */
SEC("cgroup/sock_release")
int n3t_cg_sock_release(struct bpf_sock *sk)
{
	if (sk->protocol != IPPROTO_UDP_)
		return 1;
	struct udp_sock_mark *m = bpf_sk_storage_get(&n3t_udp_socks, sk, 0, 0);
	if (!m || !m->has_flows)
		return 1;
	struct n3t_udp_release *e = bpf_ringbuf_reserve(&n3t_events, sizeof(*e), 0);
	if (!e) {
		stat_inc(N3T_STAT_DROPPED);
		return 1;
	}
	e->kind = N3T_UDP_RELEASE;
	e->_pad0 = 0;
	e->ts_ns = bpf_ktime_get_boot_ns();
	e->cookie = bpf_get_socket_cookie(sk);
	bpf_ringbuf_submit(e, submit_flags());
	stat_inc(N3T_STAT_EMITTED);
	return 1;
}

/*
 * Every send of every socket passes here (connected UDP sends do not reach cgroup/sendmsg): leave at once unless
 * it is a connected UDP socket; one sk_storage lookup when its flow is known.
 */
SEC("tp_btf/sock_send_length")
int BPF_PROG(n3t_udp_send_btf, struct sock *sk, int ret, int flags)
{
	if (ret <= 0 || sk->sk_protocol != IPPROTO_UDP_ || sk->__sk_common.skc_state != TCP_ESTABLISHED)
		return 0;
	struct udp_sock_mark *m = bpf_sk_storage_get(&n3t_udp_socks, sk, 0, 0);
	if (m && m->connected_flow)
		return 0;
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	if (is_self(task, bpf_get_current_pid_tgid()))
		return 0;
	if (!m)
		m = bpf_sk_storage_get(&n3t_udp_socks, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (!m) {
		stat_inc(N3T_STAT_UDP_UNMARKED);
		return 0;
	}
	__u64 now = bpf_ktime_get_boot_ns();
	__u64 id = next_flow_id();
	/* Two threads' first sends race: the first to swap the id in is the birth. */
	if (__sync_val_compare_and_swap(&m->connected_flow, 0, id) != 0)
		return 0;
	m->has_flows = 1;
	__u16 family = sk->__sk_common.skc_family;
	__u8 saddr[16] = {}, daddr[16] = {};
	if (family == AF_INET) {
		bpf_probe_read_kernel(saddr, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_probe_read_kernel(daddr, 4, &sk->__sk_common.skc_daddr);
	} else {
		bpf_probe_read_kernel(saddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_probe_read_kernel(daddr, 16, &sk->__sk_common.skc_v6_daddr);
	}
	emit_udp_birth(id, bpf_get_socket_cookie(sk), 1, 0, 0, BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum), family, saddr, sk->__sk_common.skc_num,
		       daddr, __builtin_bswap16(sk->__sk_common.skc_dport), now);
	return 0;
}
