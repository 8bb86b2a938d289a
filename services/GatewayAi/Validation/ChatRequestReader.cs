using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;

namespace DeepSeek.Dapr.GatewayAi.Validation;

/// <summary>
/// Reads the chat body with the source-generated contracts, straight from the request stream (chat bodies can be
/// large, so unlike <see cref="JsonBodyReader"/> it does not buffer first). Errors are worded by
/// <see cref="JsonBodyReader"/>, so every endpoint names a bad field the same way.
/// </summary>
public static class ChatRequestReader
{
    public static async Task<(ChatCompletionRequest? Request, OpenAiErrorResult? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var body = await JsonSerializer.DeserializeAsync(request.Body, ContractsJsonContext.Default.ChatCompletionRequest, cancellationToken);
            return body is null
                ? (null, OpenAiErrors.BadRequest("The request body must be a JSON object.", code: "invalid_json"))
                : (body, null);
        }
        catch (JsonException ex)
        {
            return (null, JsonBodyReader.FromJsonException(ex));
        }
    }
}
