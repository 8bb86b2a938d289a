using Dapr.Client;
using Microsoft.Extensions.DependencyInjection;

namespace DeepSeek.Dapr.ServiceDefaults;

public static class DaprInvocationExtensions
{
    /// <summary>
    /// Registers a named, pooled <see cref="HttpClient"/> whose requests to <c>http://{appId}/path</c> go through the
    /// sidecar as <c>/v1.0/invoke/{appId}/method/path</c>. Retries, timeouts and breakers are the sidecar's job
    /// (dapr-config/resiliency.yaml), so no resilience handler is stacked here. The handler reads DAPR_API_TOKEN itself.
    /// </summary>
    public static IHttpClientBuilder AddDaprAppClient(this IServiceCollection services, string appId)
    {
        return services.AddHttpClient(appId, client =>
            {
                client.BaseAddress = new Uri($"http://{appId}/");
                // Streams of a long generation must not be cut by HttpClient; timeouts come from resiliency.yaml.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddHttpMessageHandler(sp =>
            {
                var sidecar = sp.GetRequiredService<DaprSidecarOptions>();
                return new InvocationHandler { DaprEndpoint = sidecar.HttpEndpoint.ToString().TrimEnd('/') };
            });
    }
}
