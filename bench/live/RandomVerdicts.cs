using N3ttrace.Connections;
using N3ttrace.Pipeline;

namespace N3ttrace.Bench.Live;

/// <summary>Spreads levels and scores over connections (by socket key) so the risk order has work to do.</summary>
internal sealed class RandomVerdicts : IVerdictEngine
{
    private static readonly string[] Purposes = ["web", "dns-over-tcp", "ssh", "database", "unknown"];

    public Verdict Judge(Connection c, long nowBootNs)
    {
        var h = (int)(c.SocketKey * 2654435761 % 1000);
        var level = h < 10 ? RiskLevel.Threat : h < 100 ? RiskLevel.Anomaly : RiskLevel.Normal;
        return new Verdict(Purposes[h % Purposes.Length], 0.5, level, h / 10, []);
    }

    public void OnEnd(Connection c) { }

    public IEnumerable<(Connection Connection, Verdict Verdict)> Reassess(IReadOnlyCollection<Connection> active, long nowBootNs) => [];
}
