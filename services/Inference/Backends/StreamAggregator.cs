using System.Text;
using DeepSeek.Dapr.Contracts.OpenAi;

namespace DeepSeek.Dapr.Inference.Backends;

/// <summary>Builds a complete reply from a stream of updates, for backends that only generate incrementally.</summary>
public static class StreamAggregator
{
    public static async Task<BackendCompletion> CollectAsync(IAsyncEnumerable<BackendUpdate> updates, CancellationToken cancellationToken)
    {
        var content = new StringBuilder();
        var reasoning = new StringBuilder();
        string? finish = null;
        Usage? usage = null;
        await foreach (var update in updates.WithCancellation(cancellationToken))
        {
            content.Append(update.Content);
            reasoning.Append(update.Reasoning);
            finish = update.FinishReason ?? finish;
            usage = update.Usage ?? usage;
        }

        var message = new AssistantMessage
        {
            Content = content.ToString(),
            ReasoningContent = reasoning.Length > 0 ? reasoning.ToString() : null,
        };
        return new BackendCompletion(message, finish ?? FinishReasons.Stop, usage ?? new Usage());
    }
}
