using DeepSeek.Dapr.Contracts.OpenAi;

namespace DeepSeek.Dapr.GatewayAi.Caching;

/// <summary>The response cache. A failing store never fails a request: a lookup error is a miss, a write error is logged.</summary>
public interface IResponseCache
{
    Task<ChatCompletion?> GetAsync(string key, CancellationToken cancellationToken);

    Task SetAsync(string key, ChatCompletion completion, CancellationToken cancellationToken);
}
