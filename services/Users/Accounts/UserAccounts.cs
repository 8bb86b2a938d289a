using Dapr.Actors;
using Dapr.Actors.Client;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Users.Actors;

namespace DeepSeek.Dapr.Users.Accounts;

/// <summary>
/// Calls a user's <see cref="UserAccountActor"/> through this app's sidecar, weakly typed with JSON, exactly as
/// gateway-ai does: the API, the subscriber and the bootstrap all go through the actor, never around it.
/// </summary>
public sealed class UserAccounts(IActorProxyFactory proxies)
{
    public Task<QuotaDecision> ReserveAsync(string userId, ReservationRequest request, CancellationToken cancellationToken) =>
        Proxy(userId).InvokeMethodAsync<ReservationRequest, QuotaDecision>(UserAccountActorContract.Reserve, request, cancellationToken);

    public Task ReleaseAsync(string userId, ReservationRelease release, CancellationToken cancellationToken) =>
        Proxy(userId).InvokeMethodAsync(UserAccountActorContract.Release, release, cancellationToken);

    public Task<SettlementResult> SettleAsync(UsageRecorded usage, CancellationToken cancellationToken) =>
        Proxy(usage.UserId).InvokeMethodAsync<UsageRecorded, SettlementResult>(UserAccountActorContract.Settle, usage, cancellationToken);

    /// <summary>Settles usage events of one user in one actor turn; results in the order of <paramref name="usages"/>.</summary>
    public Task<List<SettlementResult>> SettleManyAsync(string userId, List<UsageRecorded> usages, CancellationToken cancellationToken) =>
        Proxy(userId).InvokeMethodAsync<List<UsageRecorded>, List<SettlementResult>>(UserAccountActorContract.SettleMany, usages, cancellationToken);

    public Task<AccountReply> CreateAsync(string userId, CreateAccount command, CancellationToken cancellationToken) =>
        Proxy(userId).InvokeMethodAsync<CreateAccount, AccountReply>(nameof(IUserAccountActor.Create), command, cancellationToken);

    public Task<AccountReply> GetAsync(string userId, CancellationToken cancellationToken) =>
        Proxy(userId).InvokeMethodAsync<AccountReply>(nameof(IUserAccountActor.Get), cancellationToken);

    public Task<AccountReply> UpdateAsync(string userId, UpdateUserRequest command, CancellationToken cancellationToken) =>
        Proxy(userId).InvokeMethodAsync<UpdateUserRequest, AccountReply>(nameof(IUserAccountActor.Update), command, cancellationToken);

    public Task<AccountReply> TopUpAsync(string userId, TopUpRequest command, CancellationToken cancellationToken) =>
        Proxy(userId).InvokeMethodAsync<TopUpRequest, AccountReply>(nameof(IUserAccountActor.TopUp), command, cancellationToken);

    public Task<UsageReply> UsageAsync(string userId, UsageQuery query, CancellationToken cancellationToken) =>
        Proxy(userId).InvokeMethodAsync<UsageQuery, UsageReply>(nameof(IUserAccountActor.Usage), query, cancellationToken);

    private ActorProxy Proxy(string userId) => proxies.Create(new ActorId(userId), UserAccountActorContract.ActorType);
}
