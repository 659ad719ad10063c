namespace N3ttrace.Trail;

/// <summary>The result of <see cref="TrailVerifier"/>: intact or not, the first damage, and what was checked.</summary>
public sealed class VerifyReport
{
    public const int MaxDamages = 100;

    public List<Damage> Damages { get; } = [];
    public long DamagesFound { get; internal set; }
    public List<ChainSummary> Files { get; } = [];
    public bool KeyUsed { get; internal set; }
    public long Checkpoints { get; internal set; }
    public long FirstEpoch { get; internal set; } = -1;
    public long LastEpoch { get; internal set; } = -1;
    public string? LastSealTs { get; internal set; }
    /// <summary>The last seal is a stop seal: the trail's end is proven. Otherwise it is running, was killed,
    /// or its end was cut off, and nothing after <see cref="LastSealTs"/> is proven.</summary>
    public bool EndsWithStop { get; internal set; }

    public bool Intact => DamagesFound == 0;
    public Damage? First => Damages.Count > 0 ? Damages[0] : null;

    internal void Add(Damage d)
    {
        DamagesFound++;
        if (Damages.Count < MaxDamages)
        {
            Damages.Add(d);
        }
    }
}
