using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using LocalDapr.Abstractions;
using Microsoft.Extensions.Logging;

namespace LocalDapr.Actors;

/// <summary>
/// The placement table of this single node: actor type → the app hosting it, learnt from <c>GET /dapr/config</c>
/// whenever an app gets its first healthy instance. An app answering 404 or listing no types hosts none.
/// </summary>
internal sealed partial class ActorTypeRegistry(IAppChannel channel, ILogger<ActorTypeRegistry> logger) : IAppReadyListener
{
    private readonly ConcurrentDictionary<string, ActorTypeOptions> _types = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ActorHostConfig> _hosts = new(StringComparer.Ordinal);

    /// <summary>Raised after an app's actor types were (re)registered, so reminders can be loaded for them.</summary>
    public event Func<ActorHostConfig, CancellationToken, Task>? HostRegistered;

    public ActorTypeOptions? Find(string actorType) => _types.GetValueOrDefault(actorType);

    public IReadOnlyCollection<ActorHostConfig> Hosts => _hosts.Values.ToArray();

    public async Task OnAppReadyAsync(string appId, CancellationToken cancellationToken)
    {
        var config = await FetchAsync(appId, cancellationToken);
        if (config is null)
        {
            return;
        }

        foreach (var (type, options) in config.Types)
        {
            if (_types.TryGetValue(type, out var existing) && existing.AppId != appId)
            {
                LogTypeConflict(type, existing.AppId, appId);
                continue;
            }

            _types[type] = options;
        }

        _hosts[appId] = config;
        LogRegistered(appId, string.Join(", ", config.Types.Keys));
        if (HostRegistered is { } handler)
        {
            await handler(config, cancellationToken);
        }
    }

    private async Task<ActorHostConfig?> FetchAsync(string appId, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "dapr/config");
            using var response = await channel.SendAsync(appId, request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound || !response.IsSuccessStatusCode)
            {
                return null;
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return body.Length == 0 ? null : ActorHostConfigParser.Parse(appId, body);
        }
        catch (JsonException ex)
        {
            LogBadConfig(appId, ex.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId} hosts actor types: {Types}")]
    private partial void LogRegistered(string appId, string types);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Actor type {Type} is already hosted by app {Existing}; app {AppId} is ignored for it (one placement per type)")]
    private partial void LogTypeConflict(string type, string existing, string appId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId}: GET /dapr/config returned invalid JSON ({Error}); no actors registered")]
    private partial void LogBadConfig(string appId, string error);
}
