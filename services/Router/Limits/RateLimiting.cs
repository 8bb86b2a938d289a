using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using DeepSeek.Dapr.ServiceDefaults.ApiKeys;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.Router.Limits;

/// <summary>
/// ASP.NET Core's rate limiter as two chained partitions: per client address and per API key. A refusal is a 429 in
/// the OpenAI shape with <c>Retry-After</c> from the limiter's own lease metadata. Keys are partitioned by a hash,
/// so key material is not kept in the limiter's table.
/// Note: these limits are per router instance; exact per-plan limits across replicas belong to users (issue 4).
/// </summary>
public static class RateLimiting
{
    public static IServiceCollection AddRouterRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RouterOptions>>((options, router) =>
        {
            var limits = router.Value.RateLimits;
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    Partition("ip:" + ClientAddress(context), limits.PerIp)),
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    BearerToken.Read(context.Request).Key is { } key
                        ? Partition("key:" + Hash(key), limits.PerKey)
                        : RateLimitPartition.GetNoLimiter("anonymous")));
            options.OnRejected = OnRejectedAsync;
        });
        return services;
    }

    internal static RateLimitPartition<string> Partition(string partitionKey, WindowLimit limit)
    {
        if (limit.PermitLimit <= 0)
        {
            return RateLimitPartition.GetNoLimiter(partitionKey);
        }

        var window = TimeSpan.FromSeconds(Math.Max(1, limit.WindowSeconds));
        return string.Equals(limit.Kind, "Fixed", StringComparison.OrdinalIgnoreCase)
            ? RateLimitPartition.GetFixedWindowLimiter(partitionKey, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limit.PermitLimit,
                Window = window,
                QueueLimit = 0,
            })
            : RateLimitPartition.GetSlidingWindowLimiter(partitionKey, _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = limit.PermitLimit,
                Window = window,
                SegmentsPerWindow = Math.Max(1, limit.SegmentsPerWindow),
                QueueLimit = 0,
            });
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
            ? (int)Math.Ceiling(wait.TotalSeconds)
            : 1;
        await OpenAiErrors.TooManyRequests(
                $"Rate limit reached; retry after {retryAfter.ToString(CultureInfo.InvariantCulture)} seconds.", retryAfter)
            .ExecuteAsync(context.HttpContext);
    }

    private static string ClientAddress(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        return (address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address ?? IPAddress.None).ToString();
    }

    private static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)), 0, 16);
}
