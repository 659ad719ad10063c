namespace N3ttrace.Cli;

internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Failure, or for verify: the trail is damaged.</summary>
    public const int Failure = 1;
    /// <summary>Bad command line or bad input.</summary>
    public const int Usage = 2;
}
