using System.CommandLine;
using N3ttrace.Trail.Export;
using N3ttrace.Trail;

namespace N3ttrace.Cli.Commands;

/// <summary>
/// `n3ttrace verify`: checks the state directory's hash chains and, with the verification key, the
/// forward-secure seals; or, with --bundle, an export bundle offline with no state directory.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var key = new Option<string?>("--verify-key")
        {
            Description = "The verification key shown once at the first start (n3v1-...). Without it only the plain hash chain is checked, "
                + "which anyone able to write the files can recompute; with it, seals of past epochs are checked too.",
        };
        var stateDir = CommonOptions.StateDir();
        var bundle = new Option<string?>("--bundle")
        {
            Description = "Verify an export bundle (.tar.gz) instead of a state directory, offline, on any machine: every file's SHA-256 "
                + "against SHA256SUMS, no file added or missing, manifest counts match the records, and the bundled trail's chain.",
        };
        var against = FleetOptions.ClickHouse("--against", required: false);
        against.Description = "Also compare the trail with the chain heads it shipped to ClickHouse (clickhouse://HOST[:PORT][/DATABASE]): " +
            "catches a rewrite or truncation made after shipping, even one re-chained and re-sealed with this host's own keys (docs/fleet.md).";
        var host = FleetOptions.Host();
        var cmd = new Command("verify",
            "Check the trail (or an export bundle) for edits, deletions, reordering and truncation. Exit 0 when intact, 1 when damaged, 2 on usage errors.")
        {
            key, stateDir, bundle, against, host,
        };
        cmd.SetAction(p =>
        {
            if (p.GetValue(bundle) is { } b)
            {
                return RunBundle(b, p.GetValue(key));
            }
            var rc = Run(p.GetValue(key), p.GetValue(stateDir)!);
            return p.GetValue(against) is { } url && rc != ExitCodes.Usage ? Math.Max(rc, Against(url, p.GetValue(host), p.GetValue(stateDir)!)) : rc;
        });
        return cmd;
    }

    private static int Against(string url, string? host, string stateDir)
    {
        try
        {
            var dir = StateDirectory.Open(stateDir, create: false);
            using var client = new Trail.Fleet.ClickHouseClient(Trail.Fleet.ClickHouseTarget.Parse(url));
            var name = Trail.Fleet.FleetHost.Local(host).Name;
            var r = Trail.Fleet.ChainAnchor.Compare(dir, client, name);
            if (r.Compared == 0)
            {
                Console.WriteLine($"against {client.Target}: no chain heads shipped for host {Text.TextEscaper.Escape(name)}: nothing to compare (--host?)");
                return ExitCodes.Failure;
            }
            if (r.Mismatches.Count == 0)
            {
                Console.WriteLine($"against {client.Target}: OK: all {r.Compared} shipped chain heads of host {Text.TextEscaper.Escape(name)} are in the trail as shipped");
                return ExitCodes.Ok;
            }
            Console.WriteLine($"against {client.Target}: REWRITTEN: {r.Mismatches.Count} of {r.Compared} shipped chain heads differ from the trail (history changed after it was shipped)");
            foreach (var m in r.Mismatches.Take(20))
            {
                Console.WriteLine($"  {m.File} chain_seq {m.Seq}: shipped {Text.TextEscaper.Escape(m.Shipped)}, trail {Text.TextEscaper.Escape(m.Local)}");
            }
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is Trail.Fleet.ClickHouseException or StateDirectoryException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"n3ttrace: verify --against: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    private static int Run(string? keyText, string stateDir)
    {
        VerifyKey? key = null;
        if (keyText is not null && !VerifyKey.TryParse(keyText, out key))
        {
            Console.Error.WriteLine("n3ttrace: --verify-key is not a verification key (expected n3v1-<64 hex>-<start>-<seconds>)");
            return ExitCodes.Usage;
        }
        VerifyReport r;
        try
        {
            r = TrailVerifier.Verify(stateDir, key);
        }
        catch (Exception e) when (e is StateDirectoryException or IOException or UnauthorizedAccessException)
        {
            // No trail to check is "not found", as in every other command: 1, not a usage error.
            Console.Error.WriteLine($"n3ttrace: {e.Message}");
            return ExitCodes.Failure;
        }
        var how = key is null ? "plain hash chain only (no --verify-key: seals not checked)" : "hash chain and forward-secure seals";
        // Gaps are recorded in both data chains; the timeline's list is the one to show.
        var gaps = r.Files.FirstOrDefault(f => f.File == StateDirectory.TimelineFile && f.Present)?.Gaps
            ?? r.Files.SelectMany(f => f.Gaps).ToList();
        if (r.Intact)
        {
            Console.WriteLine(gaps.Count == 0
                ? $"OK: trail intact, no gaps ({how})"
                : $"OK: trail intact, {gaps.Count} gap(s) recorded: what the tracer knows it did not see ({how})");
        }
        else
        {
            Console.WriteLine($"DAMAGED: {r.DamagesFound} finding(s) ({how})");
            Console.WriteLine($"first: {Text.TextEscaper.Escape(r.First!.ToString())}");
            foreach (var d in r.Damages.Skip(1).Take(19))
            {
                Console.WriteLine($"  {Text.TextEscaper.Escape(d.ToString())}");
            }
        }
        foreach (var f in r.Files)
        {
            if (!f.Present)
            {
                Console.WriteLine($"  {f.File,-18} missing");
                continue;
            }
            var span = f.FirstTs is null ? "" : $", {f.FirstTs} .. {f.LastTs}";
            var unsealed = f.File == CheckpointColumns.FileName ? "" : f.Rows == f.SealedRows ? ", all sealed" : $", {f.Rows - f.SealedRows} rows after the last checkpoint (running, or crashed and not restarted)";
            var pruned = f.PrunedThrough > 0 ? $", begins after rows 1..{f.PrunedThrough} pruned by retention (anchored)" : "";
            Console.WriteLine($"  {f.File,-18} {f.Rows} rows ({f.DataRows} records{(f.Starts > 0 ? $", {f.Starts} starts, {f.Stops} stops" : "")}){span}{unsealed}{pruned}");
        }
        foreach (var f in r.Files.Where(f => f.Prunes.Count > 0))
        {
            foreach (var x in f.Prunes.TakeLast(20))
            {
                Console.WriteLine($"  {f.File}: {Text.TextEscaper.Escape(x)}");
            }
        }
        if (r.Checkpoints > 0)
        {
            Console.WriteLine($"  seals: {r.Checkpoints} checkpoints, epochs {r.FirstEpoch}..{r.LastEpoch}, last {r.LastSealTs}");
            Console.WriteLine(r.EndsWithStop
                ? $"  end: proven (the trail ends with a stop seal at {r.LastSealTs})"
                : $"  end: NOT proven after the last seal at {r.LastSealTs}{Ago(r.LastSealTs)}: the tracer is running, was killed, or the end was cut off");
        }
        foreach (var g in gaps.Take(50))
        {
            Console.WriteLine($"  gap: {Text.TextEscaper.Escape(g)}");
        }
        if (gaps.Count > 50)
        {
            Console.WriteLine($"  ... and {gaps.Count - 50} more gap(s)");
        }
        var recoveries = r.Files.SelectMany(f => f.Recoveries.Select(x => $"{f.File} {x}")).ToList();
        if (recoveries.Count > 0)
        {
            Console.WriteLine($"  recoveries: {recoveries.Count}");
            foreach (var x in recoveries.Take(20))
            {
                Console.WriteLine($"    {Text.TextEscaper.Escape(x)}");
            }
        }
        return r.Intact ? ExitCodes.Ok : ExitCodes.Failure;
    }

    private static string Ago(string? ts)
    {
        if (ts is null || !DateTime.TryParseExact(ts, Time.Timestamp.Format, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var t))
        {
            return "";
        }
        var age = DateTime.UtcNow - t;
        return age < TimeSpan.Zero ? "" : $" ({(int)age.TotalHours}h {age.Minutes:00}m ago)";
    }

    private static int RunBundle(string path, string? keyText)
    {
        VerifyKey? key = null;
        if (keyText is not null && !VerifyKey.TryParse(keyText, out key))
        {
            Console.Error.WriteLine("n3ttrace: --verify-key is not a verification key (expected n3v1-<64 hex>-<start>-<seconds>)");
            return ExitCodes.Usage;
        }
        if (path.Length == 0)
        {
            Console.Error.WriteLine("n3ttrace: --bundle needs the path of a bundle (.tar.gz)");
            return ExitCodes.Usage;
        }
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
            v = BundleVerifier.Verify(fs, _ => bar.Report(fs.Position, fs.Length), key);
        }
        Console.WriteLine($"bundle:    {Text.TextEscaper.Escape(Path.GetFullPath(path))}");
        if (v.HostName is not null)
        {
            Console.WriteLine($"host:      {Text.TextEscaper.Escape(v.HostName)}");
            Console.WriteLine($"window:    {v.Window}");
            Console.WriteLine($"exported:  {v.ExportedAt}");
            Console.WriteLine($"case:      {Text.TextEscaper.Escape(v.CaseId ?? "-")}");
            Console.WriteLine($"trail:     {Text.TextEscaper.Escape(v.TrailVerified ?? "-")}");
            Console.WriteLine($"chain:     {(v.SealsChecked ? "hash chain and seals (verification key given)" : "hash chain only (no --verify-key: seals not checked)")}");
            Console.WriteLine(v.TrailChain ?? "");
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
