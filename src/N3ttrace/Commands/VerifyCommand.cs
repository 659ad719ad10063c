using System.CommandLine;
using N3ttrace.Export;

namespace N3ttrace.Cli.Commands;

/// <summary>
/// `n3ttrace verify --bundle FILE`: checks an export bundle offline, with no state directory.
/// (The trail's own `verify` of a state directory merges into this command.)
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var bundle = new Option<string>("--bundle")
        {
            Description = "An export bundle (.tar.gz) to check offline, on any machine: every file's SHA-256 against SHA256SUMS, no file added or missing, manifest counts match the records.",
            Required = true,
        };
        var cmd = new Command("verify", "Verify an export bundle. Exit 0 when intact, 1 when damaged (each damaged file is named), 2 on bad usage.")
        {
            bundle,
        };
        cmd.SetAction(p => Run(p.GetValue(bundle)!));
        return cmd;
    }

    public static int Run(string path)
    {
        FileStream fs;
        try
        {
            fs = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"n3ttrace: cannot read {Text.TextEscaper.Escape(path)}: {e.Message}");
            return ExitCodes.Failure;
        }
        BundleVerification v;
        using (fs)
        using (var bar = ProgressBar.ForStderr("verifying bundle"))
        {
            // Progress counts uncompressed bytes; the compressed position is what we can relate to the file size.
            v = BundleVerifier.Verify(fs, _ => bar.Report(fs.Position, fs.Length));
        }
        Console.WriteLine($"bundle:    {Text.TextEscaper.Escape(Path.GetFullPath(path))}");
        if (v.HostName is not null)
        {
            Console.WriteLine($"host:      {Text.TextEscaper.Escape(v.HostName)}");
            Console.WriteLine($"window:    {v.Window}");
            Console.WriteLine($"exported:  {v.ExportedAt}");
            Console.WriteLine($"case:      {Text.TextEscaper.Escape(v.CaseId ?? "-")}");
            Console.WriteLine($"trail:     {Text.TextEscaper.Escape(v.TrailVerified ?? "-")}");
        }
        foreach (var (name, status) in v.Files)
        {
            Console.WriteLine($"{status,-9} {name}");
        }
        if (v.Ok)
        {
            Console.WriteLine("bundle OK: every checksum matches and the manifest agrees with the records");
            return ExitCodes.Ok;
        }
        foreach (var p in v.Problems)
        {
            Console.Error.WriteLine($"n3ttrace: FAILED: {p}");
        }
        Console.Error.WriteLine($"bundle FAILED verification: {v.Problems.Count} problem(s)");
        return ExitCodes.Failure;
    }
}
