using N3ttrace.Trail;

namespace N3ttrace.Core.Tests.Trail;

public class TsvRowTests
{
    [Fact]
    public void Fields_are_escaped_and_joined_by_tabs()
    {
        Assert.Equal(string.Join('\t', "a", @"b\tc", @"d\\e", @"\x1b", ""), TsvRow.Format(["a", "b\tc", @"d\e", "\u001b", ""]));
    }

    [Fact]
    public void Any_enumerable_formats_like_an_array()
    {
        IEnumerable<string> lazy = new[] { "x\ny", "z" }.Select(s => s);
        Assert.Equal(@"x\ny" + "\t" + "z", TsvRow.Format(lazy));
        Assert.Equal(["x\\ny", "z"], TsvRow.Split(TsvRow.Format(lazy)));
    }
}
