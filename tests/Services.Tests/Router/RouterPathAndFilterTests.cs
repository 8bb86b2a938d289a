using System.Net;
using DeepSeek.Dapr.Router.Filtering;
using DeepSeek.Dapr.Router.Proxy;
using Microsoft.AspNetCore.Http;

namespace Services.Tests.Router;

public sealed class RouterPathAndFilterTests
{
    [Theory]
    [InlineData("gateway-ai", "/chat/completions", "/v1.0/invoke/gateway-ai/method/v1/chat/completions")]
    [InlineData("gateway-ai", "/v1/chat/completions", "/v1.0/invoke/gateway-ai/method/v1/chat/completions")]
    [InlineData("gateway-ai", "/models", "/v1.0/invoke/gateway-ai/method/v1/models")]
    [InlineData("gateway-ai", "/v1/models/deepseek-chat", "/v1.0/invoke/gateway-ai/method/v1/models/deepseek-chat")]
    [InlineData("gateway-platform", "/user/balance", "/v1.0/invoke/gateway-platform/method/v1/user/balance")]
    [InlineData("gateway-platform", "/V1/usage", "/v1.0/invoke/gateway-platform/method/v1/usage")]
    [InlineData("gateway-platform", "/v1files/x", "/v1.0/invoke/gateway-platform/method/v1/v1files/x")]
    public void Public_paths_normalise_to_the_v1_invoke_path(string appId, string path, string expected)
    {
        DaprInvokePath.For(appId, new PathString(path)).Value.Should().Be(expected);
    }

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("10.255.255.255", true)]
    [InlineData("10.9.0.1", false)]   // denied range inside the allowed one: deny wins
    [InlineData("11.0.0.1", false)]
    [InlineData("192.168.1.7", true)]  // single address
    [InlineData("192.168.1.8", false)]
    [InlineData("::ffff:10.1.2.3", true)] // IPv4-mapped IPv6 matches as IPv4
    [InlineData("fd00::1", true)]
    [InlineData("fe80::1", false)]
    public void Cidr_allow_and_deny_lists(string address, bool allowed)
    {
        var filter = new IpFilter(["10.0.0.0/8", "192.168.1.7", "fd00::/8"], ["10.9.0.0/16"]);

        filter.IsAllowed(IPAddress.Parse(address)).Should().Be(allowed);
    }

    [Fact]
    public void Empty_allow_list_allows_all_but_the_denied()
    {
        var filter = new IpFilter([], ["127.0.0.1"]);

        filter.IsAllowed(IPAddress.Parse("8.8.8.8")).Should().BeTrue();
        filter.IsAllowed(IPAddress.Loopback).Should().BeFalse();
        filter.IsAllowed(IPAddress.Parse("::ffff:127.0.0.1")).Should().BeFalse();
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("not-an-ip")]
    [InlineData("::1/129")]
    public void Invalid_entries_fail_with_a_message_naming_them(string entry)
    {
        var act = () => new IpFilter([entry], []);

        act.Should().Throw<FormatException>().WithMessage($"*'{entry}'*");
    }
}
