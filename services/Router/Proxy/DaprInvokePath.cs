namespace DeepSeek.Dapr.Router.Proxy;

/// <summary>
/// Maps a public path to the sidecar's service invocation path, the way eShopOnDapr's Envoy did:
/// <c>/chat/completions</c> and <c>/v1/chat/completions</c> both become
/// <c>/v1.0/invoke/gateway-ai/method/v1/chat/completions</c>. Gateways only serve the <c>/v1</c> form, so every
/// path is normalised to it here, once.
/// </summary>
public static class DaprInvokePath
{
    public static PathString For(string appId, PathString publicPath) =>
        new PathString($"/v1.0/invoke/{appId}/method").Add(Normalise(publicPath));

    public static PathString Normalise(PathString publicPath)
    {
        var path = publicPath.HasValue ? publicPath : new PathString("/");
        return path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase, out var rest)
            ? new PathString("/v1").Add(rest)
            : new PathString("/v1").Add(path);
    }
}
