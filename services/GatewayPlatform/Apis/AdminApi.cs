using DeepSeek.Dapr.GatewayPlatform.Admin;
using DeepSeek.Dapr.GatewayPlatform.OpenApi;

namespace DeepSeek.Dapr.GatewayPlatform.Apis;

/// <summary>
/// The management API under <c>/v1/admin</c> (the router also serves it without <c>/v1</c>): every endpoint behind
/// <see cref="AdminAuthorizationFilter"/> (admin API key or admin JWT), features in their own files.
/// </summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1/admin")
            .AddEndpointFilter<AdminAuthorizationFilter>()
            .ProducesOpenAiErrors(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status503ServiceUnavailable);
        admin.MapAdminUsersApi();
        admin.MapAdminKeysApi();
        admin.MapAdminPlansApi();
        admin.MapAdminUsageApi();
        admin.MapAdminTokensApi();
        return admin;
    }
}
