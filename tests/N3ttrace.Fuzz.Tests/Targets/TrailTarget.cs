using System.Text;
using N3ttrace.Fuzz.Tests.Harness;
using N3ttrace.Fuzz.Tests.Seeds;
using N3ttrace.Trail;
using N3ttrace.Trail.TimeTravel;

namespace N3ttrace.Fuzz.Tests.Targets;

/// <summary>
/// Damaged trails (format 1 and format 2, every chained file and both dictionaries): the reader, query, time travel
/// and verify (with and without the key). Allowed: a report of damage, or the documented exceptions that the
/// commands turn into one line and exit 1 (InvalidDataException, IOException, StateDirectoryException).
/// </summary>
public sealed class TrailTarget : IFuzzTarget
{
    public string Name => "trail";

    public IEnumerable<byte[]> GeneratedSeeds()
    {
        foreach (var format1 in new[] { false, true })
        {
            using var t = new SeedTrail(format1);
            yield return StateFiles.Pack(t.Dir.Path, t.Key.ToString());
        }
    }

    public byte[] Mutate(byte[] seed, Mutation[] steps, byte[] donor)
    {
        // Mostly edit one file of the directory, so the others stay whole and the damage is local.
        var files = StateFiles.Unpack(seed);
        if (files.Count == 0 || steps[0].Value % 4 == 0)
        {
            return Mutator.Apply(seed, steps, donor);
        }
        var name = files.Keys.ElementAt(steps[0].At % files.Count);
        files[name] = Mutator.Apply(files[name], steps, donor);
        var ms = new MemoryStream();
        foreach (var (n, bytes) in files)
        {
            ms.Write(Encoding.ASCII.GetBytes($"==> {n} <==\n"));
            ms.Write(bytes);
        }
        return ms.ToArray();
    }

    public void Execute(byte[] input)
    {
        var files = StateFiles.Unpack(input);
        var root = Directory.CreateTempSubdirectory("n3t-fuzz-trail-").FullName;
        try
        {
            var dir = StateFiles.Write(files, root);
            VerifyKey? key = null;
            if (files.TryGetValue(StateFiles.KeyName, out var keyText))
            {
                VerifyKey.TryParse(Encoding.UTF8.GetString(keyText), out key);
            }
            // Each reader may end only with what its command catches and reports in one line (exit 1).
            string? connId = null;
            Documented(Reading, () =>
            {
                foreach (var name in new[] { StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile, CheckpointColumns.FileName })
                {
                    if (!dir.FileExists(name))
                    {
                        continue;
                    }
                    using var s = dir.OpenRead(name);
                    var reader = new TrailReader();
                    foreach (var row in reader.Read(s))
                    {
                        _ = row.Columns().Count();
                        connId ??= row.Get("conn_id") is { Length: > 0 } id && TrailSchema.IsDataRow(row) ? id : null;
                    }
                }
            });
            // explain: every row of one connection, unescaped.
            Documented(Reading, () =>
            {
                foreach (var name in new[] { StateDirectory.BirthRecordsFile, StateDirectory.TimelineFile })
                {
                    TrailRows.ForConnection(dir, name, connId ?? "");
                }
            });
            Documented(Querying, () => BirthRecordQuery.Run(dir.FilePath(StateDirectory.BirthRecordsFile), dir.FilePath(StateDirectory.TimelineFile), new QueryFilter()));
            Documented(Reading, () => TimeMachine.At(dir.FilePath(StateDirectory.TimelineFile), new DateTime(2026, 3, 1, 12, 0, 10, DateTimeKind.Utc)));
            var plain = TrailVerifier.Verify(dir.Path, null);
            OneLine(plain);
            if (key is not null)
            {
                OneLine(TrailVerifier.Verify(dir.Path, key));
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Damage is shown one finding per line: no finding may carry a raw newline or control byte.</summary>
    private static void OneLine(VerifyReport r)
    {
        foreach (var d in r.Damages)
        {
            var text = N3ttrace.Text.TextEscaper.Escape(d.ToString());
            if (text.Contains('\n'))
            {
                throw new FuzzFinding($"damage text spans lines: {text}");
            }
        }
    }

    /// <summary>What `at` and `explain` catch.</summary>
    private static readonly Type[] Reading = [typeof(InvalidDataException), typeof(IOException), typeof(StateDirectoryException), typeof(UnauthorizedAccessException)];
    /// <summary>What `query`, `export` and `tail` catch.</summary>
    private static readonly Type[] Querying = [typeof(InvalidDataException), typeof(IOException), typeof(StateDirectoryException), typeof(UnauthorizedAccessException)];

    /// <summary>Runs a reader; an exception of a type its command catches (a one-line message, exit 1) is allowed.</summary>
    public static void Documented(Type[] allowed, Action read)
    {
        try
        {
            read();
        }
        catch (Exception e) when (allowed.Any(t => t.IsInstanceOfType(e)))
        {
        }
    }
}
