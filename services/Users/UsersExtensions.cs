using Dapr.Actors.Client;
using Dapr.Actors.Runtime;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.ServiceDefaults;
using DeepSeek.Dapr.ServiceDefaults.Hosting;
using DeepSeek.Dapr.ServiceDefaults.Http;
using DeepSeek.Dapr.ServiceDefaults.State;
using DeepSeek.Dapr.Users.Accounts;
using DeepSeek.Dapr.Users.Actors;
using DeepSeek.Dapr.Users.Events;
using DeepSeek.Dapr.Users.Plans;

namespace DeepSeek.Dapr.Users;

public static class UsersExtensions
{
    public static WebApplicationBuilder AddUsers(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<UsersOptions>(builder.Configuration.GetSection("Users"));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddJsonStateStore(Components.UsersDb);
        builder.Services.AddSingleton<PlanCatalog>();
        builder.Services.AddSingleton<UserIndex>();
        builder.Services.AddSingleton<UserAccounts>();
        builder.Services.AddSingleton<AccountChangePublisher>();
        builder.Services.AddStartupTask<BootstrapUserTask>();
        builder.AddAccountActors();
        return builder;
    }

    /// <summary>
    /// Hosts <see cref="UserAccountActor"/> (its state goes to users-db, the store marked <c>actorStateStore</c>) and
    /// the proxy factory this app calls it with. The factory is registered first so the SDK keeps it: its handler
    /// turns Nagle off like every other outgoing client here.
    /// </summary>
    private static void AddAccountActors(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IActorProxyFactory>(sp =>
        {
            var sidecar = sp.GetRequiredService<DaprSidecarOptions>();
            var proxyOptions = new ActorProxyOptions { HttpEndpoint = Endpoint(sidecar), DaprApiToken = sidecar.ApiToken };
            return new ActorProxyFactory(proxyOptions, TcpNoDelay.CreateHandler());
        });
        builder.Services.AddActors(options => options.Actors.RegisterActor<UserAccountActor>(UserAccountActorContract.ActorType));
        builder.Services.AddOptions<ActorRuntimeOptions>().Configure<DaprSidecarOptions>((options, sidecar) =>
        {
            options.HttpEndpoint = Endpoint(sidecar);
            if (sidecar.ApiToken is { } token)
            {
                options.DaprApiToken = token;
            }
        });
    }

    private static string Endpoint(DaprSidecarOptions sidecar) => sidecar.HttpEndpoint.GetLeftPart(UriPartial.Authority);
}
