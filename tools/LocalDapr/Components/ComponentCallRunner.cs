using System.Runtime.ExceptionServices;
using LocalDapr.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace LocalDapr.Components;

/// <summary>
/// Runs one outbound component call through the app's resiliency policy for that component
/// (<c>targets.components.{name}.outbound</c>) when a resiliency provider is registered. Answers that are the
/// caller's fault (ETag conflicts, bad input) pass through the pipeline as results, so they are never retried
/// and never count against a circuit breaker.
/// </summary>
public sealed class ComponentCallRunner(IServiceProvider services)
{
    private readonly IResiliencyProvider? _resiliency = services.GetService<IResiliencyProvider>();

    public async Task<T> RunAsync<T>(string appId, string component, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        if (_resiliency is null)
        {
            return await call(cancellationToken);
        }

        var pipeline = _resiliency.ForComponent(appId, component, ComponentDirection.Outbound);
        var (result, answer) = await pipeline.ExecuteAsync(
            static async (state, token) =>
            {
                try
                {
                    return (await state(token), (Exception?)null);
                }
                catch (Exception ex) when (IsAnswer(ex))
                {
                    return (default(T), ex);
                }
            },
            call,
            cancellationToken);
        if (answer is not null)
        {
            ExceptionDispatchInfo.Throw(answer);
        }

        return result!;
    }

    public Task RunAsync(string appId, string component, Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        RunAsync(appId, component, async token =>
        {
            await call(token);
            return true;
        }, cancellationToken);

    private static bool IsAnswer(Exception ex) =>
        ex is ETagMismatchException or InvalidETagException or InvalidStateKeyException or DaprApiException;
}
