using LocalDapr.Abstractions;
using LocalDapr.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace LocalDapr.Hosting;

/// <summary>
/// Per-sidecar request gate: enforces <c>dapr-api-token</c> when the sidecar has DAPR_API_TOKEN (except GET on
/// the health paths, as daprd does) on both HTTP and gRPC ports, and applies the sidecar's body-size limit.
/// </summary>
internal sealed class ApiTokenMiddleware(RequestDelegate next, SidecarResolver resolver)
{
    private const string InvalidToken = "invalid api token";

    public Task InvokeAsync(HttpContext context)
    {
        var sidecar = resolver.TryResolve(context);
        if (sidecar is null)
        {
            return next(context);
        }

        if (context.Connection.LocalPort == sidecar.HttpPort
            && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = sidecar.MaxBodySizeBytes;
        }

        if (sidecar.ApiToken is null || IsExempt(context.Request) || HasToken(context.Request, sidecar.ApiToken))
        {
            return next(context);
        }

        return context.Connection.LocalPort == sidecar.GrpcPort ? RejectGrpc(context) : DaprErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, DaprErrors.Unauthorized, InvalidToken);
    }

    private static bool IsExempt(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && (request.Path.Equals("/v1.0/healthz", StringComparison.OrdinalIgnoreCase)
            || request.Path.Equals("/v1.0/healthz/outbound", StringComparison.OrdinalIgnoreCase));

    private static bool HasToken(HttpRequest request, string token) =>
        request.Headers.TryGetValue(DaprHeaders.ApiToken, out var values) && values.Count == 1 && string.Equals(values[0], token, StringComparison.Ordinal);

    /// <summary>A gRPC "trailers-only" reply: status Unauthenticated in the headers, no body.</summary>
    private static Task RejectGrpc(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = "16";
        response.Headers["grpc-message"] = "authentication error: " + InvalidToken;
        return Task.CompletedTask;
    }
}
