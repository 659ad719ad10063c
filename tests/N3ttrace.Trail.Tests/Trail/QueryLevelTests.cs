using N3ttrace.Trail;

namespace N3ttrace.Core.Tests.Trail;

/// <summary>`query --level` is this level or above, as `tail --level` and the live view's `--live-level`.</summary>
public class QueryLevelTests
{
    [Theory]
    [InlineData("THREAT", "ANOMALY", true)]
    [InlineData("ANOMALY", "ANOMALY", true)]
    [InlineData("NORMAL", "ANOMALY", false)]
    [InlineData("THREAT", "threat", true)]
    [InlineData("ANOMALY", "THREAT", false)]
    [InlineData("NORMAL", "NORMAL", true)]
    [InlineData("", "NORMAL", false)]
    [InlineData("NORMAL", null, true)]
    public void Level_is_a_minimum(string level, string? minimum, bool match) => Assert.Equal(match, QueryFilter.AtOrAbove(level, minimum));
}
