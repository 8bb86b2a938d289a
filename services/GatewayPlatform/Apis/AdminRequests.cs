namespace DeepSeek.Dapr.GatewayPlatform.Apis;

/// <summary><c>POST /v1/admin/users/{id}/keys</c>: the owner comes from the path. Empty <see cref="AllowedModels"/> = every model.</summary>
public sealed record CreateKeyBody(
    string? Name = null,
    IReadOnlyList<string>? Scopes = null,
    IReadOnlyList<string>? AllowedModels = null,
    DateTimeOffset? ExpiresAt = null);

/// <summary><c>PUT /v1/admin/plans/{name}</c>: the whole plan (the name comes from the path); 0 = no limit, empty models = every model.</summary>
public sealed record PlanLimitsBody(
    int RequestsPerMinute = 0,
    long TokensPerMinute = 0,
    long TokensPerDay = 0,
    int MaxParallelRequests = 0,
    IReadOnlyList<string>? AllowedModels = null);

/// <summary><c>POST /v1/admin/tokens</c>: optional; without a lifetime auth's default applies.</summary>
public sealed record TokenExchangeBody(int? LifetimeSeconds = null);
