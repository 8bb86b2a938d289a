namespace DeepSeek.Dapr.GatewayPlatform.Admin;

/// <summary>How the caller of the management API proved who it is.</summary>
public enum CredentialKind
{
    ApiKey,
    Jwt,
}

/// <summary>The authenticated administrator of one management call; <see cref="CredentialId"/> is the key id or token id.</summary>
public sealed record AdminCaller(string UserId, string? CredentialId, CredentialKind Kind, IReadOnlyList<string> Scopes);

public static class AdminCallerExtensions
{
    private static readonly object ItemKey = typeof(AdminCaller);

    public static void SetAdminCaller(this HttpContext context, AdminCaller caller) => context.Items[ItemKey] = caller;

    /// <summary>Set by <see cref="AdminAuthorizationFilter"/> before any management handler runs.</summary>
    public static AdminCaller GetAdminCaller(this HttpContext context) =>
        context.Items[ItemKey] as AdminCaller
        ?? throw new InvalidOperationException("the management endpoint ran without AdminAuthorizationFilter");
}
