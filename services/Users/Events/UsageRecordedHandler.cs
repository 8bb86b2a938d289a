using System.Text.Json;
using Dapr;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Users.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.Users.Events;

/// <summary>Subscriber of <c>usage-recorded</c>: a thin endpoint handing the event to <see cref="UsageCharger"/>.</summary>
public static partial class UsageRecordedHandler
{
    public static IEndpointRouteBuilder MapUsageRecordedHandler(this IEndpointRouteBuilder app)
    {
        app.MapPost("/events/usage-recorded", HandleAsync)
            .WithTopic(Components.PubSub, Topics.UsageRecorded)
            .WithName("ChargeUsage")
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>Store errors surface as 500, which the sidecar redelivers; a payload that can never be charged is dropped.</summary>
    public static async Task<Ok<SubscriptionReply>> HandleAsync(HttpRequest request, UsageCharger charger, ILogger<UsageCharger> logger, CancellationToken ct)
    {
        var usage = await ReadAsync(request, logger, ct);
        if (usage is null)
        {
            return TypedResults.Ok(SubscriptionReply.Drop);
        }

        var result = await charger.ChargeAsync(usage, ct);
        LogCharged(logger, usage.EventId, usage.UserId, usage.Model, result.Outcome, result.Cost);
        return TypedResults.Ok(result.Outcome == ChargeOutcome.UnknownUser ? SubscriptionReply.Drop : SubscriptionReply.Success);
    }

    private static async Task<UsageRecorded?> ReadAsync(HttpRequest request, ILogger logger, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        try
        {
            var usage = IntegrationEventReader.ReadUsageRecorded(buffer.ToArray());
            if (usage is { EventId.Length: > 0, UserId.Length: > 0, Model.Length: > 0 })
            {
                return usage;
            }
        }
        catch (JsonException ex)
        {
            LogInvalid(logger, ex.Message);
            return null;
        }

        LogInvalid(logger, "event_id, user_id and model are required");
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Usage event {EventId} of {UserId} on {Model}: {Outcome} ({Cost})")]
    private static partial void LogCharged(ILogger logger, string eventId, string userId, string model, ChargeOutcome outcome, decimal cost);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping an invalid usage-recorded event: {Reason}")]
    private static partial void LogInvalid(ILogger logger, string reason);
}
