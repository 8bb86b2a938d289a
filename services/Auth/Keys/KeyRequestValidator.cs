using DeepSeek.Dapr.Contracts.Internal;

namespace DeepSeek.Dapr.Auth.Keys;

/// <summary>Turns a <see cref="CreateApiKeyRequest"/> into a <see cref="NewKey"/>, or names the field that is wrong.</summary>
public static class KeyRequestValidator
{
    public static bool TryValidate(CreateApiKeyRequest? request, DateTimeOffset now, out NewKey? key, out (string Message, string Param)? error)
    {
        key = null;
        error = null;
        if (request is null || !IsValidUserId(request.UserId))
        {
            error = ("user_id is required: 1-64 characters from [A-Za-z0-9._@-]", "user_id");
            return false;
        }

        if (request.Name is { Length: > 100 })
        {
            error = ("name must be at most 100 characters", "name");
            return false;
        }

        var scopes = request.Scopes is { Count: > 0 } s ? s.Distinct(StringComparer.Ordinal).ToList() : [KeyScopes.Chat];
        if (scopes.FirstOrDefault(x => !KeyScopes.All.Contains(x)) is { } badScope)
        {
            error = ($"unknown scope '{badScope}': use {string.Join(", ", KeyScopes.All)}", "scopes");
            return false;
        }

        var models = request.AllowedModels?.Distinct(StringComparer.Ordinal).ToList() ?? [];
        if (models.Any(m => string.IsNullOrWhiteSpace(m) || m.Length > 128))
        {
            error = ("allowed_models entries must be non-empty model ids of at most 128 characters", "allowed_models");
            return false;
        }

        if (request.ExpiresAt is { } expires && expires <= now)
        {
            error = ("expires_at must be in the future", "expires_at");
            return false;
        }

        key = new NewKey(request.UserId, request.Name, scopes, models, request.ExpiresAt);
        return true;
    }

    public static bool IsValidUserId(string? userId) => Identifiers.IsValidUserId(userId);
}
