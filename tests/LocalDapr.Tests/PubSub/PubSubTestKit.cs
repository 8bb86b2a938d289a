using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using LocalDapr.Abstractions;
using LocalDapr.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LocalDapr.Tests.PubSub;

/// <summary>Deadline-bounded polling for asynchronous outcomes (deliveries happen on background tasks).</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, string because, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            try
            {
                await Task.Delay(20, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"timed out waiting until {because}");
            }
        }
    }

    public static Task SubscribedAsync(RuntimeHarness harness, string appId, string topic) =>
        UntilAsync(
            () => harness.Runtime.Services.GetRequiredService<ISubscriptionRegistry>().SubscriptionsFor(appId).Any(s => s.Topic == topic),
            $"{appId} is subscribed to {topic}");
}

/// <summary>One request the test app received.</summary>
internal sealed record Received(string Path, string? ContentType, string Body, IReadOnlyDictionary<string, string> Headers)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();
}

/// <summary>Records what reached a test app's endpoints and answers with a per-call reply.</summary>
internal sealed class Recorder
{
    private readonly ConcurrentQueue<Received> _all = new();
    private int _calls;

    public IReadOnlyList<Received> All => _all.ToArray();

    public int Calls => Volatile.Read(ref _calls);

    public IReadOnlyList<Received> At(string path) => _all.Where(r => r.Path == path).ToArray();

    /// <summary>A handler that records the raw request; <paramref name="reply"/> gets the 1-based call number.</summary>
    public Func<HttpRequest, Task<IResult>> Handler(Func<int, Received, IResult>? reply = null) => async request =>
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        var received = new Received(request.Path, request.ContentType, body,
            request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()));
        var call = Interlocked.Increment(ref _calls);
        _all.Enqueue(received);
        return reply?.Invoke(call, received) ?? Results.Ok();
    };

    public async Task<IReadOnlyList<Received>> WaitForAsync(int count, string? path = null)
    {
        await Poll.UntilAsync(() => (path is null ? All.Count : At(path).Count) >= count, $"{count} request(s) reached {path ?? "the app"}");
        return path is null ? All : At(path);
    }
}
