using System.Net;
using System.Text.Json.Nodes;
using Platform.Tests.Infrastructure;
using static Platform.Tests.Infrastructure.ApiAssertions;

namespace Platform.Tests;

/// <summary>The response cache in gateway-ai: reproducible requests only, marked by <c>X-Cache</c>.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ResponseCacheTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_repeated_temperature_zero_request_is_a_hit_with_the_same_content_and_cached_prompt_tokens()
    {
        var body = ChatBodies.User("deepseek-chat", ChatBodies.FreshQuestion("What is the response cache?"), maxTokens: 24);
        body["temperature"] = 0;

        var (firstCache, first) = await SendAsync(body);
        var (secondCache, second) = await SendAsync(body);

        firstCache.Should().Be("MISS");
        secondCache.Should().Be("HIT");
        Content(second).Should().Be(Content(first));
        var usage = second["usage"]!;
        ShouldBeConsistentUsage(usage);
        usage["prompt_cache_hit_tokens"]!.GetValue<int>().Should().Be(usage["prompt_tokens"]!.GetValue<int>());
        usage["prompt_cache_miss_tokens"]!.GetValue<int>().Should().Be(0);
        first["usage"]!["prompt_cache_hit_tokens"]!.GetValue<int>().Should().Be(0);
    }

    [Fact]
    public async Task A_request_with_a_seed_is_reproducible_and_cached()
    {
        var body = ChatBodies.User("deepseek-chat", ChatBodies.FreshQuestion("Tell me about seeds."), maxTokens: 24);
        body["temperature"] = 0.8;
        body["seed"] = 42;

        var (firstCache, first) = await SendAsync(body);
        var (secondCache, second) = await SendAsync(body);

        firstCache.Should().Be("MISS");
        secondCache.Should().Be("HIT");
        Content(second).Should().Be(Content(first));
    }

    [Fact]
    public async Task A_non_reproducible_request_is_never_a_hit()
    {
        var body = ChatBodies.User("deepseek-chat", ChatBodies.FreshQuestion("Write something random."), maxTokens: 16);
        body["temperature"] = 1.0;

        var caches = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (cache, completion) = await SendAsync(body);
            caches.Add(cache);
            completion["usage"]!["prompt_cache_hit_tokens"]!.GetValue<int>().Should().Be(0);
        }

        caches.Should().OnlyContain(c => c == "MISS");
    }

    [Fact]
    public async Task A_different_sampling_parameter_is_a_different_cache_entry()
    {
        var body = ChatBodies.User("deepseek-chat", ChatBodies.FreshQuestion("Cache keys."), maxTokens: 24);
        body["temperature"] = 0;
        await SendAsync(body);

        var shorter = body.DeepClone().AsObject();
        shorter["max_tokens"] = 8;
        var (cache, _) = await SendAsync(shorter);

        cache.Should().Be("MISS", "max_tokens is part of the cache key");
    }

    private async Task<(string Cache, JsonNode Completion)> SendAsync(JsonObject body)
    {
        using var response = await platform.PostChatAsync(body);
        var completion = await ReadJsonAsync(response, HttpStatusCode.OK);
        response.Headers.TryGetValues("X-Cache", out var values).Should().BeTrue("chat completions always carry X-Cache");
        return (values!.Single(), completion);
    }
}
