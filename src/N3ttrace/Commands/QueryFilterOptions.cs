using System.CommandLine;
using N3ttrace.Connections;
using N3ttrace.Trail;
using N3ttrace.Trail.TimeTravel;

namespace N3ttrace.Cli.Commands;

/// <summary>The filters of `query`, defined once: `query` on this host's trail and `fleet query` across hosts take the same.</summary>
internal sealed class QueryFilterOptions
{
    private readonly Option<string?> _since, _until;
    private readonly Option<int?> _pid = new("--pid") { Description = "Process id (tgid) that connected." };
    private readonly Option<int?> _port = Numbers.OptionalInteger<int>("--port", "Remote port.", 1, 65535);
    private readonly Option<string?> _connId = new("--conn-id") { Description = "One connection's conn_id (16 hex digits)." };
    private readonly Option<string?> _cmdline = new("--cmdline") { Description = "Command line as stored (escaped): exact, or a glob with '*'." };
    private readonly Option<long?> _uid = Numbers.OptionalInteger<long>("--uid", "User id that connected.", 0, uint.MaxValue);
    private readonly Option<string?> _comm = new("--comm") { Description = "comm at connect: exact, or a glob with '*'." };
    private readonly Option<string?> _exe = new("--exe") { Description = "Executable path: exact, or a glob with '*'." };
    private readonly Option<string?> _ancestry = new("--ancestry") { Description = "ancestry_id (its recipe: docs/internals.md)." };
    private readonly Option<string?> _remoteHash = new("--remote-hash") { Description = "Keyed endpoint hash, as printed by 'n3ttrace hash-endpoint ADDR:PORT'." };
    private readonly Option<string?> _purpose = new("--purpose") { Description = "Latest purpose guess: exact, or a glob with '*'." };
    private readonly Option<string?> _level = new("--level") { Description = "Latest risk level, this one or above (as tail and the live view): NORMAL, ANOMALY or THREAT.", HelpName = "LEVEL" };
    private readonly Option<string?> _direction = new("--direction") { Description = "outbound, inbound (accepted on a listener) or listen (the listening socket)." };

    public QueryFilterOptions()
    {
        (_since, _until) = WindowOptions.Create("Only connections born in [--since, --until)");
        _level.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<string?>();
            if (v is not null && !Verdict.LevelNames.Contains(v.ToUpperInvariant()))
            {
                r.AddError("--level must be NORMAL, ANOMALY or THREAT");
            }
        });
        _direction.AcceptOnlyFromAmong([.. FlowDirections.Names]);
    }

    public IEnumerable<Option> All => [_since, _until, _pid, _port, _connId, _cmdline, _uid, _comm, _exe, _ancestry, _remoteHash, _purpose, _level, _direction];

    /// <summary>The filter given; throws FormatException for a time that does not parse.</summary>
    public QueryFilter Read(ParseResult p, DateTime now) => new()
    {
        Since = p.GetValue(_since) is { } s ? TimeExpression.Parse(s, now) : null,
        Until = p.GetValue(_until) is { } u ? TimeExpression.Parse(u, now) : null,
        Pid = p.GetValue(_pid),
        Port = p.GetValue(_port),
        ConnId = p.GetValue(_connId),
        Cmdline = p.GetValue(_cmdline),
        Uid = p.GetValue(_uid),
        Comm = p.GetValue(_comm),
        Exe = p.GetValue(_exe),
        Ancestry = p.GetValue(_ancestry),
        RemoteHash = p.GetValue(_remoteHash),
        Purpose = p.GetValue(_purpose),
        Level = p.GetValue(_level),
        Direction = p.GetValue(_direction) is { } d ? FlowDirections.Parse(d) : null,
    };
}
