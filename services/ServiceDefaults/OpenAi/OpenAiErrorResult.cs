using System.Globalization;
using System.Reflection;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.OpenAi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace DeepSeek.Dapr.ServiceDefaults.OpenAi;

/// <summary>
/// A typed result for the public API's errors: the OpenAI error shape with DeepSeek's status codes, plus
/// <c>Retry-After</c> for 429/503 and any extra headers (e.g. <c>X-Fallback</c>) the caller wants to mark.
/// </summary>
public sealed class OpenAiErrorResult(int statusCode, ErrorResponse error)
    : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ErrorResponse>, IContentTypeHttpResult, IEndpointMetadataProvider
{
    public int StatusCode { get; } = statusCode;
    public ErrorResponse Value { get; } = error;
    public int? RetryAfterSeconds { get; init; }
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    int? IStatusCodeHttpResult.StatusCode => StatusCode;
    object? IValueHttpResult.Value => Value;
    public string ContentType => "application/json";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (Headers is not null)
        {
            foreach (var (name, value) in Headers)
            {
                httpContext.Response.Headers[name] = value;
            }
        }

        return httpContext.Response.WriteOpenAiErrorAsync(StatusCode, Value, RetryAfterSeconds, httpContext.RequestAborted);
    }

    public OpenAiErrorResult WithHeader(string name, string value) => new(StatusCode, Value)
    {
        RetryAfterSeconds = RetryAfterSeconds,
        Headers = new Dictionary<string, string>(Headers ?? new Dictionary<string, string>()) { [name] = value },
    };

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status400BadRequest, typeof(ErrorResponse), ["application/json"]));
}

public static class OpenAiErrorResponseExtensions
{
    /// <summary>Writes an OpenAI-shaped error; for middleware that answers before any endpoint runs (router, auth).</summary>
    public static async Task WriteOpenAiErrorAsync(this HttpResponse response, int statusCode, ErrorResponse error, int? retryAfterSeconds, CancellationToken cancellationToken)
    {
        if (response.HasStarted)
        {
            return;
        }

        response.StatusCode = statusCode;
        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        await response.WriteAsJsonAsync(error, ContractsJsonContext.Default.ErrorResponse, contentType: "application/json", cancellationToken);
    }
}
