using System.Diagnostics;
using N3ttrace.Events;
using N3ttrace.Capture.Proc.ProcFs;
using N3ttrace.Lineage;

namespace N3ttrace.Capture.Proc.Tests;

/// <summary>Fork, exec and exit inferred from /proc listings, with real child processes.</summary>
public class ProcessPollerTests
{
    // Forks a child that keeps python's image, and one that execs sleep; prints both pids.
    private const string Script = """
import os, sys, time
a = os.fork()
if a == 0:
    time.sleep(30); os._exit(0)
b = os.fork()
if b == 0:
    os.execv("/bin/sleep", ["sleep", "30"])
print(a, b, flush=True)
sys.stdin.readline()
os.kill(a, 9); os.kill(b, 9); os.waitpid(a, 0); os.waitpid(b, 0)
""";

    [Fact]
    public void New_children_become_fork_or_exec_events_with_their_parent_and_exits_are_seen()
    {
        var poller = new ProcessPoller(new ProcessReader());
        var events = new List<CaptureEvent>();
        poller.Poll(1, events.Add, initial: true);
        Assert.Empty(events);

        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Script);
        using var p = Process.Start(psi)!;
        var pids = p.StandardOutput.ReadLine()!.Split(' ').Select(int.Parse).ToArray();
        for (var i = 0; i < 250 && !File.ReadAllText($"/proc/{pids[1]}/comm").StartsWith("sleep", StringComparison.Ordinal); i++)
        {
            Thread.Sleep(20); // let the exec'ing child finish its exec
        }
        poller.Poll(2, events.Add, initial: false);

        Assert.True(ProcStat.TryRead("/proc", p.Id, out var parent));
        var forked = Assert.Single(events.OfType<ProcessForked>(), e => e.Child.Tgid == pids[0]);
        Assert.Equal(p.Id, forked.Parent.Tgid);
        Assert.Equal(parent.StartTicks, forked.Parent.StartTicks);
        var execed = Assert.Single(events.OfType<ProcessExeced>(), e => e.Process.Tgid == pids[1]);
        Assert.Equal(p.Id, execed.Parent.Tgid);
        Assert.Equal("sleep", execed.Context.Comm);
        Assert.Equal("sleep\030\0"u8.ToArray(), execed.Context.Argv);
        // The python parent itself was exec'd by this test process.
        var self = Assert.Single(events.OfType<ProcessExeced>(), e => e.Process.Tgid == p.Id);
        Assert.Equal(Environment.ProcessId, self.Parent.Tgid);
        Assert.True(poller.Live.ContainsKey(pids[0]) && poller.Live.ContainsKey(pids[1]));

        events.Clear();
        p.StandardInput.WriteLine();
        Assert.True(p.WaitForExit(10_000));
        poller.Poll(3, events.Add, initial: false);
        var exited = events.OfType<ProcessExited>().Select(e => e.Process.Tgid).ToHashSet();
        Assert.Superset(new HashSet<int>([p.Id, pids[0], pids[1]]), exited);
        Assert.False(poller.Live.ContainsKey(p.Id));
    }

    // The child is forked, waits for a byte on a pipe, then execs sleep.
    private const string LateExec = """
import os, sys
r, w = os.pipe()
c = os.fork()
if c == 0:
    os.close(w)
    os.read(r, 1)
    os.execv("/bin/sleep", ["sleep", "30"])
os.close(r)
print(c, flush=True)
sys.stdin.readline()
os.write(w, b"x")
sys.stdin.readline()
os.kill(c, 9); os.waitpid(c, 0)
""";

    [Fact]
    public void Exec_after_the_poll_that_saw_the_fork_is_posted_when_the_process_is_looked_at_again()
    {
        var poller = new ProcessPoller(new ProcessReader());
        var events = new List<CaptureEvent>();
        poller.Poll(1, events.Add, initial: true);
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(LateExec);
        using var p = Process.Start(psi)!;
        var child = int.Parse(p.StandardOutput.ReadLine()!, System.Globalization.CultureInfo.InvariantCulture);
        poller.Poll(2, events.Add, initial: false);
        Assert.Single(events.OfType<ProcessForked>(), e => e.Child.Tgid == child);
        poller.RefreshIfExeced(child, 3, events.Add);
        Assert.DoesNotContain(events.OfType<ProcessExeced>(), e => e.Process.Tgid == child); // nothing changed yet

        p.StandardInput.WriteLine();
        p.StandardInput.Flush();
        for (var i = 0; i < 50 && !File.ReadAllText($"/proc/{child}/comm").StartsWith("sleep", StringComparison.Ordinal); i++)
        {
            Thread.Sleep(20);
        }
        poller.RefreshIfExeced(child, 4, events.Add);
        var x = Assert.Single(events.OfType<ProcessExeced>(), e => e.Process.Tgid == child);
        Assert.Equal(p.Id, x.Parent.Tgid);
        Assert.Equal("sleep", x.Context.Comm);
        Assert.Equal(4, x.BootNs);
        p.StandardInput.WriteLine();
        Assert.True(p.WaitForExit(10_000));
    }
}
