using System.Net;
using N3ttrace.Privacy;

namespace N3ttrace.Core.Tests.Privacy;

public class EndpointCacheTests
{
    private static readonly EndpointPrivacy Privacy = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    [Theory]
    [InlineData("127.0.0.1", 8080)]
    [InlineData("203.0.113.9", 443)]
    [InlineData("2001:db8:1:2::7", 22)]
    [InlineData("fe80::1", 53)]
    public void Gives_what_EndpointPrivacy_computes(string address, int port)
    {
        var cache = new EndpointCache(Privacy);
        var ip = IPAddress.Parse(address);
        var expected = (EndpointPrivacy.Mask(ip), EndpointPrivacy.ScopeName(EndpointPrivacy.Scope(ip)), Privacy.Hash(ip, port));
        Assert.Equal(expected, cache.Get(ip, port));
        Assert.Equal(expected, cache.Get(ip, port));
        Assert.Equal(1, cache.Hits);
        Assert.Equal(1, cache.Misses);
    }

    [Fact]
    public void Address_family_and_port_are_part_of_the_key()
    {
        var cache = new EndpointCache(Privacy);
        var v4 = cache.Get(IPAddress.Parse("0.0.0.1"), 80);
        var v6 = cache.Get(IPAddress.Parse("::1"), 80);
        var otherPort = cache.Get(IPAddress.Parse("0.0.0.1"), 81);
        Assert.NotEqual(v4.Hash, v6.Hash);
        Assert.NotEqual(v4.Hash, otherPort.Hash);
        Assert.Equal(3, cache.Misses);
    }

    [Fact]
    public void Stays_bounded_and_correct_past_capacity()
    {
        var cache = new EndpointCache(Privacy, capacity: 8);
        for (var i = 0; i < 100; i++)
        {
            var ip = new IPAddress(new byte[] { 10, 0, 0, (byte)i });
            Assert.Equal(Privacy.Hash(ip, 443), cache.Get(ip, 443).Hash);
        }
        Assert.Equal(100, cache.Misses);
    }
}
