using DeepSeek.Dapr.Contracts.OpenAi;
using Microsoft.AspNetCore.Http.Metadata;

namespace DeepSeek.Dapr.GatewayPlatform.OpenApi;

public static class ErrorResponseMetadata
{
    /// <summary>Documents the OpenAI-shaped error replies every endpoint of a group can give (auth failures, 503).</summary>
    public static RouteGroupBuilder ProducesOpenAiErrors(this RouteGroupBuilder group, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            group.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ErrorResponse), ["application/json"]));
        }

        return group;
    }
}
