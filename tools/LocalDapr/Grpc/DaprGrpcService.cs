using LocalDapr.Abstractions;
using LocalDapr.Components;
using LocalDapr.Metadata;
using LocalDapr.Secrets;
using LocalDapr.State;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LocalDapr.Grpc;

/// <summary>
/// The handlers of <c>dapr.proto.runtime.v1.Dapr</c> that the .NET SDK uses for state, pub/sub, secrets and
/// metadata (bound by <see cref="DaprServiceMethodProvider"/>). The calling app is the sidecar whose gRPC port
/// received the call. Errors carry daprd's status codes and messages.
/// </summary>
public sealed partial class DaprGrpcService(
    ISidecarResolver sidecars,
    StateOperations state,
    SecretOperations secrets,
    MetadataBuilder metadata,
    ExtendedMetadataStore extendedMetadata,
    IServiceProvider services,
    ILogger<DaprGrpcService> logger)
{
    private IEventPublisher? Publisher => services.GetService<IEventPublisher>();

    private SidecarApp Caller(ServerCallContext context) => sidecars.Resolve(context.GetHttpContext());

    private static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (DaprApiException ex)
        {
            throw ex.Error.ToRpcException();
        }
    }
}
