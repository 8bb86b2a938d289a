using LocalDapr.Abstractions;
using LocalDapr.Components;
using LocalDapr.Hosting;
using LocalDapr.Invocation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LocalDapr.Actors;

/// <summary>
/// daprd's actor API on the sidecar HTTP port (dapr/dapr pkg/api/http/actors.go): <c>/v1.0/actors/{type}/{id}/</c>
/// <c>method/{m}</c>, <c>state</c>, <c>state/{key}</c>, <c>reminders/{name}</c> and <c>timers/{name}</c>.
/// </summary>
internal static class ActorsApi
{
    public static IEndpointRouteBuilder MapActorsApi(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var handlers = new ActorHandlers(
            services.GetRequiredService<ISidecarResolver>(),
            services.GetRequiredService<ActorTypeRegistry>(),
            services.GetRequiredService<ActorInvoker>(),
            services.GetRequiredService<ActorState>(),
            services.GetRequiredService<ActorReminders>(),
            services.GetRequiredService<ActorTimers>());

        var group = endpoints.MapGroup("/v1.0/actors/{actorType}/{actorId}").AddEndpointFilter<DaprApiErrorFilter>();
        group.MapMethods("/method/{**method}", [HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete], handlers.InvokeAsync).WithName("InvokeActorMethod");
        group.MapGet("/state/{**key}", handlers.GetStateAsync).WithName("GetActorState");
        group.MapMethods("/state", [HttpMethods.Put, HttpMethods.Post], handlers.SaveStateAsync).WithName("SaveActorState");
        group.MapMethods("/reminders/{name}", [HttpMethods.Put, HttpMethods.Post], handlers.RegisterReminderAsync).WithName("RegisterActorReminder");
        group.MapGet("/reminders/{name}", handlers.GetReminderAsync).WithName("GetActorReminder");
        group.MapDelete("/reminders/{name}", handlers.DeleteReminderAsync).WithName("DeleteActorReminder");
        group.MapMethods("/timers/{name}", [HttpMethods.Put, HttpMethods.Post], handlers.RegisterTimerAsync).WithName("RegisterActorTimer");
        group.MapDelete("/timers/{name}", handlers.DeleteTimer).WithName("DeleteActorTimer");
        return endpoints;
    }

    private sealed class ActorHandlers(
        ISidecarResolver sidecars,
        ActorTypeRegistry registry,
        ActorInvoker invoker,
        ActorState state,
        ActorReminders reminders,
        ActorTimers timers)
    {
        public async Task<IResult> InvokeAsync(HttpContext context, string actorType, string actorId, string method)
        {
            var caller = sidecars.Resolve(context);
            var actor = new ActorKey(actorType, actorId);
            var type = TypeOf(actor);
            var body = await ReadBodyAsync(context.Request);
            HttpResponseMessage response;
            try
            {
                response = await invoker.CallAsync(caller.AppId, type, actor, () =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Put, ActorPaths.Method(actor, method)) { Content = new ByteArrayContent(body) };
                    HeaderRules.CopyRequestHeaders(context.Request.Headers, request);
                    return request;
                }, context.Request.Headers[ActorErrors.ReentrancyHeader].FirstOrDefault(), context.RequestAborted);
            }
            catch (Exception ex) when (ex is HttpRequestException or CircuitOpenException or TimeoutException or Polly.Timeout.TimeoutRejectedException)
            {
                throw ActorErrors.InvokeFailed(actor, ex.Message);
            }

            if (!response.IsSuccessStatusCode)
            {
                // As daprd: only a successful reply is relayed (a remoting exception comes as 200 with
                // X-DaprErrorResponseHeader); any other status becomes ERR_ACTOR_INVOKE_METHOD with the app's reply in it.
                using (response)
                {
                    throw ActorErrors.AppFailed(actor, method, (int)response.StatusCode, await response.Content.ReadAsStringAsync(context.RequestAborted));
                }
            }

            return new RelayResult(response);
        }

        public async Task<IResult> GetStateAsync(HttpContext context, string actorType, string actorId, string key)
        {
            var entry = await state.GetAsync(sidecars.Resolve(context).AppId, new ActorKey(actorType, actorId), key, context.RequestAborted);
            if (entry is null)
            {
                return TypedResults.NoContent();
            }

            if (entry.ExpiresAt is { } expires)
            {
                context.Response.Headers["Metadata.ttlExpireTime"] = expires.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
            }

            return TypedResults.Bytes(entry.Value.ToArray(), "application/json");
        }

        public async Task<IResult> SaveStateAsync(HttpContext context, string actorType, string actorId)
        {
            var body = await ReadBodyAsync(context.Request);
            await state.TransactAsync(sidecars.Resolve(context).AppId, new ActorKey(actorType, actorId), body, context.RequestAborted);
            return TypedResults.NoContent();
        }

        public async Task<IResult> RegisterReminderAsync(HttpContext context, string actorType, string actorId, string name)
        {
            var actor = new ActorKey(actorType, actorId);
            await reminders.RegisterAsync(TypeOf(actor), actor, name, await ReadBodyAsync(context.Request), context.RequestAborted);
            return TypedResults.NoContent();
        }

        public async Task<IResult> GetReminderAsync(HttpContext context, string actorType, string actorId, string name)
        {
            var actor = new ActorKey(actorType, actorId);
            var record = await reminders.GetAsync(TypeOf(actor), actor, name, context.RequestAborted);

            // The SDK reads a missing reminder from a 500 (ActorTimerManager returns null then).
            return record is null
                ? throw ActorErrors.ReminderGet($"reminder {name} not found for actor {actor}")
                : TypedResults.Bytes(ActorReminders.FiringBody(record), "application/json");
        }

        public async Task<IResult> DeleteReminderAsync(HttpContext context, string actorType, string actorId, string name)
        {
            var actor = new ActorKey(actorType, actorId);
            await reminders.DeleteAsync(TypeOf(actor), actor, name, context.RequestAborted);
            return TypedResults.NoContent();
        }

        public async Task<IResult> RegisterTimerAsync(HttpContext context, string actorType, string actorId, string name)
        {
            var actor = new ActorKey(actorType, actorId);
            timers.Register(TypeOf(actor), actor, name, await ReadBodyAsync(context.Request));
            return TypedResults.NoContent();
        }

        public IResult DeleteTimer(string actorType, string actorId, string name)
        {
            timers.Delete(new ActorKey(actorType, actorId), name);
            return TypedResults.NoContent();
        }

        private ActorTypeOptions TypeOf(ActorKey actor) => registry.Find(actor.Type) ?? throw ActorErrors.UnknownType(actor);

        private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            return buffer.ToArray();
        }
    }

    /// <summary>The app's reply passed back unchanged: status, headers (incl. <c>X-DaprErrorResponseHeader</c>) and body.</summary>
    private sealed class RelayResult(HttpResponseMessage response) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            using (response)
            {
                httpContext.Response.StatusCode = (int)response.StatusCode;
                HeaderRules.CopyResponseHeaders(response, httpContext.Response.Headers);
                await response.Content.CopyToAsync(httpContext.Response.Body, httpContext.RequestAborted);
            }
        }
    }
}
