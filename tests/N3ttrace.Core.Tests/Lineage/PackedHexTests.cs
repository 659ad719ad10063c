using N3ttrace.Lineage;

namespace N3ttrace.Core.Tests.Lineage;

public class PackedHexTests
{
    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("")]
    [InlineData("unknown")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")] // not lowercase: kept as text, returned as given
    [InlineData("0123456789abcdef0123456789abcdeg")]
    public void Round_trips_exactly(string value) => Assert.Equal(value, PackedHex.From(value).ToString());
}
