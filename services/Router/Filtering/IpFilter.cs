using System.Net;

namespace DeepSeek.Dapr.Router.Filtering;

/// <summary>
/// Allow/deny lists of addresses and CIDR ranges. Deny wins; an empty allow list allows every address not denied.
/// IPv4 clients reaching a dual-stack socket show up as IPv4-mapped IPv6 (<c>::ffff:1.2.3.4</c>); they are matched
/// as the IPv4 address they are.
/// </summary>
public sealed class IpFilter
{
    private readonly IReadOnlyList<IPNetwork> _allow;
    private readonly IReadOnlyList<IPNetwork> _deny;

    public IpFilter(IEnumerable<string> allow, IEnumerable<string> deny)
    {
        _allow = [.. allow.Select(ParseRange)];
        _deny = [.. deny.Select(ParseRange)];
    }

    public bool IsAllowed(IPAddress? address)
    {
        if (address is null)
        {
            // No remote address (an in-process test server): nothing to match a list against.
            return _allow.Count == 0;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (_deny.Any(range => range.Contains(address)))
        {
            return false;
        }

        return _allow.Count == 0 || _allow.Any(range => range.Contains(address));
    }

    /// <summary>A CIDR range, or a single address as a /32 (/128) range. Throws <see cref="FormatException"/> naming the bad entry.</summary>
    public static IPNetwork ParseRange(string text)
    {
        var value = text.Trim();
        if (!value.Contains('/') && IPAddress.TryParse(value, out var single))
        {
            return new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }

        return IPNetwork.TryParse(value, out var range)
            ? range
            : throw new FormatException($"Router:IpFilter entry '{text}' is not an IP address or CIDR range (e.g. 10.0.0.0/8).");
    }
}
