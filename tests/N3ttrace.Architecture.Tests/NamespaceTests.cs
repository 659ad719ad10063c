namespace N3ttrace.Architecture.Tests;

/// <summary>A type's namespace says which assembly it is in.</summary>
public class NamespaceTests
{
    public static TheoryData<string> LayerNames => new(Layers.All.Select(l => l.Assembly));

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void Every_type_is_in_a_namespace_of_its_assembly(string assembly)
    {
        var layer = Layers.All.Single(l => l.Assembly == assembly);
        var stray = Layers.Load(layer).GetTypes()
            .Where(t => t.Namespace is { } ns && ns.StartsWith("N3ttrace", StringComparison.Ordinal))
            .Where(t => !layer.NamespacePrefixes.Any(p => t.Namespace == p || t.Namespace!.StartsWith(p + ".", StringComparison.Ordinal)))
            .Select(t => t.FullName)
            .ToList();
        Assert.True(stray.Count == 0, $"{assembly}: {string.Join(", ", stray)} not under {string.Join(" or ", layer.NamespacePrefixes)}");
    }

    [Fact]
    public void Every_type_of_ours_is_in_a_namespace_of_ours()
    {
        foreach (var layer in Layers.All)
        {
            var global = Layers.Load(layer).GetTypes()
                .Where(t => t.Namespace is null && !t.Name.StartsWith('<') && t.DeclaringType is null)
                .Select(t => t.FullName)
                .ToList();
            Assert.True(global.Count == 0, $"{layer.Assembly}: {string.Join(", ", global)} in the global namespace");
        }
    }
}
