using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LocalDapr.Components;

/// <summary>
/// Turns the errors of the sidecar HTTP API into daprd's <c>{"errorCode","message"}</c> responses: API errors
/// as they were raised, unreadable JSON bodies as ERR_MALFORMED_REQUEST (daprd's wording).
/// </summary>
public sealed class DaprApiErrorFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (DaprApiException ex)
        {
            return ex.Error.ToHttpResult();
        }
        catch (JsonException ex)
        {
            return DaprApiError.Malformed($"failed deserializing HTTP body: {ex.Message}").ToHttpResult();
        }
    }
}
