using Dapr.Actors.Client;
using DeepSeek.Dapr.GatewayAi.Accounting;
using DeepSeek.Dapr.GatewayAi.Caching;
using DeepSeek.Dapr.GatewayAi.Decisions;
using DeepSeek.Dapr.ServiceDefaults;
using DeepSeek.Dapr.ServiceDefaults.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DeepSeek.Dapr.GatewayAi;

public static class AccountingExtensions
{
    /// <summary>
    /// The key decision cache, the model descriptor cache (wrapping the catalog registered before this call), the
    /// account actor's proxy factory and the degraded allowance. The proxies talk to this
    /// app's own sidecar (the same endpoint and token as every other call) over a pooled Nagle-off handler, with the
    /// SDK's JSON web defaults, which the actor host uses too.
    /// </summary>
    public static WebApplicationBuilder AddAccountsAndDecisions(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<DecisionOptions>(builder.Configuration.GetSection(DecisionOptions.SectionName));
        services.Configure<DegradedAllowanceOptions>(builder.Configuration.GetSection(DegradedAllowanceOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<IActorProxyFactory>(sp =>
        {
            var sidecar = sp.GetRequiredService<DaprSidecarOptions>();
            var options = new ActorProxyOptions { HttpEndpoint = sidecar.HttpEndpoint.ToString().TrimEnd('/') };
            if (sidecar.ApiToken is { } token)
            {
                options.DaprApiToken = token;
            }

            return new ActorProxyFactory(options, TcpNoDelay.CreateHandler());
        });
        services.AddSingleton<IAccountReservations, ActorAccountReservations>();
        services.AddSingleton<LocalAllowance>();
        services.AddSingleton<AccountGate>();
        services.AddSingleton<KeyDecisionCache>();
        services.AddSingleton<KeyDecisions>();
        services.AddSingleton<DecisionMetrics>();
        return builder;
    }
}
