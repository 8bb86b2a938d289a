using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace DeepSeek.Dapr.GatewayPlatform.OpenApi;

/// <summary>
/// The OpenAPI document of gateway-platform (account endpoints and the management API) and its interactive Scalar
/// page. Both live under <c>/v1/docs</c> so the router reaches them with its normal path rewrite: the public
/// <c>/docs</c> and <c>/v1/docs</c> both arrive here as <c>/v1/docs/...</c>.
/// </summary>
public static class PlatformOpenApi
{
    public const string DocumentName = "v1";
    public const string DocsPath = "/v1/docs";
    public const string DocumentRoute = DocsPath + "/openapi/{documentName}.json";
    public const string BearerScheme = "bearer";

    public static IServiceCollection AddPlatformOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "DeepSeek.Dapr account and management API",
                Version = "v1",
                Description =
                    "Account endpoints (any API key: GET /user/balance, GET /usage) and the management API under /admin " +
                    "(an API key with the 'admin' scope, or a JWT from POST /admin/tokens). Every path also works without /v1. " +
                    "Errors use the OpenAI shape {\"error\":{\"message\",\"type\",\"param\",\"code\"}}; 429 and 503 carry Retry-After.",
            };

            // Relative server: the document is read through the router, whose address the app cannot know.
            document.Servers = [new OpenApiServer { Url = "/", Description = "The router this document was read from" }];
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "API key (sk-...) or JWT",
                Description = "Authorization: Bearer <API key or admin JWT>. The management API needs the 'admin' scope.",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
            return Task.CompletedTask;
        }));

    public static WebApplication MapPlatformDocs(this WebApplication app)
    {
        app.MapOpenApi(DocumentRoute);
        app.MapScalarApiReference(DocsPath, options => options
            .WithTitle("DeepSeek.Dapr management API")
            .WithOpenApiRoutePattern(DocumentRoute)
            .AddPreferredSecuritySchemes(BearerScheme));
        return app;
    }
}
