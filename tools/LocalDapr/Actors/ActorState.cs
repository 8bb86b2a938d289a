using System.Globalization;
using System.Text.Json;
using LocalDapr.Abstractions;

namespace LocalDapr.Actors;

/// <summary>
/// Actor state as the SDK's <c>DaprStateProvider</c> uses it: keys <c>{appId}||{type}||{id}||{key}</c> in the
/// app's actor store; saves arrive as one transaction of upserts/deletes (with <c>metadata.ttlInSeconds</c>).
/// </summary>
internal sealed class ActorState(ActorStateStores stores)
{
    public async Task<StateEntry?> GetAsync(string appId, ActorKey actor, string key, CancellationToken cancellationToken)
    {
        var store = stores.For(appId);
        try
        {
            return await store.GetAsync(ActorStateStores.StateKey(appId, actor, key), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not Components.DaprApiException)
        {
            throw ActorErrors.StateGet(ex.Message);
        }
    }

    public async Task TransactAsync(string appId, ActorKey actor, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var store = stores.For(appId);
        var operations = Parse(appId, actor, body);
        if (operations.Count == 0)
        {
            return;
        }

        try
        {
            await store.TransactAsync(operations, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw ActorErrors.StateTransaction(ex.Message);
        }
    }

    private static List<StateOperation> Parse(string appId, ActorKey actor, ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw ActorErrors.Malformed("the actor state transaction must be a JSON array of operations");
            }

            var operations = new List<StateOperation>();
            foreach (var item in document.RootElement.EnumerateArray())
            {
                var operation = ActorTimers.Text(item, "operation");
                if (!item.TryGetProperty("request", out var request) || ActorTimers.Text(request, "key") is not { Length: > 0 } key)
                {
                    throw ActorErrors.Malformed("each actor state operation needs request.key");
                }

                var storeKey = ActorStateStores.StateKey(appId, actor, key);
                switch (operation?.ToLowerInvariant())
                {
                    case "upsert":
                        var value = request.TryGetProperty("value", out var v) ? System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(v).ToArray() : [];
                        operations.Add(new UpsertOperation(new StateWrite(storeKey, value, null, Concurrency.LastWrite, Ttl(request))));
                        break;
                    case "delete":
                        operations.Add(new DeleteOperation(new StateDelete(storeKey, null, Concurrency.LastWrite)));
                        break;
                    default:
                        throw new Components.DaprApiException(Components.DaprApiError.UnsupportedStateOperation(operation ?? string.Empty));
                }
            }

            return operations;
        }
        catch (JsonException ex)
        {
            throw ActorErrors.Malformed($"failed deserializing HTTP body: {ex.Message}");
        }
    }

    private static int? Ttl(JsonElement request)
    {
        if (!request.TryGetProperty("metadata", out var metadata) || ActorTimers.Text(metadata, "ttlInSeconds") is not { } text)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ttl)
            ? ttl
            : throw ActorErrors.Malformed($"metadata ttlInSeconds '{text}' is not an integer");
    }
}
