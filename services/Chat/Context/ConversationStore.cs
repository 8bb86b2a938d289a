using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.ServiceDefaults.State;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.Chat.Context;

public sealed class ChatOptions
{
    /// <summary>Stored history is capped (oldest non-system messages go first) so documents stay small.</summary>
    public int MaxStoredMessages { get; set; } = 200;
}

/// <summary>Conversation histories in <c>chat-db</c>; appends are ETag-guarded so concurrent turns are never lost.</summary>
public sealed class ConversationStore(IJsonStateStore store, IOptions<ChatOptions> options, TimeProvider time)
{
    private static readonly ChatJsonContext Json = ChatJsonContext.Default;

    public async Task<IReadOnlyList<ChatMessage>> LoadAsync(string conversationId, CancellationToken cancellationToken) =>
        (await store.GetAsync(StoredConversation.StateKey(conversationId), Json.StoredConversation, cancellationToken)).Value?.Messages ?? [];

    public Task<int> AppendAsync(string conversationId, IReadOnlyList<ChatMessage> newMessages, ChatMessage reply, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RetryAsync("append turn", async ct =>
        {
            var entry = await store.GetAsync(StoredConversation.StateKey(conversationId), Json.StoredConversation, ct);
            var messages = Cap(ContextBuilder.Merge(entry.Value?.Messages ?? [], [.. newMessages, reply]), options.Value.MaxStoredMessages);
            var committed = await store.TryCommitAsync(
                [StateOperation.Put(entry.Key, new StoredConversation(messages, time.GetUtcNow()), Json.StoredConversation, entry.ETag)], ct);
            return committed ? Attempt<int>.Done(messages.Count) : Attempt<int>.Conflict();
        }, cancellationToken);

    private static List<ChatMessage> Cap(List<ChatMessage> messages, int max)
    {
        var toDrop = messages.Count - Math.Max(max, 1);
        var capped = new List<ChatMessage>(messages.Count);
        foreach (var message in messages)
        {
            if (toDrop > 0 && !ContextBuilder.IsSystem(message))
            {
                toDrop--;
                continue;
            }

            capped.Add(message);
        }

        return capped;
    }
}
