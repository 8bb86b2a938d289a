using System.Diagnostics;
using System.Globalization;
using System.Net;
using Platform.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Platform.Tests.Accounts;

/// <summary>The management API while the service behind it is stopped: a prompt 503 with Retry-After, then recovery.</summary>
[Collection(AccountsCollection.Name)]
public sealed class DownstreamOutageTests(AccountsFixture platform, ITestOutputHelper output)
{
    [Fact]
    public async Task Users_stopped_is_a_prompt_503_with_retry_after_and_the_api_answers_again_once_it_is_back()
    {
        using var launcher = new HttpClient
        {
            BaseAddress = new Uri($"http://127.0.0.1:{(3490 + AccountsFixture.Offset).ToString(CultureInfo.InvariantCulture)}"),
            Timeout = TimeSpan.FromSeconds(60),
        };
        using (var stop = await launcher.PostAsync("/admin/apps/users/stop", null))
        {
            stop.StatusCode.Should().Be(HttpStatusCode.OK, await stop.Content.ReadAsStringAsync());
        }

        try
        {
            var clock = Stopwatch.StartNew();
            using var response = await platform.Http.SendAsync(AccountsFixture.Request(HttpMethod.Get, "/v1/admin/users", AccountsFixture.AdminKey));
            clock.Stop();
            output.WriteLine($"users stopped: {(int)response.StatusCode} after {clock.ElapsedMilliseconds} ms");

            await ApiAssertions.ReadErrorAsync(response, HttpStatusCode.ServiceUnavailable);
            response.Headers.RetryAfter.Should().NotBeNull("a 503 says when to retry");
            clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15), "a stopped service must not hang the management API");
        }
        finally
        {
            using var start = await launcher.PostAsync("/admin/apps/users/start", null);
            start.StatusCode.Should().Be(HttpStatusCode.OK, await start.Content.ReadAsStringAsync());
        }

        (await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(90), async () =>
        {
            using var again = await platform.Http.SendAsync(AccountsFixture.Request(HttpMethod.Get, "/v1/admin/users", AccountsFixture.AdminKey));
            return again.StatusCode == HttpStatusCode.OK;
        })).Should().BeTrue("the management API answers again once users is back");
    }
}
