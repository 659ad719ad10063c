namespace N3ttrace.Architecture.Tests;

/// <summary>Dependencies point one way: CLI -> trail and capture -> Core -> Interop. Checked on the compiled assemblies.</summary>
public class ReferenceTests
{
    public static TheoryData<string> LayerNames => new(Layers.All.Select(l => l.Assembly));

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void Each_assembly_references_only_the_layers_below_it(string assembly)
    {
        var layer = Layers.All.Single(l => l.Assembly == assembly);
        var forbidden = Layers.References(layer).Except(layer.MayReference).ToList();
        Assert.True(forbidden.Count == 0, $"{assembly} references {string.Join(", ", forbidden)}; allowed: {string.Join(", ", layer.MayReference)}");
    }

    [Fact]
    public void Nothing_references_the_cli()
    {
        foreach (var layer in Layers.All.Where(l => l != Layers.Cli))
        {
            Assert.DoesNotContain(Layers.Cli.Assembly, Layers.References(layer));
        }
    }

    [Fact]
    public void The_checker_sees_real_references()
    {
        // Guards the test itself: if GetReferencedAssemblies stopped reporting our assemblies, every rule above would pass.
        Assert.Contains("N3ttrace.Core", Layers.References(Layers.Trail));
        Assert.Contains("N3ttrace.Trail", Layers.References(Layers.Cli));
        Assert.Contains("N3ttrace.Capture.Ebpf", Layers.References(Layers.Cli));
    }
}
