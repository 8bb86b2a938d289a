using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using LocalDapr.Abstractions;
using LocalDapr.Components;
using Microsoft.Extensions.Logging;

namespace LocalDapr.Grpc;

public sealed partial class DaprGrpcService
{
    public async Task<Empty> PublishEvent(PublishEventRequest request, ServerCallContext context)
    {
        var publisher = RequirePublisher(request.PubsubName, request.Topic);
        var publish = new PublishRequest(Caller(context).AppId, request.PubsubName, request.Topic, request.Data.Memory,
            NullIfEmpty(request.DataContentType), new Dictionary<string, string>(request.Metadata), Header(context, "traceparent"), Header(context, "tracestate"));
        try
        {
            await publisher.PublishAsync(publish, context.CancellationToken);
        }
        catch (ComponentNotFoundException ex)
        {
            throw DaprApiError.NotFound(ex).ToRpcException();
        }
        catch (Exception ex) when (ex is not RpcException and not OperationCanceledException)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"error when publish to topic {request.Topic} in pubsub {request.PubsubName}: {ex.Message}"));
        }

        return EmptyReply;
    }

    /// <summary>Publishes each entry; entries that fail come back in <c>failedEntries</c> (daprd's bulk semantics).</summary>
    public async Task<BulkPublishResponse> BulkPublishEvent(BulkPublishRequest request, ServerCallContext context)
    {
        var publisher = RequirePublisher(request.PubsubName, request.Topic);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in request.Entries)
        {
            if (string.IsNullOrEmpty(entry.EntryId) || !ids.Add(entry.EntryId))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"entryId '{entry.EntryId}' is empty or duplicated in the bulk publish request"));
            }
        }

        var app = Caller(context).AppId;
        var response = new BulkPublishResponse();
        foreach (var entry in request.Entries)
        {
            var entryMetadata = new Dictionary<string, string>(request.Metadata);
            foreach (var (key, value) in entry.Metadata)
            {
                entryMetadata[key] = value;
            }

            try
            {
                await publisher.PublishAsync(new PublishRequest(app, request.PubsubName, request.Topic, entry.Event.Memory, NullIfEmpty(entry.ContentType),
                    entryMetadata, Header(context, "traceparent"), Header(context, "tracestate")), context.CancellationToken);
            }
            catch (ComponentNotFoundException ex)
            {
                throw DaprApiError.NotFound(ex).ToRpcException();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogBulkEntryFailed(request.PubsubName, request.Topic, entry.EntryId, ex);
                response.FailedEntries.Add(new BulkPublishResponseFailedEntry { EntryId = entry.EntryId, Error = ex.Message });
            }
        }

        return response;
    }

    private IEventPublisher RequirePublisher(string pubsubName, string topic)
    {
        if (string.IsNullOrEmpty(pubsubName))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "pubsub name is empty"));
        }

        if (string.IsNullOrEmpty(topic))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"topic is empty in pubsub {pubsubName}"));
        }

        return Publisher ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, "no pubsub is configured"));
    }

    private static string? Header(ServerCallContext context, string name) => context.RequestHeaders.GetValue(name);

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bulk publish to {PubSub}/{Topic}: entry {EntryId} failed")]
    private partial void LogBulkEntryFailed(string pubSub, string topic, string entryId, Exception exception);
}
