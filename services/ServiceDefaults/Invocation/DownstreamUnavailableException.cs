namespace DeepSeek.Dapr.ServiceDefaults.Invocation;

/// <summary>
/// A service behind the sidecar could not answer: unreachable, 5xx, a timeout or an open circuit breaker (daprd reports
/// those as 5xx too). Callers turn it into a degraded 503 with <c>Retry-After</c>, never a 500.
/// </summary>
public sealed class DownstreamUnavailableException(string appId, string reason, Exception? inner = null)
    : Exception($"{appId} is unavailable: {reason}", inner)
{
    public string AppId { get; } = appId;
    public string Reason { get; } = reason;
}
