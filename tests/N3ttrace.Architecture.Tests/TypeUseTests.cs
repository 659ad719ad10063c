using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace N3ttrace.Architecture.Tests;

/// <summary>
/// What the metadata of an assembly names (its type references). Core (model, pipeline, lineage,
/// inference) does no I/O but through interfaces (IProcessReader, IHostBaseline, PipelineSink): it must
/// not name a file, console, socket or process API. Clocks (clock_gettime through N3ttrace.Interop) are
/// not I/O and are allowed. Capture sources name only the sink they write to, never the pipeline.
/// </summary>
public class TypeUseTests
{
    private static readonly HashSet<string> Forbidden =
    [
        "System.IO.File", "System.IO.Directory", "System.IO.FileStream", "System.IO.FileInfo", "System.IO.DirectoryInfo",
        "System.IO.StreamReader", "System.IO.StreamWriter", "System.IO.RandomAccess", "System.Console",
        "System.Net.Sockets.Socket", "System.Net.Sockets.TcpClient", "System.Net.Sockets.UdpClient", "System.Diagnostics.Process",
    ];

    internal static List<string> TypeReferences(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var md = pe.GetMetadataReader();
        return md.TypeReferences.Select(h => md.GetTypeReference(h))
            .Select(r => $"{md.GetString(r.Namespace)}.{md.GetString(r.Name)}")
            .ToList();
    }

    [Fact]
    public void Core_names_no_file_console_socket_or_process_api()
    {
        var used = TypeReferences(Layers.Load(Layers.Core).Location).Where(Forbidden.Contains).ToList();
        Assert.True(used.Count == 0, $"N3ttrace.Core uses {string.Join(", ", used)}; put the I/O behind an interface in another layer");
    }

    [Theory]
    [InlineData("N3ttrace.Capture.Ebpf")]
    [InlineData("N3ttrace.Capture.Proc")]
    public void Capture_sources_write_to_a_sink_and_never_see_the_pipeline(string assembly)
    {
        var layer = Layers.All.Single(l => l.Assembly == assembly);
        var used = TypeReferences(Layers.Load(layer).Location).Where(t => t.StartsWith("N3ttrace.Pipeline.", StringComparison.Ordinal)).ToList();
        Assert.True(used.Count == 0, $"{assembly} uses {string.Join(", ", used)}; capture writes to N3ttrace.Events.IEventSink");
    }

    [Fact]
    public void The_checker_sees_io_where_there_is_some()
    {
        // Guards the test itself: the trail writes files, so the same scan must find them there.
        Assert.Contains("System.IO.FileStream", TypeReferences(Layers.Load(Layers.Trail).Location));
        Assert.Contains("N3ttrace.Pipeline.EventPipeline", TypeReferences(Layers.Load(Layers.Cli).Location));
    }
}
