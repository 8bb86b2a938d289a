using DeepSeek.Dapr.Auth.Tokens;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.Auth.Apis;

/// <summary>Internal JWT API for admin calls: gateway-platform exchanges an admin key for a token and checks tokens here.</summary>
public static class TokensApi
{
    public static IEndpointRouteBuilder MapTokensApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/internal/tokens");
        api.MapPost("/", IssueAsync).WithName("IssueToken").WithSummary("Sign an admin JWT for a user (HS256, 1 h by default, at most 24 h)");
        api.MapPost("/verify", VerifyAsync).WithName("VerifyToken").WithSummary("Check a JWT (200 with valid=false and a reason when refused)");
        return app;
    }

    public static async Task<Results<Ok<IssuedToken>, BadRequest<ErrorResponse>>> IssueAsync(TokenIssueRequest request, TokenService tokens, CancellationToken ct)
    {
        if (!TokenRequestValidator.TryValidate(request, out var token, out var error))
        {
            return TypedResults.BadRequest(ErrorResponse.Create(error!.Value.Message, ErrorTypes.InvalidRequest, "invalid_request", error.Value.Param));
        }

        return TypedResults.Ok(await tokens.IssueAsync(token!, ct));
    }

    public static async Task<Ok<KeyVerificationResult>> VerifyAsync(TokenVerificationRequest request, TokenService tokens, CancellationToken ct) =>
        TypedResults.Ok(await tokens.VerifyAsync(request.Token, ct));
}
