using System.Net;
using System.Text.Json.Nodes;
using Platform.Tests.Infrastructure;

namespace Platform.Tests;

/// <summary>
/// A client that disconnects mid-stream stops generation all the way down: router, gateway-ai, inference and the
/// upstream model server. A slow upstream makes "mid-stream" certain; the built-in model usually ends its answer (EOS)
/// within a few hundred milliseconds, before a disconnect could reach it.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class CancellationTests(PlatformFixture platform)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Disconnecting_mid_stream_cancels_the_upstream_request()
    {
        var question = ChatBodies.FreshQuestion("Stream slowly");
        var before = await PrometheusScrape.ReadAsync("inference", PrometheusScrape.CancelledGenerations);
        var mark = platform.Output.Count;
        var body = ChatBodies.Streamed(ChatBodies.User(PlatformFixture.FakeSlowModel, question, maxTokens: null), includeUsage: true);

        await ReadTwoChunksThenDisconnectAsync(body);

        var aborted = await Eventually.TrueWithinAsync(Deadline, () => Task.FromResult(
            platform.UpstreamSlow.Received.Any(r => r.Body?.ToJsonString().Contains(question, StringComparison.Ordinal) == true && r.ClientAborted)));
        aborted.Should().BeTrue("the upstream's request is aborted when the client goes away (it streams 600 tokens at 20 ms each)");
        (await Eventually.TrueWithinAsync(Deadline, async () => await PrometheusScrape.ReadAsync("inference", PrometheusScrape.CancelledGenerations) > before))
            .Should().BeTrue($"inference counts the cancelled generation in {PrometheusScrape.CancelledGenerations}");
        (await Eventually.TrueWithinAsync(Deadline, () => Task.FromResult(InferenceLoggedCancellation(mark))))
            .Should().BeTrue($"inference logs the cancellation; its last lines:\n{InferenceTail(mark)}");
    }

    /// <summary>Reads two content chunks, then drops the connection without reading further.</summary>
    private async Task ReadTwoChunksThenDisconnectAsync(JsonObject body)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var response = await platform.PostChatAsync(body, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        try
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            var contentChunks = 0;
            await foreach (var e in SseEvent.ReadAsync(await response.Content.ReadAsStreamAsync(cts.Token), cts.Token))
            {
                if (e.Data is null)
                {
                    continue;
                }

                e.IsDone.Should().BeFalse("the generation must still be running when the client disconnects");
                var choices = e.Json["choices"]!.AsArray();
                choices.Should().NotBeEmpty("no usage chunk before the reply is done");
                choices[0]!["finish_reason"].Should().BeNull("the generation must still be running when the client disconnects");
                if (choices[0]!["delta"]?["content"] is JsonValue content && content.GetValue<string>().Length > 0 && ++contentChunks == 2)
                {
                    break;
                }
            }

            contentChunks.Should().Be(2);
        }
        finally
        {
            // Disposing a response whose body was not read to the end closes the connection: the client is gone.
            response.Dispose();
        }
    }

    private bool InferenceLoggedCancellation(int mark) =>
        platform.Output.Since(mark).Any(l => l.Contains("[inference]", StringComparison.Ordinal) && l.Contains("cancel", StringComparison.OrdinalIgnoreCase));

    private string InferenceTail(int mark) =>
        string.Join('\n', platform.Output.Since(mark).Where(l => l.Contains("[inference]", StringComparison.Ordinal)).TakeLast(20));
}
