namespace LocalDapr.Channel;

/// <summary>
/// Send failures that are safe to send again to another instance: the connection could not be made (refused,
/// reset while connecting), so nothing reached the app. A pooled connection found dead is replaced by the handler
/// itself before the request goes out, so it surfaces here as a failed connect too.
/// </summary>
internal static class ConnectFailure
{
    /// <summary>Upper bound of instances tried for one request, so a flapping set of replicas cannot loop forever.</summary>
    public const int MaxInstancesTried = 8;

    public static bool NothingSent(Exception exception) =>
        exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError };

    public static string Describe(Exception exception) => exception.InnerException?.Message ?? exception.Message;
}
