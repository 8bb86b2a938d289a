namespace LocalDapr.Subscriptions;

internal static class RoutePath
{
    /// <summary>The SDK lists routes without the leading slash (<c>orders</c>); daprd and we POST to <c>/orders</c>.</summary>
    public static string? Normalize(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        var trimmed = path.Trim();
        return trimmed.StartsWith('/') ? trimmed : "/" + trimmed;
    }
}
