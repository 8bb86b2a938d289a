using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace LocalDapr.Grpc;

/// <summary>
/// Binds the handlers of <see cref="DaprGrpcService"/> to their methods. Methods not bound here get
/// gRPC's <c>Unimplemented</c>, which is what the SDK's version-aware calls expect before falling back.
/// </summary>
public sealed class DaprServiceMethodProvider : IServiceMethodProvider<DaprGrpcService>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<DaprGrpcService> context)
    {
        Add<GetStateRequest, GetStateResponse>(context, "GetState", (s, r, c) => s.GetState(r, c));
        Add<GetBulkStateRequest, GetBulkStateResponse>(context, "GetBulkState", (s, r, c) => s.GetBulkState(r, c));
        Add<SaveStateRequest, Empty>(context, "SaveState", (s, r, c) => s.SaveState(r, c));
        Add<DeleteStateRequest, Empty>(context, "DeleteState", (s, r, c) => s.DeleteState(r, c));
        Add<DeleteBulkStateRequest, Empty>(context, "DeleteBulkState", (s, r, c) => s.DeleteBulkState(r, c));
        Add<ExecuteStateTransactionRequest, Empty>(context, "ExecuteStateTransaction", (s, r, c) => s.ExecuteStateTransaction(r, c));
        Add<PublishEventRequest, Empty>(context, "PublishEvent", (s, r, c) => s.PublishEvent(r, c));
        Add<BulkPublishRequest, BulkPublishResponse>(context, "BulkPublishEvent", (s, r, c) => s.BulkPublishEvent(r, c));
        Add<BulkPublishRequest, BulkPublishResponse>(context, "BulkPublishEventAlpha1", (s, r, c) => s.BulkPublishEvent(r, c));
        Add<GetSecretRequest, GetSecretResponse>(context, "GetSecret", (s, r, c) => s.GetSecret(r, c));
        Add<GetBulkSecretRequest, GetBulkSecretResponse>(context, "GetBulkSecret", (s, r, c) => s.GetBulkSecret(r, c));
        Add<GetMetadataRequest, GetMetadataResponse>(context, "GetMetadata", (s, r, c) => s.GetMetadata(r, c));
        Add<SetMetadataRequest, Empty>(context, "SetMetadata", (s, r, c) => s.SetMetadata(r, c));
        Add<ShutdownRequest, Empty>(context, "Shutdown", (s, r, c) => s.Shutdown(r, c));
    }

    private static void Add<TRequest, TResponse>(ServiceMethodProviderContext<DaprGrpcService> context, string name, UnaryServerMethod<DaprGrpcService, TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        if (DaprGrpcMethods.Unary<TRequest, TResponse>(name) is { } method)
        {
            context.AddUnaryMethod(method, [], handler);
        }
    }
}
