using DeepSeek.Dapr.Contracts.OpenAi;

namespace DeepSeek.Dapr.Contracts.Internal;

/// <summary>
/// <c>POST /internal/generate</c> on <c>inference</c>. <see cref="Request"/> carries the final context messages.
/// The reply is a <see cref="ChatCompletion"/>, or, when <c>Request.Stream</c> is true, an SSE stream of
/// <see cref="ChatCompletionChunk"/> ending with <c>data: [DONE]</c>; streams always end with a usage chunk.
/// </summary>
public sealed record GenerateRequest(string RequestId, ChatCompletionRequest Request, ModelDescriptor Model);
