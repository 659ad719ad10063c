using N3ttrace.Connections;

namespace N3ttrace.Trail.Fleet;

/// <summary>
/// The SQL under `fleet query`, `fleet at` and `fleet top` (docs/fleet.md shows it). Written for 18.16 (one JOIN per
/// SELECT, ANY LEFT JOIN … USING) and current releases alike. FINAL removes what at-least-once delivery sent twice.
/// </summary>
public static class FleetQueries
{
    /// <summary>The birth certificate's columns as `query` prints them, in its order.</summary>
    private static readonly IReadOnlyList<string> BirthColumns = BirthRecordColumns.Names;

    public static string Query(string db, QueryFilter q, string? host, int limit)
    {
        var where = new List<string> { "event = 'birth'" };
        if (host is not null)
        {
            where.Add(FleetSql.Match("host", host));
        }
        if (q.Since is { } s)
        {
            where.Add($"ts_us >= {FleetSql.Number(FleetBatch.Micros(s))} AND day >= toDate({FleetSql.Quote(s.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))})");
        }
        if (q.Until is { } u)
        {
            where.Add($"ts_us < {FleetSql.Number(FleetBatch.Micros(u))} AND day <= toDate({FleetSql.Quote(u.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))})");
        }
        if (q.Pid is { } pid)
        {
            where.Add($"pid = {FleetSql.Number(pid)}");
        }
        if (q.Port is { } port)
        {
            where.Add($"rport = {FleetSql.Number(port)}");
        }
        if (q.Uid is { } uid)
        {
            where.Add($"uid = {FleetSql.Number(uid)}");
        }
        foreach (var (column, value) in new[] { ("conn_id", q.ConnId), ("cmdline", q.Cmdline), ("comm", q.Comm), ("exe", q.Exe), ("ancestry_id", q.Ancestry), ("remote_hash", q.RemoteHash) })
        {
            if (value is not null)
            {
                where.Add(column == "conn_id" || column == "remote_hash" ? $"{column} = {FleetSql.Quote(value)}" : FleetSql.Match(column, value));
            }
        }
        if (q.Direction is { } d)
        {
            where.Add($"direction = {FleetSql.Quote(FlowDirections.Name(d))}");
        }
        var outer = new List<string>();
        if (q.Purpose is { } purpose)
        {
            outer.Add(FleetSql.Match("if(v_level = '', b_purpose, v_purpose)", purpose));
        }
        if (q.Level is { } level)
        {
            var at = Verdict.LevelNames.SkipWhile(n => !string.Equals(n, level, StringComparison.OrdinalIgnoreCase)).Select(FleetSql.Quote);
            outer.Add($"if(v_level = '', b_level, v_level) IN ({string.Join(", ", at)})");
        }
        // The verdict columns get a name of their own here: the outer SELECT names the latest verdict level, score, ...
        var birth = string.Join(", ", BirthColumns.Select(c => c switch
        {
            ReasonColumns.Text => "arrayStringConcat(reasons, '; ') AS b_reasons",
            "level" or "score" or "purpose" => $"{c} AS b_{c}",
            _ => c,
        }));
        return $"""
            SELECT host, {string.Join(", ", BirthColumns.Select(c => c switch
            {
                "level" => "if(v_level = '', b_level, v_level) AS level",
                "score" => "if(v_level = '', b_score, v_score) AS score",
                "purpose" => "if(v_level = '', b_purpose, v_purpose) AS purpose",
                "reasons" => "if(v_level = '', b_reasons, v_reasons) AS reasons",
                _ => c,
            }))},
                end, end_ts, lifetime_s, if(v_level = '', 'birth', concat('level-change ', v_ts)) AS verdict_from, end_bytes_sent AS bytes_sent, end_bytes_received AS bytes_received
            FROM
            (
                SELECT * FROM
                (
                    SELECT host, ts_us, {birth}
                    FROM {db}.connections FINAL
                    WHERE {string.Join("\n          AND ", where)}
                )
                ANY LEFT JOIN
                (
                    SELECT host, conn_id, event AS end, ts AS end_ts, duration_s AS lifetime_s, bytes_sent AS end_bytes_sent, bytes_received AS end_bytes_received
                    FROM {db}.connections FINAL
                    WHERE event IN ('death', 'fail')
                ) USING (host, conn_id)
            )
            ANY LEFT JOIN
            (
                SELECT host, conn_id, argMax(level, ts_us) AS v_level, argMax(score, ts_us) AS v_score, argMax(purpose, ts_us) AS v_purpose,
                    arrayStringConcat(argMax(reasons, ts_us), '; ') AS v_reasons, argMax(ts, ts_us) AS v_ts
                FROM {db}.verdict_changes FINAL
                GROUP BY host, conn_id
            ) USING (host, conn_id)
            {(outer.Count > 0 ? "WHERE " + string.Join(" AND ", outer) : "")}
            ORDER BY ts_us, host, conn_id
            LIMIT {FleetSql.Number(limit)}
            """;
    }

    /// <summary>The columns of <see cref="Query"/>'s rows: host, then what `query` prints.</summary>
    public static readonly IReadOnlyList<string> QueryColumns = ["host", .. BirthRecordQuery.Columns];

    /// <summary>What each host was connected to at <paramref name="at"/>: born at or before it, not ended by then.</summary>
    public static string At(string db, DateTime at, string? host)
    {
        var t = FleetSql.Number(FleetBatch.Micros(at));
        var hostFilter = host is null ? "" : $" AND {FleetSql.Match("host", host)}";
        return $"""
            SELECT host, conn_id, ts AS birth, pid, comm, direction, remote_masked, rport, ancestry_id, level, purpose
            FROM {db}.connections FINAL
            WHERE event = 'birth' AND ts_us <= {t}{hostFilter}
              AND (host, conn_id) NOT IN
              (
                  SELECT host, conn_id FROM {db}.connections FINAL
                  WHERE event IN ('death', 'fail') AND ts_us <= {t}{hostFilter}
              )
            ORDER BY host, ts_us, conn_id
            """;
    }

    public static readonly IReadOnlyList<string> AtColumns = ["host", "conn_id", "birth", "pid", "comm", "direction", "remote_masked", "rport", "ancestry_id", "level", "purpose"];

    /// <summary>The gap records whose window holds <paramref name="at"/>: those hosts' answers are incomplete.</summary>
    public static string GapsAt(string db, DateTime at, string? host)
    {
        var t = FleetSql.Number(FleetBatch.Micros(at));
        return $"SELECT host, file, cause, records, from_us, to_us FROM {db}.gaps FINAL WHERE from_us <= {t} AND to_us >= {t}" +
            (host is null ? "" : $" AND {FleetSql.Match("host", host)}") + " ORDER BY host, from_us";
    }

    /// <summary>Where a level shows up most across the fleet since a time: per host and executable.</summary>
    public static string Top(string db, string level, DateTime since, int limit)
    {
        var at = Verdict.LevelNames.SkipWhile(n => !string.Equals(n, level, StringComparison.OrdinalIgnoreCase)).Select(FleetSql.Quote);
        var s = FleetSql.Number(FleetBatch.Micros(since));
        return $"""
            SELECT host, exe, count() AS connections, uniqExact(ancestry_id) AS lineages, uniqExact(remote_hash) AS endpoints,
                countIf(if(v_level = '', level, v_level) = 'THREAT') AS threats, min(ts) AS first_ts, max(ts) AS last_ts
            FROM
            (
                SELECT host, conn_id, exe, ancestry_id, remote_hash, level, ts
                FROM {db}.connections FINAL
                WHERE event = 'birth' AND ts_us >= {s}
            )
            ANY LEFT JOIN
            (
                SELECT host, conn_id, argMax(level, ts_us) AS v_level FROM {db}.verdict_changes FINAL WHERE ts_us >= {s} GROUP BY host, conn_id
            ) USING (host, conn_id)
            WHERE if(v_level = '', level, v_level) IN ({string.Join(", ", at)})
            GROUP BY host, exe
            ORDER BY connections DESC, host, exe
            LIMIT {FleetSql.Number(limit)}
            """;
    }

    public static readonly IReadOnlyList<string> TopColumns = ["host", "exe", "connections", "lineages", "endpoints", "threats", "first_ts", "last_ts"];

    /// <summary>A JSONEachRow line as text cells in <paramref name="columns"/>' order: arrays joined by "; ",
    /// numbers as written (Float64 with 6 decimals, as the trail writes seconds), null as "".</summary>
    public static string[] Cells(string jsonLine, IReadOnlyList<string> columns)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(jsonLine);
        var cells = new string[columns.Count];
        for (var i = 0; i < cells.Length; i++)
        {
            cells[i] = doc.RootElement.TryGetProperty(columns[i], out var v) ? Text(columns[i], v) : "";
        }
        return cells;
    }

    private static string Text(string column, System.Text.Json.JsonElement v) => v.ValueKind switch
    {
        System.Text.Json.JsonValueKind.String => v.GetString()!,
        System.Text.Json.JsonValueKind.Null => "",
        System.Text.Json.JsonValueKind.Array => string.Join("; ", v.EnumerateArray().Select(e => e.ToString())),
        System.Text.Json.JsonValueKind.Number when column is "lifetime_s" or "duration_s" => v.GetDouble().ToString("F6", System.Globalization.CultureInfo.InvariantCulture),
        _ => v.GetRawText(),
    };
}
