using System.Net;
using N3ttrace.Privacy;

namespace N3ttrace.Core.Tests.Privacy;

public class EndpointPrivacyTests
{
    [Theory]
    [InlineData("93.184.216.34", "93.184.216.0/24", AddressScope.Public)]
    [InlineData("127.0.0.5", "127.0.0.0/24", AddressScope.Loopback)]
    [InlineData("10.1.2.3", "10.1.2.0/24", AddressScope.Private)]
    [InlineData("172.20.9.9", "172.20.9.0/24", AddressScope.Private)]
    [InlineData("192.168.1.77", "192.168.1.0/24", AddressScope.Private)]
    [InlineData("169.254.10.1", "169.254.10.0/24", AddressScope.LinkLocal)]
    [InlineData("2001:db8:1234:5678::1", "2001:db8:1234::/48", AddressScope.Public)]
    [InlineData("::1", "::/48", AddressScope.Loopback)]
    [InlineData("fe80::1", "fe80::/48", AddressScope.LinkLocal)]
    [InlineData("fd12:3456:789a:1::1", "fd12:3456:789a::/48", AddressScope.Private)]
    [InlineData("::ffff:8.8.4.4", "8.8.4.0/24", AddressScope.Public)]
    public void Masks_and_classifies(string address, string mask, AddressScope scope)
    {
        var a = IPAddress.Parse(address);
        Assert.Equal(mask, EndpointPrivacy.Mask(a));
        Assert.Equal(scope, EndpointPrivacy.Scope(a));
    }

    [Fact]
    public void Hash_is_keyed_stable_and_treats_v4_mapped_as_v4()
    {
        var key1 = new byte[32];
        var key2 = new byte[32];
        key2[0] = 1;
        var p1 = new EndpointPrivacy(key1);
        var a = IPAddress.Parse("8.8.4.4");
        Assert.Equal(p1.Hash(a, 443), p1.Hash(IPAddress.Parse("::ffff:8.8.4.4"), 443));
        Assert.NotEqual(p1.Hash(a, 443), p1.Hash(a, 444));
        Assert.NotEqual(p1.Hash(a, 443), new EndpointPrivacy(key2).Hash(a, 443));
        Assert.Matches("^[0-9a-f]{32}$", p1.Hash(a, 443));
    }
}
