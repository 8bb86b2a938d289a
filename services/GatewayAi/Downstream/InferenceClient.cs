using System.Net.Http.Json;
using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.ServiceDefaults.Http;
using DeepSeek.Dapr.ServiceDefaults.Invocation;

namespace DeepSeek.Dapr.GatewayAi.Downstream;

/// <summary>
/// POST /internal/generate on inference. The caller's cancellation token (the client's RequestAborted) flows into
/// HttpClient, so a client that goes away closes the connection to the sidecar and inference stops generating.
/// </summary>
public sealed class InferenceClient(IHttpClientFactory httpClientFactory)
{
    public async Task<ChatCompletion> GenerateAsync(GenerateRequest request, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        try
        {
            return await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ChatCompletion, cancellationToken)
                   ?? throw new DownstreamUnavailableException(AppIds.Inference, "empty reply");
        }
        catch (JsonException ex)
        {
            throw new DownstreamUnavailableException(AppIds.Inference, "the reply was not a chat completion", ex);
        }
    }

    /// <summary>Opens the SSE stream; returns once inference has answered with its status line. The caller disposes it.</summary>
    public Task<HttpResponseMessage> OpenStreamAsync(GenerateRequest request, CancellationToken cancellationToken) =>
        SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    private async Task<HttpResponseMessage> SendAsync(GenerateRequest body, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "internal/generate")
        {
            Content = JsonBody.Create(body, ContractsJsonContext.Default.GenerateRequest),
        };
        var response = await httpClientFactory.CreateClient(AppIds.Inference).SendAsync(AppIds.Inference, request, cancellationToken, completion);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw new InferenceRejectedException((int)response.StatusCode, await ReadErrorAsync(response, cancellationToken));
        }
    }

    private static async Task<ErrorResponse> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var error = await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ErrorResponse, cancellationToken);
            if (error?.Error is not null)
            {
                return error;
            }
        }
        catch (JsonException)
        {
            // Not the OpenAI shape: fall through to a generic message with the status.
        }

        return ErrorResponse.Create($"The model backend rejected the request (status {(int)response.StatusCode}).", ErrorTypes.InvalidRequest);
    }
}

/// <summary>Inference answered 4xx before generating (e.g. a parameter the backend does not support): passed on to the client.</summary>
public sealed class InferenceRejectedException(int status, ErrorResponse error) : Exception(error.Error.Message)
{
    public int Status { get; } = status;
    public ErrorResponse Error { get; } = error;
}
