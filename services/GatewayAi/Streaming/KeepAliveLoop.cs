using DeepSeek.Dapr.ServiceDefaults.Sse;

namespace DeepSeek.Dapr.GatewayAi.Streaming;

/// <summary>
/// Writes <c>: keep-alive</c> comments at a fixed interval until cancelled (first token arrived, or the stream ended),
/// so proxies and clients with idle timeouts keep the connection while the model is still thinking.
/// </summary>
public static class KeepAliveLoop
{
    public const string Comment = "keep-alive";

    public static async Task RunAsync(SseEventWriter writer, TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await writer.WriteCommentAsync(Comment, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped on purpose.
        }
        catch (IOException)
        {
            // The client is gone; the relay sees that through RequestAborted.
        }
    }
}
