using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using System.Text;
using DeepSeek.Dapr.GatewayAi;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Services.Tests.Users.Support;

namespace Services.Tests.GatewayAi.Support;

/// <summary>
/// gateway-ai in-process with <see cref="FakeSidecar"/> behind it, a clock the test moves, extra settings, and the
/// ways a sidecar reaches the app (CloudEvents on the subscription routes). Counts the app's own
/// <c>deepseek.gateway.fallbacks</c> (by kind) and <c>deepseek.gateway.key_decisions</c> (by source) measurements:
/// only the instruments of this app's meter factory, not of other tests running in parallel.
/// </summary>
public sealed class GatewayUnderTest : IAsyncDisposable
{
    private readonly MeterListener _meters = new();
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private WebApplicationFactory<GatewayAiOptions> _app = null!;

    private GatewayUnderTest(FakeSidecar sidecar, GatewayAiFactory factory)
    {
        Sidecar = sidecar;
        Factory = factory;
    }

    public FakeSidecar Sidecar { get; }
    public GatewayAiFactory Factory { get; }
    public FixedTime Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    public HttpClient Client { get; private set; } = null!;

    public static async Task<GatewayUnderTest> StartAsync(params (string Key, string Value)[] settings)
    {
        var sidecar = await FakeSidecar.StartAsync();
        var gateway = new GatewayUnderTest(sidecar, new GatewayAiFactory(sidecar));
        gateway._app = gateway.Factory.WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(gateway.Clock));
        });
        gateway.Client = gateway.NewClient(FakeSidecar.GoodKey);
        gateway.ListenToFallbacks();
        return gateway;
    }

    public HttpClient NewClient(string apiKey)
    {
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    public long Fallbacks(string kind) => Count($"deepseek.gateway.fallbacks/{kind}");

    public long KeyDecisions(string source) => Count($"deepseek.gateway.key_decisions/{source}");

    private long Count(string key)
    {
        lock (_counts)
        {
            return _counts.GetValueOrDefault(key);
        }
    }

    public static Task<HttpResponseMessage> PostChatAsync(HttpClient client, string json = """{"model":"chat","messages":[{"role":"user","content":"hi"}]}""") =>
        client.PostAsync("/v1/chat/completions", new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>Delivers an event the way the sidecar does: a CloudEvent envelope POSTed to the subscription's route.</summary>
    public async Task<HttpResponseMessage> DeliverAsync(string route, string topic, string dataJson)
    {
        var envelope = $$"""
            {"specversion":"1.0","id":"{{Guid.NewGuid():N}}","source":"test","type":"com.dapr.event.sent",
             "topic":"{{topic}}","pubsubname":"broadcast","datacontenttype":"application/json","data":{{dataJson}}}
            """;
        using var content = new StringContent(envelope, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
        return await _app.CreateClient().PostAsync(route, content);
    }

    private void ListenToFallbacks()
    {
        var meterFactory = _app.Services.GetRequiredService<IMeterFactory>();
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == meterFactory && instrument.Name is "deepseek.gateway.fallbacks" or "deepseek.gateway.key_decisions")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key is "kind" or "source" && tag.Value is string label)
                {
                    var key = $"{instrument.Name}/{label}";
                    lock (_counts)
                    {
                        _counts[key] = _counts.GetValueOrDefault(key) + value;
                    }
                }
            }
        });
        _meters.Start();
    }

    public async ValueTask DisposeAsync()
    {
        _meters.Dispose();
        Client.Dispose();
        await _app.DisposeAsync();
        await Factory.DisposeAsync();
        await Sidecar.DisposeAsync();
    }
}
