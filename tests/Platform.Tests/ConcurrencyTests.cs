using System.Net;
using System.Text.Json.Nodes;
using Platform.Tests.Infrastructure;
using static Platform.Tests.Infrastructure.ApiAssertions;

namespace Platform.Tests;

/// <summary>Many clients at once: every one gets its own correct answer.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ConcurrencyTests(PlatformFixture platform)
{
    private const int Clients = 50;

    [Fact]
    public async Task Fifty_concurrent_requests_are_all_answered_correctly()
    {
        var run = Guid.NewGuid().ToString("N");
        var tasks = Enumerable.Range(0, Clients).Select(i => i % 5 == 0 ? StreamedAsync(run, i) : CompleteAsync(run, i));

        var ids = await Task.WhenAll(tasks);

        ids.Should().OnlyHaveUniqueItems("each request is its own completion").And.HaveCount(Clients);
    }

    private async Task<string> CompleteAsync(string run, int i)
    {
        using var response = await platform.PostChatAsync(ChatBodies.User("deepseek-chat", $"Client {i} of run {run}: what is a sidecar?", maxTokens: 16));
        var completion = await ReadJsonAsync(response, HttpStatusCode.OK);
        completion["object"]!.GetValue<string>().Should().Be("chat.completion");
        Content(completion).Should().NotBeNullOrWhiteSpace();
        ShouldBeConsistentUsage(completion["usage"]);
        return completion["id"]!.GetValue<string>();
    }

    private async Task<string> StreamedAsync(string run, int i)
    {
        var body = ChatBodies.Streamed(ChatBodies.User("deepseek-chat", $"Client {i} of run {run}: what is a gateway?", maxTokens: 16), includeUsage: true);
        using var response = await platform.PostChatAsync(body, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var transcript = StreamTranscript.From(await SseEvent.ReadAllAsync(response));
        transcript.Content.Should().NotBeNullOrWhiteSpace();
        transcript.EndsWithDone.Should().BeTrue();
        ShouldBeConsistentUsage(transcript.UsageChunks.Single()["usage"]);
        return transcript.Chunks[0]["id"]!.GetValue<string>();
    }
}
