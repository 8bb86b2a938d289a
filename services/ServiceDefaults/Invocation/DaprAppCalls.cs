using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using DeepSeek.Dapr.ServiceDefaults.Http;

namespace DeepSeek.Dapr.ServiceDefaults.Invocation;

/// <summary>
/// Service invocation through the sidecar with the platform's failure rule: transport errors and 5xx (which is also
/// how daprd reports timeouts and open breakers) become <see cref="DownstreamUnavailableException"/>; 4xx replies are
/// returned to the caller, which knows what they mean for its contract. No retries here: resiliency.yaml owns them.
/// </summary>
public static class DaprAppCalls
{
    public static async Task<HttpResponseMessage> SendAsync(
        this HttpClient client, string appId, HttpRequestMessage request, CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new DownstreamUnavailableException(appId, "the sidecar could not be reached", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DownstreamUnavailableException(appId, "the call timed out", ex);
        }

        if ((int)response.StatusCode >= 500)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new DownstreamUnavailableException(appId, $"status {status}");
        }

        return response;
    }

    /// <summary>POSTs JSON and reads a JSON reply; a 4xx is reported as <see cref="DownstreamUnavailableException"/> too, since it breaks the contract.</summary>
    public static async Task<TResponse> PostJsonAsync<TRequest, TResponse>(
        this HttpClient client, string appId, string path, TRequest body,
        JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonBody.Create(body, requestType) };
        using var response = await client.SendAsync(appId, request, cancellationToken);
        return await ReadRequiredAsync(response, appId, responseType, cancellationToken);
    }

    /// <summary>GETs JSON; returns default on 404 (the callee says "no such thing").</summary>
    public static async Task<TResponse?> GetJsonOrDefaultAsync<TResponse>(
        this HttpClient client, string appId, string path, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await client.SendAsync(appId, request, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return default;
        }

        return await ReadRequiredAsync(response, appId, responseType, cancellationToken);
    }

    private static async Task<T> ReadRequiredAsync<T>(HttpResponseMessage response, string appId, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new DownstreamUnavailableException(appId, $"unexpected status {(int)response.StatusCode}");
        }

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
}
