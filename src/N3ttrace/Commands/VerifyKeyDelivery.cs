using System.CommandLine;
using System.Text;
using N3ttrace.Trail;

namespace N3ttrace.Cli.Commands;

/// <summary>
/// Where a new trail's verification key goes: the controlling terminal (/dev/tty), or a file given with
/// --verify-key-out (created 0600, never through a symlink, never over an existing file). Never stderr: under
/// systemd or Docker stderr is the journal or the container log, on this host, next to the trail the key protects.
/// Chosen before the trail is made, so a start that has nowhere to put the key makes no key at all.
/// </summary>
internal sealed class VerifyKeyDelivery : IDisposable
{
    private readonly FileStream _target;
    private readonly string _where;

    private VerifyKeyDelivery(FileStream target, string where, bool isTerminal)
    {
        _target = target;
        _where = where;
        IsTerminal = isTerminal;
    }

    public bool IsTerminal { get; }

    public static Option<string?> Option() => new("--verify-key-out")
    {
        Description = "Write a new trail's verification key to FILE (created 0600; it must not exist) instead of the terminal. " +
            "Move it off this host. Needed when run starts a new trail without a terminal (systemd, Docker, ssh -T).",
    };

    /// <summary>True when starting on dir creates a new sealing key, and with it a verification key.</summary>
    public static bool NewTrail(StateDirectory dir) => !dir.FileExists(SealingKey.FileName);

    /// <summary>Opens the destination, or returns null with the reason in <paramref name="error"/>.</summary>
    public static VerifyKeyDelivery? Open(string? outFile, out string error)
    {
        error = "";
        if (outFile is not null)
        {
            var path = Path.GetFullPath(outFile);
            try
            {
                // CreateNew is O_CREAT|O_EXCL: it never opens an existing file, nor follows a planted symlink.
                var file = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
                return new VerifyKeyDelivery(file, path, isTerminal: false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = $"--verify-key-out: cannot create {Text.TextEscaper.Escape(path)}: {e.Message} (it must not exist yet)";
                return null;
            }
        }
        try
        {
            return new VerifyKeyDelivery(new FileStream("/dev/tty", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 0), "/dev/tty", isTerminal: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = "this start makes a new trail, and its verification key is shown only once: run it on a terminal, " +
                "or give --verify-key-out FILE (created 0600; move it off this host). It never goes to stderr or a log.";
            return null;
        }
    }

    /// <summary>Delivers the key. On the terminal, before a live view would cover it, waits for Enter.</summary>
    /// <returns>A line for the log saying where the key went (never the key).</returns>
    public string Deliver(VerifyKey key, bool waitForEnter)
    {
        if (!IsTerminal)
        {
            _target.Write(Encoding.ASCII.GetBytes(key + "\n"));
            _target.Flush(flushToDisk: true);
            return $"new trail: verification key written to {_where} (mode 0600); move it off this host";
        }
        var text = $"""

            n3ttrace: this trail's VERIFICATION KEY (shown only now, never stored on this host):

                {key}

            Store it OFF this host (password manager, paper, another machine). With it,
            'n3ttrace verify --verify-key KEY' proves that records sealed before an intruder
            became root were not changed; without it, verify checks only the plain hash chain.

            """;
        if (waitForEnter)
        {
            text += "Press Enter once it is stored; the live view starts then.\n";
        }
        _target.Write(Encoding.UTF8.GetBytes(text.Replace("\n", "\r\n", StringComparison.Ordinal)));
        _target.Flush();
        if (waitForEnter)
        {
            var b = new byte[1];
            while (_target.Read(b, 0, 1) == 1 && b[0] is not ((byte)'\n' or (byte)'\r'))
            {
            }
        }
        return "new trail: verification key shown on the terminal";
    }

    public void Dispose() => _target.Dispose();
}
