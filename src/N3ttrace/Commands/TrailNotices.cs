using System.CommandLine;
using Microsoft.Extensions.Logging;
using N3ttrace.Trail;

namespace N3ttrace.Cli.Commands;

/// <summary>What `run` tells the operator about the trail at start: recoveries (the new verification key: <see cref="VerifyKeyDelivery"/>).</summary>
internal static class TrailNotices
{
    public static Option<TimeSpan> SealIntervalOption() =>
        Numbers.Duration("--seal-interval", "Length of a sealing epoch: the sealing key takes a one-way step this often. Fixed when the trail's key is first made",
            SealingKey.DefaultEpoch, TimeSpan.FromSeconds(1), TimeSpan.FromDays(30));

    public static void Print(TrailSink trail, ILogger log)
    {
        if (trail.KeyReplaced)
        {
            log.LogError("seal.key was missing, but this trail already has seals: a NEW sealing key and verification key were made. " +
                "Seals from now on verify only with the new key; the old verification key still proves what was sealed before. " +
                "If nobody here moved seal.key, treat it as tampering");
        }
        foreach (var r in trail.Recoveries)
        {
            log.LogWarning("trail recovered after an unclean stop: {Recovery}", r);
        }
        foreach (var l in trail.ColumnsLeftOut)
        {
            log.LogWarning("{LeftOut}", l);
        }
    }
}
