using DeepSeek.Dapr.ServiceDefaults;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace DeepSeek.Dapr.Router.Proxy;

/// <summary>
/// Per route: rewrite the path to <c>/v1.0/invoke/{app-id}/method/v1/...</c> (the app-id is the cluster's
/// <c>Dapr.AppId</c> metadata), send the sidecar's API token (never one a client made up), and turn replies that
/// come from the sidecar itself rather than a gateway into the public error shape.
/// </summary>
public static class DaprInvokeTransforms
{
    public const string AppIdMetadata = "Dapr.AppId";
    public const string ApiTokenHeader = "dapr-api-token";

    public static void Apply(TransformBuilderContext context, DaprSidecarOptions sidecar, int retryAfterSeconds)
    {
        if (context.Cluster?.Metadata?.TryGetValue(AppIdMetadata, out var appId) != true || string.IsNullOrWhiteSpace(appId))
        {
            return;
        }

        context.AddRequestTransform(transform =>
        {
            transform.Path = DaprInvokePath.For(appId, transform.HttpContext.Request.Path);
            transform.ProxyRequest.Headers.Remove(ApiTokenHeader);
            if (sidecar.ApiToken is { } token)
            {
                transform.ProxyRequest.Headers.TryAddWithoutValidation(ApiTokenHeader, token);
            }

            return ValueTask.CompletedTask;
        });
        context.AddResponseTransform(transform => SidecarErrors.ReplaceAsync(transform, appId, retryAfterSeconds));
    }
}
