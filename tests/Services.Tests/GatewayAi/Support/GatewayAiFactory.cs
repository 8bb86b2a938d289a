using System.Collections.Concurrent;
using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.GatewayAi;
using DeepSeek.Dapr.GatewayAi.Caching;
using DeepSeek.Dapr.GatewayAi.Downstream;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Services.Tests.GatewayAi.Support;

/// <summary>
/// The real gateway-ai app with its service invocation going to <see cref="FakeSidecar"/>. Only the two gRPC state/
/// pub-sub ports are swapped for in-memory stand-ins (the gRPC sidecar is the local runtime's, tested on its own).
/// </summary>
public sealed class GatewayAiFactory(FakeSidecar sidecar) : WebApplicationFactory<GatewayAiOptions>
{
    public MemoryResponseCache Cache { get; } = new();
    public RecordingUsagePublisher Usage { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("DAPR_HTTP_PORT", sidecar.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Gateway:KeepAliveSeconds", "0.2");
        builder.UseSetting("Gateway:RetryAfterSeconds", "7");
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<IResponseCache>();
            services.RemoveAll<IUsagePublisher>();
            services.AddSingleton<IResponseCache>(Cache);
            services.AddSingleton<IUsagePublisher>(Usage);
        });
    }
}

/// <summary>Stores values as the bytes a state store would hold, so every read is a real deserialisation.</summary>
public sealed class MemoryResponseCache : IResponseCache
{
    public ConcurrentDictionary<string, byte[]> Entries { get; } = new();

    public Task<ChatCompletion?> GetAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(Entries.TryGetValue(key, out var bytes) ? JsonSerializer.Deserialize(bytes, ContractsJsonContext.Default.ChatCompletion) : null);

    public Task SetAsync(string key, ChatCompletion completion, CancellationToken cancellationToken)
    {
        Entries[key] = JsonSerializer.SerializeToUtf8Bytes(completion, ContractsJsonContext.Default.ChatCompletion);
        return Task.CompletedTask;
    }
}

public sealed class RecordingUsagePublisher : IUsagePublisher
{
    public ConcurrentQueue<UsageRecorded> Published { get; } = new();

    public Task PublishAsync(UsageRecorded usage, CancellationToken cancellationToken)
    {
        Published.Enqueue(usage);
        return Task.CompletedTask;
    }
}
