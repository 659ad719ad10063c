namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>
/// [judgement] The attack corpus keeps the shape the issue asks for: at least 30 scenarios over at least 12 tools,
/// every stdio wiring and every kind in both the tuning and the held-out part, a held-out third, unique ids.
/// </summary>
public class CorpusShapeTests
{
    [Fact]
    public void Attack_corpus_has_the_required_breadth_and_a_held_out_third()
    {
        var tuning = AttackCorpus.Tuning;
        var heldOut = AttackCorpus.HeldOut();
        var all = tuning.Concat(heldOut).ToList();
        Assert.True(all.Count >= 30, $"{all.Count} scenarios, need 30");
        Assert.True(all.Select(s => s.Tool).Distinct().Count() >= 12, "fewer than 12 tools");
        Assert.Equal(all.Count, all.Select(s => s.Id).Distinct().Count());
        Assert.Empty(AttackCorpus.HeldOut2.Select(s => s.Id).Intersect(all.Select(s => s.Id)));
        var share = (double)heldOut.Count / all.Count;
        Assert.True(share is >= 0.30 and <= 0.37, $"held-out share {share:P0}, want a third");
        foreach (var (name, part) in new[] { ("tuning", tuning), ("held-out", heldOut) })
        {
            foreach (var w in Enum.GetValues<Wiring>())
            {
                Assert.True(part.Any(s => s.Wiring == w), $"{name} has no {w} scenario");
            }
            foreach (var k in Enum.GetValues<AttackKind>())
            {
                Assert.True(part.Any(s => s.Kind == k), $"{name} has no {k} scenario");
            }
        }
    }
}
