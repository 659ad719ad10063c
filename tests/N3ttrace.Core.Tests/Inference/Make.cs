using System.Net;
using System.Text;
using N3ttrace.Connections;
using N3ttrace.Inference;
using N3ttrace.Lineage;

namespace N3ttrace.Core.Tests.Inference;

/// <summary>Builds connections and process chains for rule tests (the pipeline builds the same objects from kernel events).</summary>
internal static class Make
{
    private static int s_pid = 1000;

    public static ProcessContext Ctx(string exe, string[] argv, string tty = "", string cgroup = "", long loginUid = -1, int stdio = 0) => new()
    {
        Comm = Path.GetFileName(exe),
        Exe = exe,
        Argv = Encoding.UTF8.GetBytes(string.Join('\0', argv)),
        Cwd = "/",
        EnvSha256 = "",
        Tty = tty,
        LoginUid = loginUid,
        Cgroup = cgroup,
        StdioSockets = stdio,
    };

    /// <summary>A process whose original parent is parent (null: started by init).</summary>
    public static ProcessNode Node(ProcessContext ctx, ProcessNode? parent = null, long? exited = null)
    {
        var pid = Interlocked.Increment(ref s_pid);
        return new ProcessNode
        {
            Key = new ProcessKey(pid, (ulong)pid),
            ProcessId = $"p{pid}",
            AncestryId = $"a{pid}",
            Parent = parent is null ? ParentKnowledge.Root : ParentKnowledge.Known,
            ParentNode = parent,
            ParentChain = "",
            Context = ctx,
            ExitedBootNs = exited,
        };
    }

    public static Connection Conn(ProcessNode node, long birthNs = 1_000_000_000, string remoteHash = "h1", bool beforeStart = false) => new()
    {
        ConnId = "0123456789abcdef",
        SocketKey = 1,
        Source = "test",
        BirthBootNs = birthNs,
        BirthUtc = DateTime.UtcNow,
        BirthBeforeStart = beforeStart,
        LocalAddress = IPAddress.Loopback,
        LocalPort = 40000,
        RemoteAddress = IPAddress.Loopback,
        RemotePort = 80,
        RemoteMasked = "127.0.0.0/24",
        RemoteScope = "loopback",
        RemoteHash = remoteHash,
        Pid = node.Key.Tgid,
        Comm = node.Context.Comm,
        Process = node,
        Context = node.Context,
        ProcessId = node.ProcessId,
        AncestryId = node.AncestryId,
        Ancestry = "",
        Facts = ProcessFacts.Of(node.Context.Comm, node.Context),
    };

    public static Subject Subject(Connection c, RulesConfig? config = null, long now = 2_000_000_000) => new(c, new RuleLists(config ?? RulesConfig.Default), now);

    public static ProcessNode Shell(string tty = "", ProcessNode? parent = null, long? exited = null) =>
        Node(Ctx("/usr/bin/bash", ["bash"], tty), parent, exited);
}
