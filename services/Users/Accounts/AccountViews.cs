using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Users.Actors;

namespace DeepSeek.Dapr.Users.Accounts;

/// <summary>An account as the internal API's contracts show it.</summary>
public static class AccountViews
{
    public static UserInfo ToInfo(AccountView account) => new(account.Id, account.Name, account.Plan, account.CreatedAt);

    /// <summary>DeepSeek's shape: the balance as charged so far; holds of running requests are not subtracted.</summary>
    public static UserBalance ToBalance(AccountView account)
    {
        var total = account.GrantedBalance + account.ToppedUpBalance;
        return new UserBalance(
            total > 0m,
            [new BalanceInfo(account.Currency, Pricing.Format(total), Pricing.Format(account.GrantedBalance), Pricing.Format(account.ToppedUpBalance))]);
    }
}
