using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using LocalDapr.Abstractions;
using LocalDapr.Components;
using LocalDapr.State;

namespace LocalDapr.Grpc;

public sealed partial class DaprGrpcService
{
    private static readonly Empty EmptyReply = new();

    public Task<GetStateResponse> GetState(GetStateRequest request, ServerCallContext context) => Guard(async () =>
    {
        var entry = await state.GetAsync(Caller(context).AppId, request.StoreName, request.Key, context.CancellationToken);
        var response = new GetStateResponse();
        if (entry is not null)
        {
            // Stores hand out arrays they never write to again: wrapping saves a copy per read.
            response.Data = UnsafeByteOperations.UnsafeWrap(entry.Value);
            response.Etag = entry.ETag;
            if (entry.ExpiresAt is { } expires)
            {
                response.Metadata["ttlExpireTime"] = expires.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return response;
    });

    public Task<GetBulkStateResponse> GetBulkState(GetBulkStateRequest request, ServerCallContext context) => Guard(async () =>
    {
        var keys = request.Keys.ToArray();
        var entries = await state.GetBulkAsync(Caller(context).AppId, request.StoreName, keys, context.CancellationToken);
        var response = new GetBulkStateResponse();
        for (var i = 0; i < keys.Length; i++)
        {
            var item = new BulkStateItem { Key = keys[i] };
            if (entries[i] is { } entry)
            {
                item.Data = UnsafeByteOperations.UnsafeWrap(entry.Value);
                item.Etag = entry.ETag;
            }

            response.Items.Add(item);
        }

        return response;
    });

    public Task<Empty> SaveState(SaveStateRequest request, ServerCallContext context) => Guard(async () =>
    {
        var writes = request.States.Select(s => ToWrite(s, null)).ToArray();
        await state.SaveAsync(Caller(context).AppId, request.StoreName, writes, context.CancellationToken);
        return EmptyReply;
    });

    public Task<Empty> DeleteState(DeleteStateRequest request, ServerCallContext context) => Guard(async () =>
    {
        var delete = new StateDelete(request.Key, EtagOf(request.Etag), ToConcurrency(request.Options));
        await state.DeleteAsync(Caller(context).AppId, request.StoreName, [delete], context.CancellationToken);
        return EmptyReply;
    });

    public Task<Empty> DeleteBulkState(DeleteBulkStateRequest request, ServerCallContext context) => Guard(async () =>
    {
        var deletes = request.States.Select(s => new StateDelete(s.Key, EtagOf(s.Etag), ToConcurrency(s.Options))).ToArray();
        await state.DeleteAsync(Caller(context).AppId, request.StoreName, deletes, context.CancellationToken);
        return EmptyReply;
    });

    public Task<Empty> ExecuteStateTransaction(ExecuteStateTransactionRequest request, ServerCallContext context) => Guard(async () =>
    {
        var operations = request.Operations.Select(o => ToOperation(o, request.Metadata)).ToArray();
        await state.TransactAsync(Caller(context).AppId, request.StoreName, operations, context.CancellationToken);
        return EmptyReply;
    });

    private static StateOperation ToOperation(TransactionalStateOperation operation, MapField<string, string> requestMetadata)
    {
        var item = operation.Request ?? throw new DaprApiException(DaprApiError.Malformed("transaction operation has no request"));
        return operation.OperationType.ToLowerInvariant() switch
        {
            "upsert" => new UpsertOperation(ToWrite(item, requestMetadata)),
            "delete" => new DeleteOperation(new StateDelete(item.Key, EtagOf(item.Etag), ToConcurrency(item.Options))),
            _ => throw new DaprApiException(DaprApiError.UnsupportedStateOperation(operation.OperationType)),
        };
    }

    private static StateWrite ToWrite(StateItem item, MapField<string, string>? defaults)
    {
        // Only the TTL is read from the metadata: the item's own entry wins over the request's, without merging both per item.
        var metadata = item.Metadata.ContainsKey(StateRequests.TtlMetadataKey) || defaults is null ? item.Metadata : defaults;
        return new StateWrite(item.Key, item.Value.Memory, EtagOf(item.Etag), ToConcurrency(item.Options), StateRequests.TtlSeconds(metadata));
    }

    private static string? EtagOf(Etag? etag) => string.IsNullOrEmpty(etag?.Value) ? null : etag.Value;

    private static Concurrency ToConcurrency(StateOptions? options) =>
        options?.Concurrency == StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite ? Concurrency.FirstWrite : Concurrency.LastWrite;
}
