using System.Reflection;

namespace N3ttrace.Architecture.Tests;

/// <summary>
/// The assemblies of n3ttrace, what each may reference, and the namespace prefix that says which
/// assembly a type is in. docs/architecture.md is the prose of this table.
/// </summary>
internal static class Layers
{
    public sealed record Layer(string Assembly, string[] NamespacePrefixes, string[] MayReference);

    public static readonly Layer Interop = new("N3ttrace.Interop", ["N3ttrace.Interop"], []);

    // Core keeps the short namespaces (N3ttrace.Lineage, N3ttrace.Pipeline, ...): every namespace that
    // is not another layer's prefix.
    public static readonly Layer Core = new("N3ttrace.Core",
        ["N3ttrace.Connections", "N3ttrace.Events", "N3ttrace.Inference", "N3ttrace.Lifetimes", "N3ttrace.Lineage",
         "N3ttrace.Pipeline", "N3ttrace.Privacy", "N3ttrace.Text", "N3ttrace.Threading", "N3ttrace.Time"],
        ["N3ttrace.Interop"]);

    public static readonly Layer Trail = new("N3ttrace.Trail", ["N3ttrace.Trail"], ["N3ttrace.Core", "N3ttrace.Interop"]);

    public static readonly Layer CaptureProc = new("N3ttrace.Capture.Proc", ["N3ttrace.Capture.Proc"], ["N3ttrace.Core", "N3ttrace.Interop"]);

    // The eBPF source reads /proc for what predates it (connections, cgroup and tty names) through Capture.Proc's helpers.
    public static readonly Layer CaptureEbpf = new("N3ttrace.Capture.Ebpf", ["N3ttrace.Capture.Ebpf"],
        ["N3ttrace.Core", "N3ttrace.Interop", "N3ttrace.Capture.Proc"]);

    public static readonly Layer Cli = new("n3ttrace", ["N3ttrace.Cli"],
        ["N3ttrace.Core", "N3ttrace.Interop", "N3ttrace.Trail", "N3ttrace.Capture.Proc", "N3ttrace.Capture.Ebpf"]);

    public static readonly Layer[] All = [Interop, Core, Trail, CaptureProc, CaptureEbpf, Cli];

    public static Assembly Load(Layer layer) => Assembly.Load(new AssemblyName(layer.Assembly));

    /// <summary>The n3ttrace assemblies that the compiled assembly of layer really references.</summary>
    public static IEnumerable<string> References(Layer layer) =>
        Load(layer).GetReferencedAssemblies().Select(a => a.Name!).Where(IsOurs);

    public static bool IsOurs(string assembly) =>
        assembly == Cli.Assembly || assembly.StartsWith("N3ttrace.", StringComparison.Ordinal);
}
