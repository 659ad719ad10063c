using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace N3ttrace.Privacy;

/// <summary>
/// How a remote endpoint may appear on disk: a network mask (IPv4 /24, IPv6 /48), a scope
/// class, and an HMAC-SHA-256 under the host secret. The raw address never leaves memory.
/// An unkeyed hash of IPv4:port falls to brute force in minutes (2^48 inputs); a keyed one does not.
/// </summary>
public sealed class EndpointPrivacy(byte[] hostSecret)
{
    /// <summary>Hex characters of the HMAC kept in records (128 bits).</summary>
    public const int HashHexLength = 32;

    private readonly byte[] _key = hostSecret;

    public string Hash(IPAddress address, int port)
    {
        var canonical = Encoding.ASCII.GetBytes(Canonical(address, port));
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, canonical, mac);
        return Convert.ToHexStringLower(mac)[..HashHexLength];
    }

    /// <summary>"a.b.c.d:port" or "[v6]:port"; v4-mapped IPv6 is hashed as the IPv4 address it is.</summary>
    public static string Canonical(IPAddress address, int port)
    {
        address = Normalize(address);
        return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
    }

    public static IPAddress Normalize(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public static string Mask(IPAddress address)
    {
        address = Normalize(address);
        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            bytes[3] = 0;
            return $"{new IPAddress(bytes)}/24";
        }
        Array.Clear(bytes, 6, 10);
        return $"{new IPAddress(bytes)}/48";
    }

    public static AddressScope Scope(IPAddress address)
    {
        address = Normalize(address);
        if (IPAddress.IsLoopback(address))
        {
            return AddressScope.Loopback;
        }
        var b = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            if (b[0] == 169 && b[1] == 254)
            {
                return AddressScope.LinkLocal;
            }
            if (b[0] == 10 || (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168)
                || (b[0] == 100 && (b[1] & 0xC0) == 64))
            {
                return AddressScope.Private;
            }
            return AddressScope.Public;
        }
        if (address.IsIPv6LinkLocal)
        {
            return AddressScope.LinkLocal;
        }
        if ((b[0] & 0xFE) == 0xFC)
        {
            return AddressScope.Private; // unique local fc00::/7
        }
        return AddressScope.Public;
    }

    public static string ScopeName(AddressScope scope) => scope switch
    {
        AddressScope.Loopback => "loopback",
        AddressScope.Private => "private",
        AddressScope.LinkLocal => "link-local",
        _ => "public",
    };
}
