namespace DeepSeek.Dapr.Contracts.Internal;

/// <summary>
/// The per-user accounting actor hosted by <c>users</c> (actor id = user id). Every reservation, release and charge
/// of one user runs as one turn of this actor, so concurrent requests cannot over-spend. Callers use a weakly typed
/// <c>ActorProxy</c> with JSON (web defaults) on both sides.
/// </summary>
public static class UserAccountActorContract
{
    public const string ActorType = "UserAccountActor";

    /// <summary><see cref="ReservationRequest"/> → <see cref="QuotaDecision"/> (with <c>ReservationId</c> when allowed).</summary>
    public const string Reserve = "Reserve";

    /// <summary><see cref="ReservationRelease"/> → nothing: frees a hold whose request produced no usage.</summary>
    public const string Release = "Release";

    /// <summary><c>Events.UsageRecorded</c> → <see cref="SettlementResult"/>: charges once per event id and frees its hold.</summary>
    public const string Settle = "Settle";

    /// <summary>
    /// <c>List&lt;Events.UsageRecorded&gt;</c> (all of this user) → <c>List&lt;SettlementResult&gt;</c> in the same order:
    /// settles a batch in one turn and one state transaction, each event id charged once (outcome <c>invalid</c> for an
    /// event without id or model, or of another user).
    /// </summary>
    public const string SettleMany = "SettleMany";
}

/// <summary>
/// Hold quota and money for one request before generation. The hold is priced as a cache miss of
/// <see cref="PromptTokens"/> plus <see cref="MaxCompletionTokens"/> of output, the most it can cost.
/// </summary>
public sealed record ReservationRequest(string RequestId, string? KeyId, string Model, int PromptTokens, int MaxCompletionTokens);

public sealed record ReservationRelease(string ReservationId);

/// <summary>Outcome of settling one usage event: <c>charged</c>, <c>already_charged</c> or <c>unknown_user</c>.</summary>
public sealed record SettlementResult(string Outcome, decimal Cost);
