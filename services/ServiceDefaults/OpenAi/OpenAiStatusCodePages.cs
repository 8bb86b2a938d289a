using DeepSeek.Dapr.Contracts.OpenAi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DeepSeek.Dapr.ServiceDefaults.OpenAi;

/// <summary>
/// Replies that the framework ends without a body (no route → 404, wrong verb → 405, unsupported media → 415) get the
/// OpenAI error shape like every other public error, so clients never have to parse an empty or HTML body.
/// </summary>
public static class OpenAiStatusCodePages
{
    public static IApplicationBuilder UseOpenAiStatusCodePages(this IApplicationBuilder app) =>
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            var status = http.Response.StatusCode;
            var message = status switch
            {
                StatusCodes.Status404NotFound => $"Unknown path '{http.Request.Path}'.",
                StatusCodes.Status405MethodNotAllowed => $"Method {http.Request.Method} is not allowed on '{http.Request.Path}'.",
                StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
                _ => $"The request failed with status {status}.",
            };
            var code = status switch
            {
                StatusCodes.Status404NotFound => "unknown_url",
                StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
                _ => "invalid_request",
            };
            var type = status >= 500 ? ErrorTypes.Server : ErrorTypes.InvalidRequest;
            await http.Response.WriteOpenAiErrorAsync(status, ErrorResponse.Create(message, type, code), null, http.RequestAborted);
        });
}
