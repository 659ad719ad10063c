using N3ttrace.Lineage;
using N3ttrace.Pipeline;

namespace N3ttrace.Core.Tests.Pipeline;

public class ProcessTextCacheTests
{
    private static ProcessContext Context(string exe, string argv) => new()
    {
        Comm = Path.GetFileName(exe),
        Exe = exe,
        Argv = System.Text.Encoding.UTF8.GetBytes(argv.Replace(' ', '\0') + "\0"),
        Cwd = "/",
        EnvSha256 = "",
    };

    private static ProcessNode Node(int pid, ProcessContext ctx) => new()
    {
        Key = new ProcessKey(pid, 100),
        ProcessId = $"p{pid}",
        AncestryId = $"a{pid}",
        Parent = ParentKnowledge.Root,
        ParentChain = "1",
        Context = ctx,
    };

    [Fact]
    public void Gives_what_facts_and_ancestry_compute_for_every_comm_and_context()
    {
        var cache = new ProcessTextCache();
        var curl = Context("/usr/bin/curl", "curl -s x");
        var node = Node(42, curl);
        foreach (var comm in new[] { "curl", "curl", "kworker", "curl" })
        {
            var (facts, ancestry) = cache.Get(node, curl, comm);
            Assert.Equal(ProcessFacts.Of(comm, curl), facts);
            Assert.Equal(node.Ancestry(comm), ancestry);
        }
        var renamed = curl with { Argv = System.Text.Encoding.UTF8.GetBytes("sshd\0") };
        Assert.Equal(ProcessFacts.Of("curl", renamed), cache.Get(node, renamed, "curl").Facts);
        Assert.Contains(ProcessFacts.Argv0Mismatch, cache.Get(node, renamed, "curl").Facts);
        var other = Node(43, curl);
        Assert.Equal(other.Ancestry("curl"), cache.Get(other, curl, "curl").Ancestry);
        Assert.Equal("", cache.Get(null, curl, "curl").Ancestry);
    }

    [Fact]
    public void A_command_line_is_joined_once_per_argv_block()
    {
        var ctx = Context("/bin/sh", "sh -c true");
        Assert.Equal("sh -c true", ctx.CommandLine);
        Assert.Same(ctx.CommandLine, (ctx with { Comm = "x" }).CommandLine);
        Assert.Equal("a b", (ctx with { Argv = "a\0b\0"u8.ToArray() }).CommandLine);
    }
}
