using System.Collections.Concurrent;
using System.Collections.Frozen;
using LocalDapr.Abstractions;
using Microsoft.Extensions.Logging;
using Polly;

namespace LocalDapr.Resiliency;

/// <summary>
/// Pipelines per (caller sidecar, target), built once and cached, so a circuit breaker's state is shared by all
/// calls from one sidecar to one target, as in daprd. All Resiliency resources are parsed in the constructor, so
/// a bad one fails start-up.
/// </summary>
internal sealed partial class ResiliencyProvider : IResiliencyProvider
{
    private readonly FrozenDictionary<string, ResiliencyConfig> _configs;
    private readonly ISidecarResolver _sidecars;
    private readonly TimeProvider _time;
    private readonly ILogger<ResiliencyProvider> _logger;
    private readonly ConcurrentDictionary<(string Caller, string Target, int Kind), ResolvedPipeline> _cache = new();

    public ResiliencyProvider(ISidecarResolver sidecars, TimeProvider time, ILogger<ResiliencyProvider> logger)
    {
        _sidecars = sidecars;
        _time = time;
        _logger = logger;
        _configs = sidecars.All.ToFrozenDictionary(s => s.AppId, s => ResiliencyConfig.Load(s.Resources.Resiliencies), StringComparer.Ordinal);
    }

    public ResiliencePipeline ForApp(string callerAppId, string targetAppId) => ResolveApp(callerAppId, targetAppId).Pipeline;

    public ResiliencePipeline ForComponent(string callerAppId, string componentName, ComponentDirection direction) =>
        _cache.GetOrAdd((callerAppId, componentName, 1 + (int)direction), static (key, self) =>
        {
            var type = self._sidecars.Find(key.Caller)?.Resources.Components
                .FirstOrDefault(c => string.Equals(c.Name, key.Target, StringComparison.Ordinal))?.Spec["type"]?.ToString();
            var policies = self.ConfigFor(key.Caller).ForComponent(key.Target, type, (ComponentDirection)(key.Kind - 1));
            return self.Create($"{key.Caller}->{key.Target}({(ComponentDirection)(key.Kind - 1)})", policies);
        }, this).Pipeline;

    /// <summary>The invocation path also needs to know whether retries apply (to make the request body replayable).</summary>
    public ResolvedPipeline ResolveApp(string callerAppId, string targetAppId) =>
        _cache.GetOrAdd((callerAppId, targetAppId, 0), static (key, self) =>
            self.Create($"{key.Caller}->{key.Target}", self.ConfigFor(key.Caller).ForApp(key.Target)), this);

    private ResiliencyConfig ConfigFor(string callerAppId) =>
        _configs.TryGetValue(callerAppId, out var config) ? config : ResiliencyConfig.Load([]);

    private ResolvedPipeline Create(string target, TargetPolicies policies)
    {
        CircuitBreaker? breaker = null;
        if (policies.Breaker is { } breakerPolicy)
        {
            breaker = new CircuitBreaker(target, breakerPolicy, _time);
            breaker.StateChanged += (b, state) => LogBreakerState(b.Target, state);
        }

        return new ResolvedPipeline(PipelineFactory.Build(policies, breaker, _time), policies, breaker);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Circuit breaker for {Target} is now {State}")]
    private partial void LogBreakerState(string target, BreakerState state);
}

public sealed record ResolvedPipeline(ResiliencePipeline Pipeline, TargetPolicies Policies, CircuitBreaker? Breaker);
