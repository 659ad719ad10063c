using N3ttrace.Capture.Proc.ProcFs;
using N3ttrace.Lineage;

namespace N3ttrace.Capture.Proc.Tests.ProcFs;

public class ProcStatTests
{
    [Fact]
    public void Parses_a_comm_with_spaces_and_parentheses()
    {
        var line = "4242 (evil) (x y) S 17 4242 4242 34816 4242 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 100 18446744073709551615";
        Assert.True(ProcStat.TryParse(line, out var st));
        Assert.Equal(4242, st.Pid);
        Assert.Equal("evil) (x y", st.Comm);
        Assert.Equal(17, st.PPid);
        Assert.Equal(4242, st.Session);
        Assert.Equal(34816, st.TtyNr);
        Assert.Equal(987654UL, st.StartTicks);
        Assert.Equal("pts/0", TtyName.FromTtyNr(st.TtyNr));
    }

    [Fact]
    public void Reads_this_process()
    {
        Assert.True(ProcStat.TryRead("/proc", Environment.ProcessId, out var st));
        Assert.Equal(Environment.ProcessId, st.Pid);
        Assert.True(st.StartTicks > 0);
    }

    [Theory]
    [InlineData("pts3", "pts/3")]
    [InlineData("tty1", "tty1")]
    [InlineData("", "")]
    public void Kernel_tty_names_match_proc_spelling(string kernel, string expected) =>
        Assert.Equal(expected, TtyName.FromKernelName(kernel));
}
