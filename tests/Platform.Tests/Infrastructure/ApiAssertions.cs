using System.Net;
using System.Text.Json.Nodes;

namespace Platform.Tests.Infrastructure;

/// <summary>Checks of the public API's shapes shared by several test classes.</summary>
public static class ApiAssertions
{
    public static async Task<JsonNode> ReadJsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(expected, "the body was: {0}", text);
        return JsonNode.Parse(text)!;
    }

    /// <summary><c>{"error":{"message","type","param"?,"code"?}}</c> with a JSON content type; returns the error object.</summary>
    public static async Task<JsonObject> ReadErrorAsync(HttpResponseMessage response, params HttpStatusCode[] statuses)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().BeOneOf(statuses, "the body was: {0}", text);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/json");
        var error = JsonNode.Parse(text)!["error"].Should().BeOfType<JsonObject>("the OpenAI error shape nests everything in 'error'; body: {0}", text).Subject;
        error["message"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
        error["type"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
        return error;
    }

    /// <summary>DeepSeek's usage: all five fields, total = prompt + completion, hit + miss = prompt.</summary>
    public static void ShouldBeConsistentUsage(JsonNode? usage)
    {
        usage.Should().NotBeNull("a reply always carries usage");
        var prompt = usage!["prompt_tokens"]!.GetValue<int>();
        var completion = usage["completion_tokens"]!.GetValue<int>();
        prompt.Should().BePositive();
        completion.Should().BeGreaterThanOrEqualTo(0);
        usage["total_tokens"]!.GetValue<int>().Should().Be(prompt + completion);
        var hit = usage["prompt_cache_hit_tokens"]!.GetValue<int>();
        var miss = usage["prompt_cache_miss_tokens"]!.GetValue<int>();
        (hit + miss).Should().Be(prompt);
    }

    /// <summary>The text of the first choice's message of a complete reply.</summary>
    public static string Content(JsonNode completion) => completion["choices"]![0]!["message"]!["content"]!.GetValue<string>();
}
