using Dapr;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Users.Plans;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.Users.Events;

/// <summary>
/// Subscriber of <c>account-changed</c> on <c>broadcast</c> (every users instance gets every message): a plan edited
/// on any instance (user id <c>*</c>) makes this instance's copy of the plans stale, so the next decision re-reads them.
/// </summary>
public static class AccountChangedHandler
{
    public static IEndpointRouteBuilder MapAccountChangedHandler(this IEndpointRouteBuilder app)
    {
        app.MapPost("/events/account-changed", Handle)
            .WithTopic(Components.Broadcast, Topics.AccountChanged)
            .WithName("RefreshPlans")
            .ExcludeFromDescription();
        return app;
    }

    public static Ok<SubscriptionReply> Handle(AccountChanged changed, PlanCatalog plans)
    {
        if (changed.UserId == AccountChangePublisher.AllUsers)
        {
            plans.Invalidate();
        }

        return TypedResults.Ok(SubscriptionReply.Success);
    }
}
