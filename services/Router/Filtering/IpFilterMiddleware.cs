using DeepSeek.Dapr.ServiceDefaults.OpenAi;

namespace DeepSeek.Dapr.Router.Filtering;

/// <summary>Refuses clients outside the allow list or inside the deny list with 403 in the OpenAI shape.</summary>
public sealed partial class IpFilterMiddleware(RequestDelegate next, IpFilter filter, ILogger<IpFilterMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (filter.IsAllowed(address))
        {
            await next(context);
            return;
        }

        LogDenied(logger, address?.ToString() ?? "unknown", context.Request.Path);
        await OpenAiErrors.Forbidden("Requests from your address are not allowed.", "ip_not_allowed").ExecuteAsync(context);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Address} by the IP filter ({Path})")]
    private static partial void LogDenied(ILogger logger, string address, string path);
}
