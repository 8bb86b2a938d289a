using System.Globalization;
using System.Threading.RateLimiting;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.Router.Admission;

/// <summary>
/// Admission control at the edge: one concurrency limiter per destination cluster, so a flood of inference traffic
/// cannot starve account calls. A request holds its permit for as long as the proxy forwards it (a stream until it
/// ends); when every permit is taken and the small queue is full it is shed at once with a 503 in the OpenAI shape,
/// <c>Retry-After</c> and <c>X-Shed: router</c>, instead of joining a backlog that would grow in every hop behind.
/// </summary>
public sealed partial class EdgeAdmission : IDisposable
{
    public const string ShedHeader = "X-Shed";
    public const string ShedByRouter = "router";

    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly AdmissionMetrics _metrics;
    private readonly ILogger<EdgeAdmission> _logger;
    private readonly int _retryAfterSeconds;

    public EdgeAdmission(IOptions<AdmissionOptions> options, AdmissionMetrics metrics, ILogger<EdgeAdmission> logger)
    {
        var settings = options.Value;
        _metrics = metrics;
        _logger = logger;
        _retryAfterSeconds = Math.Max(1, settings.RetryAfterSeconds);
        _limiter = PartitionedRateLimiter.Create<string, string>(cluster =>
        {
            var limits = settings.For(cluster);
            return limits.PermitLimit is not > 0
                ? RateLimitPartition.GetNoLimiter(cluster)
                : RateLimitPartition.GetConcurrencyLimiter(cluster, _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = limits.PermitLimit.Value,
                    QueueLimit = Math.Max(0, limits.QueueLimit ?? 0),
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                });
        });
    }

    /// <summary>Middleware in the proxy pipeline, where the destination cluster is known.</summary>
    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var cluster = context.GetReverseProxyFeature().Cluster.Config.ClusterId;
        RateLimitLease lease;
        try
        {
            lease = await _limiter.AcquireAsync(cluster, 1, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left while queued: its place in the queue is given back, nobody is waiting for a reply.
            return;
        }

        using (lease)
        {
            if (!lease.IsAcquired)
            {
                _metrics.Shed(cluster);
                LogShed(_logger, cluster, context.Request.Path);
                await OpenAiErrors.Unavailable(
                        $"The platform is at capacity; retry after {_retryAfterSeconds.ToString(CultureInfo.InvariantCulture)} second(s).",
                        _retryAfterSeconds,
                        "overloaded")
                    .WithHeader(ShedHeader, ShedByRouter)
                    .ExecuteAsync(context);
                return;
            }

            await next();
        }
    }

    public void Dispose() => _limiter.Dispose();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shed a request for cluster {Cluster} ({Path}): no permit free and the queue is full")]
    private static partial void LogShed(ILogger logger, string cluster, PathString path);
}
