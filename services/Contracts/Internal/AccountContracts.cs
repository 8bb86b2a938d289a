namespace DeepSeek.Dapr.Contracts.Internal;

/// <summary>Key scopes: <c>chat</c> may call the inference API, <c>admin</c> may call the management API.</summary>
public static class KeyScopes
{
    public const string Chat = "chat";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Chat, Admin];
}

/// <summary><c>POST /internal/keys</c> on <c>auth</c>: create a key for a user. Empty <see cref="AllowedModels"/> = every model.</summary>
public sealed record CreateApiKeyRequest(
    string UserId,
    string? Name = null,
    IReadOnlyList<string>? Scopes = null,
    IReadOnlyList<string>? AllowedModels = null,
    DateTimeOffset? ExpiresAt = null);

/// <summary>A key as listed: never carries the secret or its hash. <see cref="Id"/> is the public prefix.</summary>
public sealed record ApiKeyInfo(
    string Id,
    string Prefix,
    string UserId,
    string? Name,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<string> AllowedModels,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt);

/// <summary>Reply of key creation: <see cref="ApiKey"/> is the plaintext, returned this once and never stored.</summary>
public sealed record CreatedApiKey(string ApiKey, ApiKeyInfo Key);

/// <summary><c>POST /internal/users</c> on <c>users</c>. A missing <see cref="Id"/> gets a generated one.</summary>
public sealed record CreateUserRequest(string? Id, string Name, string? Plan = null, decimal? GrantedBalance = null);

public sealed record UserInfo(string Id, string Name, string Plan, DateTimeOffset CreatedAt);

/// <summary><c>POST /internal/users/{id}/topup</c>: adds to the topped-up balance (or the granted one when <see cref="Granted"/>).</summary>
public sealed record TopUpRequest(decimal Amount, bool Granted = false);

/// <summary>DeepSeek's <c>GET /user/balance</c> reply, field for field; amounts are decimal strings.</summary>
public sealed record UserBalance(bool IsAvailable, IReadOnlyList<BalanceInfo> BalanceInfos);

public sealed record BalanceInfo(string Currency, string TotalBalance, string GrantedBalance, string ToppedUpBalance);

/// <summary><c>GET /internal/users/{id}/usage?from=yyyy-MM-dd&amp;to=yyyy-MM-dd</c> on <c>users</c>: usage by UTC day and model.</summary>
public sealed record UsageReport(string UserId, string From, string To, string Currency, IReadOnlyList<UsageLine> Lines);

public sealed record UsageLine(
    string Date,
    string Model,
    long Requests,
    long PromptTokens,
    long PromptCacheHitTokens,
    long PromptCacheMissTokens,
    long CompletionTokens,
    long TotalTokens,
    string Cost,
    string? KeyId = null);

/// <summary>A plan as the management API shows and edits it; 0 means "no limit", empty models = every model.</summary>
public sealed record PlanInfo(
    string Name,
    int RequestsPerMinute,
    long TokensPerMinute,
    long TokensPerDay,
    int MaxParallelRequests,
    IReadOnlyList<string> AllowedModels);

/// <summary><c>PATCH /internal/users/{id}</c>: change name and/or plan (publishes <c>account-changed</c>).</summary>
public sealed record UpdateUserRequest(string? Name = null, string? Plan = null);

/// <summary><c>POST /internal/tokens</c> on <c>auth</c>: sign a JWT for a user (admin calls).</summary>
public sealed record TokenIssueRequest(string UserId, IReadOnlyList<string> Scopes, int? LifetimeSeconds = null);

public sealed record IssuedToken(string AccessToken, string TokenType, DateTimeOffset ExpiresAt);

/// <summary><c>POST /internal/tokens/verify</c> on <c>auth</c>: answered with a <see cref="KeyVerificationResult"/> (KeyId = token id).</summary>
public sealed record TokenVerificationRequest(string Token);
