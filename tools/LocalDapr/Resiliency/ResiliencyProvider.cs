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
    private readonly ConcurrentDictionary<(string Caller, string Type), ActorTargetPolicies> _actorTargets = new();
    private readonly ConcurrentDictionary<(string Caller, string Type), CircuitBreaker?> _actorTypeBreakers = new();
    private readonly ConcurrentDictionary<(string Caller, string Type, string Id), ResiliencePipeline> _actorIdPipelines = new();

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

    public ResiliencePipeline ForActor(string callerAppId, string actorType, string actorId)
    {
        // On every actor call: the resolved target is cached so the hot path allocates nothing.
        var target = _actorTargets.GetOrAdd((callerAppId, actorType), static (key, self) => self.ConfigFor(key.Caller).ForActor(key.Type), this);
        if (target.Policies.IsEmpty)
        {
            return ResiliencePipeline.Empty;
        }

        if (target.Policies.Breaker is null || target.Scope == ActorBreakerScope.Type)
        {
            return _cache.GetOrAdd((callerAppId, actorType, 3), static (key, state) =>
            {
                var breaker = state.Self.TypeBreaker(key.Caller, key.Target, state.Policies);
                return new ResolvedPipeline(PipelineFactory.Build(state.Policies, breaker, state.Self._time), state.Policies, breaker);
            }, (Self: this, target.Policies)).Pipeline;
        }

        if (_actorIdPipelines.TryGetValue((callerAppId, actorType, actorId), out var cached))
        {
            return cached;
        }

        // circuitBreakerCacheSize bounds the per-id breakers; when full, the oldest-looking entries make room
        // (a dropped breaker starts closed again, which is what daprd's LRU does too).
        if (_actorIdPipelines.Count >= target.CacheSize)
        {
            foreach (var key in _actorIdPipelines.Keys.Take(Math.Max(1, target.CacheSize / 10)))
            {
                _actorIdPipelines.TryRemove(key, out _);
            }
        }

        var idBreaker = NewBreaker($"{callerAppId}->actor {actorType}/{actorId}", target.Policies.Breaker);
        CircuitBreaker[] breakers = target.Scope == ActorBreakerScope.Both && TypeBreaker(callerAppId, actorType, target.Policies) is { } typeBreaker
            ? [typeBreaker, idBreaker]
            : [idBreaker];
        return _actorIdPipelines.GetOrAdd((callerAppId, actorType, actorId), PipelineFactory.BuildWithBreakers(target.Policies, breakers, _time));
    }

    /// <summary>One breaker per caller and actor type, shared by the type-scoped pipeline and the "both" pipelines.</summary>
    private CircuitBreaker? TypeBreaker(string callerAppId, string actorType, TargetPolicies policies) =>
        _actorTypeBreakers.GetOrAdd((callerAppId, actorType), static (key, state) =>
            state.Policies.Breaker is { } policy ? state.Self.NewBreaker($"{key.Caller}->actor {key.Type}", policy) : null,
            (Self: this, Policies: policies));

    /// <summary>The invocation path also needs to know whether retries apply (to make the request body replayable).</summary>
    public ResolvedPipeline ResolveApp(string callerAppId, string targetAppId) =>
        _cache.GetOrAdd((callerAppId, targetAppId, 0), static (key, self) =>
            self.Create($"{key.Caller}->{key.Target}", self.ConfigFor(key.Caller).ForApp(key.Target)), this);

    private ResiliencyConfig ConfigFor(string callerAppId) =>
        _configs.TryGetValue(callerAppId, out var config) ? config : ResiliencyConfig.Load([]);

    private ResolvedPipeline Create(string target, TargetPolicies policies)
    {
        var breaker = policies.Breaker is { } breakerPolicy ? NewBreaker(target, breakerPolicy) : null;
        return new ResolvedPipeline(PipelineFactory.Build(policies, breaker, _time), policies, breaker);
    }

    private CircuitBreaker NewBreaker(string target, BreakerPolicy policy)
    {
        var breaker = new CircuitBreaker(target, policy, _time);
        breaker.StateChanged += (b, state) => LogBreakerState(b.Target, state);
        return breaker;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Circuit breaker for {Target} is now {State}")]
    private partial void LogBreakerState(string target, BreakerState state);
}

public sealed record ResolvedPipeline(ResiliencePipeline Pipeline, TargetPolicies Policies, CircuitBreaker? Breaker);
