using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.ServiceDefaults.Http;
using DeepSeek.Dapr.ServiceDefaults.Invocation;

namespace DeepSeek.Dapr.GatewayAi.Downstream;

/// <summary>Conversation context in chat: history plus truncation to the model's window, and storing finished turns.</summary>
public sealed class ChatContextClient(IHttpClientFactory httpClientFactory)
{
    public Task<ContextResult> BuildAsync(ContextRequest request, CancellationToken cancellationToken) =>
        httpClientFactory.CreateClient(AppIds.Chat).PostJsonAsync(
            AppIds.Chat, "internal/context", request,
            ContractsJsonContext.Default.ContextRequest, ContractsJsonContext.Default.ContextResult, cancellationToken);

    public async Task AppendTurnAsync(string conversationId, ConversationTurn turn, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"internal/conversations/{Uri.EscapeDataString(conversationId)}/turns")
        {
            Content = JsonBody.Create(turn, ContractsJsonContext.Default.ConversationTurn),
        };
        using var response = await httpClientFactory.CreateClient(AppIds.Chat).SendAsync(AppIds.Chat, request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new DownstreamUnavailableException(AppIds.Chat, $"storing the turn answered {(int)response.StatusCode}");
        }
    }
}
