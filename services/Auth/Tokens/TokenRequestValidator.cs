using DeepSeek.Dapr.Contracts.Internal;

namespace DeepSeek.Dapr.Auth.Tokens;

/// <summary>A validated token request.</summary>
public sealed record NewToken(string UserId, IReadOnlyList<string> Scopes, TimeSpan Lifetime);

/// <summary>Turns a <see cref="TokenIssueRequest"/> into a <see cref="NewToken"/>, or names the field that is wrong.</summary>
public static class TokenRequestValidator
{
    public static bool TryValidate(TokenIssueRequest? request, out NewToken? token, out (string Message, string Param)? error)
    {
        token = null;
        error = null;
        if (request is null || !Identifiers.IsValidUserId(request.UserId))
        {
            error = ("user_id is required: 1-64 characters from [A-Za-z0-9._@-]", "user_id");
            return false;
        }

        // Tokens exist for admin calls, so a request that names no scope asks for admin.
        var scopes = request.Scopes is { Count: > 0 } s ? s.Distinct(StringComparer.Ordinal).ToList() : [KeyScopes.Admin];
        if (scopes.FirstOrDefault(x => !KeyScopes.All.Contains(x)) is { } badScope)
        {
            error = ($"unknown scope '{badScope}': use {string.Join(", ", KeyScopes.All)}", "scopes");
            return false;
        }

        var seconds = request.LifetimeSeconds ?? JwtSettings.DefaultLifetimeSeconds;
        if (seconds is < 1 or > JwtSettings.MaxLifetimeSeconds)
        {
            error = ($"lifetime_seconds must be between 1 and {JwtSettings.MaxLifetimeSeconds}", "lifetime_seconds");
            return false;
        }

        token = new NewToken(request.UserId, scopes, TimeSpan.FromSeconds(seconds));
        return true;
    }
}
