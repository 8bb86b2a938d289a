using System.Net;
using System.Text.Json.Nodes;
using Platform.Tests.Infrastructure;
using static Platform.Tests.Infrastructure.ApiAssertions;

namespace Platform.Tests.RedisProfile;

/// <summary>
/// The same client calls on the Redis profile: the response cache, auth and users state in Redis, and usage events on
/// Redis Streams reaching users (charged) — the profile swap is YAML only.
/// </summary>
[Collection(RedisPlatformCollection.Name)]
public sealed class RedisProfileTests(RedisPlatformFixture platform)
{
    [Fact]
    public async Task Complete_and_streamed_chat_are_answered()
    {
        using var complete = await platform.Http.SendAsync(platform.Request(HttpMethod.Post, "/v1/chat/completions",
            ChatBodies.User("deepseek-chat", "How do I start the platform?", maxTokens: 16)));
        var completion = await ReadJsonAsync(complete, HttpStatusCode.OK);
        ShouldBeConsistentUsage(completion["usage"]);
        Content(completion).Should().NotBeEmpty();

        using var streamed = await platform.Http.SendAsync(platform.Request(HttpMethod.Post, "/v1/chat/completions",
            ChatBodies.Streamed(ChatBodies.User("deepseek-chat", "What does the router do?", maxTokens: 16), includeUsage: true)));
        streamed.StatusCode.Should().Be(HttpStatusCode.OK);
        var text = await streamed.Content.ReadAsStringAsync();
        text.TrimEnd().Should().EndWith("data: [DONE]");
        text.Should().Contain("\"usage\"");
    }

    [Fact]
    public async Task A_repeated_reproducible_request_is_served_from_the_redis_cache()
    {
        var body = ChatBodies.User("deepseek-chat", ChatBodies.FreshQuestion("What is the response cache?"), maxTokens: 16);
        body["temperature"] = 0;

        using var first = await platform.Http.SendAsync(platform.Request(HttpMethod.Post, "/v1/chat/completions", body));
        using var second = await platform.Http.SendAsync(platform.Request(HttpMethod.Post, "/v1/chat/completions", body));

        first.Headers.GetValues("X-Cache").Should().Equal("MISS");
        second.Headers.GetValues("X-Cache").Should().Equal("HIT");
        Content(await ReadJsonAsync(second, HttpStatusCode.OK)).Should().Be(Content(await ReadJsonAsync(first, HttpStatusCode.OK)));
    }

    [Fact]
    public async Task Usage_travels_over_redis_streams_and_is_charged_to_the_user()
    {
        var before = await SettledRequestsTodayAsync();
        const int chats = 3;
        for (var i = 0; i < chats; i++)
        {
            using var response = await platform.Http.SendAsync(platform.Request(HttpMethod.Post, "/v1/chat/completions",
                ChatBodies.User("deepseek-chat", ChatBodies.FreshQuestion("Count me"), maxTokens: 8)));
            response.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        long after = before;
        var charged = await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(30), async () =>
        {
            after = await RequestsTodayAsync();
            return after >= before + chats;
        });

        charged.Should().BeTrue($"{chats} usage events must be charged (requests before {before}, after {after}); launcher output:\n{platform.Output}");
        (await SettledRequestsTodayAsync()).Should().Be(before + chats, "each usage event is charged exactly once");
    }

    /// <summary>The count once no event of an earlier request is still on its way (unchanged for two seconds).</summary>
    private async Task<long> SettledRequestsTodayAsync()
    {
        var last = await RequestsTodayAsync();
        var stableSince = DateTime.UtcNow;
        while (DateTime.UtcNow - stableSince < TimeSpan.FromSeconds(2))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250));
            var now = await RequestsTodayAsync();
            if (now != last)
            {
                (last, stableSince) = (now, DateTime.UtcNow);
            }
        }

        return last;
    }

    private async Task<long> RequestsTodayAsync()
    {
        using var response = await platform.Http.SendAsync(platform.Request(HttpMethod.Get, "/v1/usage"));
        var report = await ReadJsonAsync(response, HttpStatusCode.OK);
        return report["lines"]!.AsArray()
            .Where(l => l!["model"]!.GetValue<string>() == "deepseek-chat")
            .Sum(l => l!["requests"]!.GetValue<long>());
    }
}
