using Dapr.Actors;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Contracts.Internal;

namespace DeepSeek.Dapr.Users.Actors;

/// <summary>
/// The methods of <see cref="UserAccountActor"/>, called weakly typed with JSON (web defaults): the method name is
/// the wire name, so <c>Reserve</c>, <c>Release</c>, <c>Settle</c> and <c>SettleMany</c> match <see cref="UserAccountActorContract"/>.
/// </summary>
public interface IUserAccountActor : IActor
{
    Task<QuotaDecision> Reserve(ReservationRequest request);

    Task Release(ReservationRelease release);

    Task<SettlementResult> Settle(UsageRecorded usage);

    Task<List<SettlementResult>> SettleMany(List<UsageRecorded> usages);

    Task<AccountReply> Create(CreateAccount command);

    Task<AccountReply> Get();

    Task<AccountReply> Update(UpdateUserRequest command);

    Task<AccountReply> TopUp(TopUpRequest command);

    Task<UsageReply> Usage(UsageQuery query);
}
