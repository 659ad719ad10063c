using N3ttrace.Fuzz.Tests.Targets;

namespace N3ttrace.Fuzz.Tests.Properties;

/// <summary>The crashes the fuzzers found, as the operator meets them: one line, the documented exit code.</summary>
public sealed class CliExitCodeTests : IDisposable
{
    private readonly CliTarget _cli = new();

    [Theory]
    [InlineData(2, "must not be empty", "verify", "--state-dir", "")]
    [InlineData(2, "needs the path of a bundle", "verify", "--bundle", "")]
    [InlineData(2, "Unrecognized command or argument '@/etc'", "verify", "@/etc")]
    [InlineData(2, "is not a time", "at", "-\u0663h")]
    [InlineData(2, "is not a verification key", "verify", "--verify-key", "n3v1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-99999999999999-1")]
    [InlineData(1, "the output file name is empty", "export", "--since", "2026-03-01T00:00:00Z", "-o", "")]
    public void A_bad_input_is_one_line_and_the_documented_exit_code(int code, string message, params string[] args)
    {
        var (exit, output) = _cli.Invoke(args);
        Assert.Equal(code, exit);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();
}
