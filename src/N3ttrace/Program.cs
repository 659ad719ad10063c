using System.CommandLine;
using N3ttrace.Cli.Commands;
using N3ttrace.Cli.Settings;

namespace N3ttrace.Cli;

internal static class Program
{
    /// <summary>Every command, defined once: parsing, help and the configured defaults all read this tree.</summary>
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand(
            "n3ttrace: host-based network ancestry and lifetime tracer. For every outbound TCP connection: " +
            "which process lineage caused it, when it was born, how long it lived, what it was probably for, how suspicious it is.")
        {
            RunCommand.Create(),
            DoctorCommand.Create(),
            HashEndpointCommand.Create(),
            VerifyCommand.Create(),
            AtCommand.Create(),
            QueryCommand.Create(),
            ShipCommand.Create(),
            FleetCommand.Create(),
            TailCommand.Create(),
            ExplainCommand.Create(),
            ExportCommand.Create(),
            UnloadCommand.Create(),
            CompletionsCommand.Create(),
            ManCommand.Create(),
        };
        CommandExamples.Attach(root);
        return root;
    }

    private static async Task<int> Main(string[] args)
    {
        var root = CreateRoot();
        ParseResult parse;
        try
        {
            var configPath = Environment.GetEnvironmentVariable(ConfiguredDefaults.ConfigEnv);
            var file = ConfigFile.Load(configPath ?? SystemDefaults.ConfigFile, required: configPath is not null);
            parse = ConfiguredDefaults.Parse(root, args, Environment.GetEnvironmentVariable, file);
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine($"n3ttrace: {e.Message}");
            return ExitCodes.Usage;
        }
        if (parse.Errors.Count > 0 && !CommandExamples.IsHelp(parse))
        {
            foreach (var e in parse.Errors)
            {
                Console.Error.WriteLine($"n3ttrace: {e.Message}");
            }
            Console.Error.WriteLine("Try 'n3ttrace --help'.");
            return ExitCodes.Usage;
        }
        // Commands handle SIGINT/SIGTERM themselves: System.CommandLine's default would kill the
        // process 2 s after the signal, cutting off the final drain and flush of the trail.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);
    }
}
