using System.CommandLine;
using System.Globalization;
using System.Net;
using N3ttrace.Privacy;
using N3ttrace.Trail;

namespace N3ttrace.Cli.Commands;

/// <summary>
/// `n3ttrace hash-endpoint`: the mask and keyed hash exactly as the trail stores them. One ADDR:PORT prints
/// name/value lines; a bare address (every port, or --ports), several endpoints, or a list on stdin ('-') print
/// one TSV row per endpoint and port.
/// </summary>
internal static class HashEndpointCommand
{
    private const int MaxLine = 256;

    public static Command Create()
    {
        var endpoints = new Argument<string[]>("ENDPOINT")
        {
            Description = "a.b.c.d:port, [v6addr]:port, or a bare address (every port 1-65535, or those of --ports); '-' reads one per line from stdin.",
            Arity = ArgumentArity.OneOrMore,
        };
        var ports = new Option<string?>("--ports") { Description = "For bare addresses: only these ports, comma-separated (22,443,8000-8100)." };
        var stateDir = CommonOptions.StateDir();
        var endpointKey = FleetOptions.EndpointKey();
        var cmd = new Command("hash-endpoint", "Print the mask and keyed hash of an endpoint as this host's trail stores them, to search for it without the trail holding addresses.")
        {
            endpoints, ports, stateDir, endpointKey,
        };
        cmd.SetAction(p => Run(p.GetValue(endpoints)!, p.GetValue(ports), p.GetValue(stateDir)!, p.GetValue(endpointKey)));
        return cmd;
    }

    /// <summary>Ports of a list like "22,443,8000-8100", or null when it is not one.</summary>
    public static List<int>? ParsePorts(string list)
    {
        var result = new List<int>();
        // Each port once: a list repeating 1-65535 would otherwise grow without bound (and print every row again).
        var seen = new bool[65536];
        foreach (var part in list.Split(','))
        {
            var range = part.Split('-');
            if (range.Length is < 1 or > 2 || !int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var lo)
                || !int.TryParse(range[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var hi) || lo < 1 || hi > 65535 || lo > hi)
            {
                return null;
            }
            for (var p = lo; p <= hi; p++)
            {
                if (!seen[p])
                {
                    seen[p] = true;
                    result.Add(p);
                }
            }
        }
        return result;
    }

    /// <summary>ADDR:PORT, [v6]:PORT, or a bare address (port 0: every port of the list).</summary>
    public static bool TryParseEndpoint(string text, out IPAddress address, out int port)
    {
        port = 0;
        if (IPAddress.TryParse(text, out address!) && !text.StartsWith('['))
        {
            return true;
        }
        if (text.StartsWith('[') && text.EndsWith(']') && IPAddress.TryParse(text[1..^1], out address!))
        {
            return true;
        }
        if (IPEndPoint.TryParse(text, out var ep) && ep.Port > 0 && text.Contains(':', StringComparison.Ordinal))
        {
            address = ep.Address;
            port = ep.Port;
            return true;
        }
        return false;
    }

    private static int Run(string[] args, string? portList, string stateDir, string? endpointKey)
    {
        List<int> ports = [.. Enumerable.Range(1, 65535)];
        if (portList is not null && ParsePorts(portList) is not { } chosen)
        {
            Console.Error.WriteLine($"n3ttrace: --ports '{Text.TextEscaper.Escape(portList)}' is not a port list (22,443,8000-8100)");
            return ExitCodes.Usage;
        }
        else if (portList is not null)
        {
            ports = ParsePorts(portList)!;
        }
        IReadOnlyList<string> inputs = args.Length == 1 && args[0] == "-" ? ReadStdin() : args;
        var parsed = new List<(IPAddress Address, int Port, string Text)>();
        foreach (var text in inputs)
        {
            if (!TryParseEndpoint(text, out var address, out var port))
            {
                Console.Error.WriteLine($"n3ttrace: '{Text.TextEscaper.Escape(text)}' is not ADDR, ADDR:PORT or [IPv6]:PORT");
                return ExitCodes.Usage;
            }
            parsed.Add((address, port, (string)text));
        }
        try
        {
            var dir = StateDirectory.Open(stateDir, create: false);
            if (endpointKey is null && !dir.FileExists(StateDirectory.HostSecretFile))
            {
                Console.Error.WriteLine($"n3ttrace: {dir.FilePath(StateDirectory.HostSecretFile)} does not exist: no trail was written with this state directory");
                return ExitCodes.Failure;
            }
            var privacy = new EndpointPrivacy(endpointKey is null ? dir.ReadOrCreateSecret(StateDirectory.HostSecretFile) : Trail.Fleet.EndpointKeyFile.Read(endpointKey));
            if (parsed is [{ Port: > 0 } one] && args[0] != "-")
            {
                Console.WriteLine($"remote_masked\t{EndpointPrivacy.Mask(one.Address)}");
                Console.WriteLine($"remote_scope\t{EndpointPrivacy.ScopeName(EndpointPrivacy.Scope(one.Address))}");
                Console.WriteLine($"rport\t{one.Port}");
                Console.WriteLine($"remote_hash\t{privacy.Hash(one.Address, one.Port)}");
                return ExitCodes.Ok;
            }
            var w = Console.Out;
            w.WriteLine("address\tremote_masked\tremote_scope\trport\tremote_hash");
            foreach (var (address, port, _) in parsed)
            {
                var mask = EndpointPrivacy.Mask(address);
                var scope = EndpointPrivacy.ScopeName(EndpointPrivacy.Scope(address));
                foreach (var p in port > 0 ? [port] : ports)
                {
                    w.Write($"{address}\t{mask}\t{scope}\t{p}\t{privacy.Hash(address, p)}\n");
                }
            }
            w.Flush();
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is StateDirectoryException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"n3ttrace: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    /// <summary>Endpoints from stdin, one per line; blank lines and # comments skipped, overlong lines refused.</summary>
    private static List<string> ReadStdin()
    {
        var list = new List<string>();
        while (Console.In.ReadLine() is { } line)
        {
            line = line.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            list.Add(line.Length > MaxLine ? line[..MaxLine] : line);
        }
        return list;
    }
}
