using System.CommandLine;
using System.Net;
using N3ttrace.Privacy;
using N3ttrace.Trail;

namespace N3ttrace.Cli.Commands;

/// <summary>`n3ttrace hash-endpoint ADDR:PORT`: the mask and keyed hash exactly as the trail stores them.</summary>
internal static class HashEndpointCommand
{
    public static Command Create()
    {
        var endpoint = new Argument<string>("ADDR:PORT") { Description = "An IPv4 a.b.c.d:port or IPv6 [addr]:port endpoint to look up in the trail." };
        var stateDir = CommonOptions.StateDir();
        var cmd = new Command("hash-endpoint", "Print the mask and keyed hash of an endpoint as this host's trail stores them, to search for it without the trail holding addresses.")
        {
            endpoint, stateDir,
        };
        cmd.SetAction(p => Run(p.GetValue(endpoint)!, p.GetValue(stateDir)!));
        return cmd;
    }

    private static int Run(string endpoint, string stateDir)
    {
        if (!IPEndPoint.TryParse(endpoint, out var ep) || ep.Port == 0 || !endpoint.Contains(':', StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"n3ttrace: '{Text.TextEscaper.Escape(endpoint)}' is not ADDR:PORT (IPv6 as [addr]:port)");
            return ExitCodes.Usage;
        }
        try
        {
            var dir = StateDirectory.Open(stateDir, create: false);
            if (!dir.FileExists(StateDirectory.HostSecretFile))
            {
                Console.Error.WriteLine($"n3ttrace: {dir.FilePath(StateDirectory.HostSecretFile)} does not exist: no trail was written with this state directory");
                return ExitCodes.Failure;
            }
            var privacy = new EndpointPrivacy(dir.ReadOrCreateSecret(StateDirectory.HostSecretFile));
            Console.WriteLine($"remote_masked\t{EndpointPrivacy.Mask(ep.Address)}");
            Console.WriteLine($"remote_scope\t{EndpointPrivacy.ScopeName(EndpointPrivacy.Scope(ep.Address))}");
            Console.WriteLine($"rport\t{ep.Port}");
            Console.WriteLine($"remote_hash\t{privacy.Hash(ep.Address, ep.Port)}");
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is StateDirectoryException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"n3ttrace: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
