using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.ServiceDefaults.Invocation;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;

namespace DeepSeek.Dapr.GatewayPlatform.Downstream;

/// <summary>
/// Calls the internal APIs of auth and users through the sidecar for the management API. Their 4xx replies are
/// already in the OpenAI shape and name the field, so they are passed on as they are; an unreachable service, a 5xx
/// (also how the sidecar reports timeouts and open breakers) or a reply outside the contract becomes a 503 with
/// <c>Retry-After</c>.
/// </summary>
public sealed partial class InternalApi(IHttpClientFactory http, ILogger<InternalApi> logger)
{
    public const int RetryAfterSeconds = 5;

    public Task<DownstreamReply<T>> GetAsync<T>(string appId, string path, JsonTypeInfo<T> replyType, CancellationToken cancellationToken) =>
        SendAsync(appId, new HttpRequestMessage(HttpMethod.Get, path), replyType, cancellationToken);

    public Task<DownstreamReply<T>> DeleteAsync<T>(string appId, string path, JsonTypeInfo<T> replyType, CancellationToken cancellationToken) =>
        SendAsync(appId, new HttpRequestMessage(HttpMethod.Delete, path), replyType, cancellationToken);

    public Task<DownstreamReply<T>> SendJsonAsync<TBody, T>(
        string appId, HttpMethod method, string path, TBody body, JsonTypeInfo<TBody> bodyType, JsonTypeInfo<T> replyType,
        CancellationToken cancellationToken) =>
        SendAsync(appId, new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, bodyType) }, replyType, cancellationToken);

    /// <summary>The 503 every account endpoint answers when a service behind the sidecar cannot.</summary>
    public OpenAiErrorResult Unavailable(DownstreamUnavailableException ex)
    {
        LogUnavailable(logger, ex.AppId, ex.Reason);
        return OpenAiErrors.Unavailable(
            $"The account service is temporarily unavailable ({ex.AppId} is not answering). Retry after a few seconds.", RetryAfterSeconds);
    }

    private async Task<DownstreamReply<T>> SendAsync<T>(string appId, HttpRequestMessage request, JsonTypeInfo<T> replyType, CancellationToken cancellationToken)
    {
        using (request)
        {
            try
            {
                using var response = await http.CreateClient(appId).SendAsync(appId, request, cancellationToken);
                var status = (int)response.StatusCode;
                if (status >= 400)
                {
                    return DownstreamReply<T>.Failure(await ReadErrorAsync(response, cancellationToken));
                }

                var value = await ReadAsync(response, appId, replyType, cancellationToken);
                return DownstreamReply<T>.Success(value);
            }
            catch (DownstreamUnavailableException ex)
            {
                return DownstreamReply<T>.Failure(Unavailable(ex));
            }
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, string appId, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(type, cancellationToken)
                   ?? throw new DownstreamUnavailableException(appId, "empty reply");
        }
        catch (JsonException ex)
        {
            throw new DownstreamUnavailableException(appId, "the reply was not the expected JSON", ex);
        }
    }

    /// <summary>The callee's OpenAI-shaped error with its status; a bare status (e.g. a framework 405) gets a worded one.</summary>
    private static async Task<OpenAiErrorResult> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        ErrorResponse? error = null;
        try
        {
            error = text.Length > 0 ? JsonSerializer.Deserialize(text, ContractsJsonContext.Default.ErrorResponse) : null;
        }
        catch (JsonException)
        {
            // Not the OpenAI shape: worded from the status below.
        }

        return error?.Error is { Message.Length: > 0 }
            ? new OpenAiErrorResult(status, error)
            : OpenAiErrors.FromStatus(status, $"The request was refused with status {status}.");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{AppId} is unavailable ({Reason})")]
    private static partial void LogUnavailable(ILogger logger, string appId, string reason);
}
