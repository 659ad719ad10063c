using System.CommandLine;
using Microsoft.Extensions.Logging;
using N3ttrace.Trail;

namespace N3ttrace.Cli.Commands;

/// <summary>What `run` tells the operator about the trail at start: a new verification key (once), recoveries.</summary>
internal static class TrailNotices
{
    public static Option<double> SealIntervalOption()
    {
        var o = new Option<double>("--seal-interval")
        {
            Description = "Seconds per sealing epoch: the sealing key takes a one-way step this often (default 900 = 15 min). "
                + "Fixed when the trail's key is first made.",
            DefaultValueFactory = _ => SealingKey.DefaultEpoch.TotalSeconds,
        };
        o.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() < 1)
            {
                r.AddError("--seal-interval must be at least 1 second");
            }
        });
        return o;
    }

    public static void Print(TrailSink trail, ILogger log)
    {
        if (trail.NewVerifyKey is { } key)
        {
            Console.Error.WriteLine(
                $"""

                n3ttrace: this trail's VERIFICATION KEY (shown only now, never stored on this host):

                    {key}

                Store it OFF this host (password manager, paper, another machine). With it,
                'n3ttrace verify --verify-key KEY' proves that records sealed before an intruder
                became root were not changed; without it, verify checks only the plain hash chain.

                """);
        }
        foreach (var r in trail.Recoveries)
        {
            log.LogWarning("trail recovered after an unclean stop: {Recovery}", r);
        }
    }
}
