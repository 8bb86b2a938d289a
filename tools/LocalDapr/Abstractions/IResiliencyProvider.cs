using Polly;

namespace LocalDapr.Abstractions;

/// <summary>
/// Polly pipelines built from the <c>Resiliency</c> resources in scope for the calling app, with daprd's
/// composition: timeout per attempt inside the circuit breaker, inside the retry. Targets without a named
/// policy get the built-in defaults (none for most). Failures that carry a status code should be thrown as
/// <see cref="StatusCodeException"/> so that retry <c>matching</c> and breakers see the code.
/// </summary>
public interface IResiliencyProvider
{
    /// <summary>Service invocation of <paramref name="targetAppId"/> (an app-id or an HTTPEndpoint name).</summary>
    ResiliencePipeline ForApp(string callerAppId, string targetAppId);

    ResiliencePipeline ForComponent(string callerAppId, string componentName, ComponentDirection direction);

    /// <summary>
    /// Calls to actors of <paramref name="actorType"/> made through <paramref name="callerAppId"/>'s sidecar
    /// (<c>targets.actors</c>, else the <c>DefaultActor*</c> policies); the breaker is per type, per id or both.
    /// </summary>
    ResiliencePipeline ForActor(string callerAppId, string actorType, string actorId);
}

public enum ComponentDirection
{
    Outbound,
    Inbound,
}

/// <summary>A failure with an HTTP (100–599) or gRPC status code, as daprd's resiliency <c>CodeError</c>.</summary>
public sealed class StatusCodeException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>Thrown (by the pipeline) when a circuit breaker is open: callers answer at once with daprd's error.</summary>
public sealed class CircuitOpenException(string target) : Exception($"circuit breaker is open for {target}");
