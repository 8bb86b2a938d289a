using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.Inference.Backends;
using DeepSeek.Dapr.ServiceDefaults.Http;
using DeepSeek.Dapr.ServiceDefaults.Sse;
using DeepSeek.Dapr.ServiceDefaults.Tokens;

namespace DeepSeek.Dapr.Inference.Upstream;

/// <summary>
/// The <c>openai</c> backend: any OpenAI-compatible server (vLLM, SGLang, Ollama, llama.cpp, DeepSeek's API) reached
/// through the sidecar. Requests pass through unchanged except for the model name and streaming options; tools and
/// tool-call deltas travel as raw JSON. Streams are accepted in OpenAI style (usage in a separate chunk with no
/// choices) and DeepSeek style (usage on the last chunk); a missing usage is counted locally.
/// </summary>
public sealed class OpenAiUpstreamBackend(IHttpClientFactory httpClientFactory, IUpstreamRouter router, UpstreamCredentials credentials) : IChatBackend
{
    public const string HttpClientName = "upstream";

    public async Task<BackendCompletion> CompleteAsync(GenerateRequest input, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(input, stream: false, cancellationToken);
        ChatCompletion? completion;
        try
        {
            completion = await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ChatCompletion, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw UpstreamErrorMapper.InvalidReply(ex.Message);
        }

        var choice = completion?.Choices.FirstOrDefault() ?? throw UpstreamErrorMapper.InvalidReply("no choices");
        var usage = completion.Usage ?? CountUsage(input, choice.Message.Content, choice.Message.ReasoningContent);
        return new BackendCompletion(choice.Message, choice.FinishReason ?? FinishReasons.Stop, usage);
    }

    public async IAsyncEnumerable<BackendUpdate> StreamAsync(GenerateRequest input, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await SendAsync(input, stream: true, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var end = new SseEnd();
        var content = new StringBuilder();
        var reasoning = new StringBuilder();
        Usage? usage = null;
        var finished = false;

        await using var events = ChatStreamEvent.ReadAllAsync(body, end, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (await NextAsync(events))
        {
            var chunk = events.Current.Chunk
                ?? throw UpstreamErrorMapper.InvalidReply(events.Current.Error?.Error.Message ?? "an error event");
            usage = chunk.Usage ?? usage;
            var choice = chunk.Choices.FirstOrDefault(c => c.Index == 0);
            if (choice is null)
            {
                continue;
            }

            content.Append(choice.Delta.Content);
            reasoning.Append(choice.Delta.ReasoningContent);
            finished |= choice.FinishReason is not null;
            if (choice.Delta.Content is { Length: > 0 } || choice.Delta.ReasoningContent is { Length: > 0 } || choice.Delta.ToolCalls is not null || choice.FinishReason is not null)
            {
                yield return new BackendUpdate(
                    NullIfEmpty(choice.Delta.Content),
                    NullIfEmpty(choice.Delta.ReasoningContent),
                    choice.Delta.ToolCalls,
                    choice.FinishReason);
            }
        }

        if (!end.Done && !finished)
        {
            throw UpstreamErrorMapper.InvalidReply("the stream ended before a finish reason or [DONE]");
        }

        yield return new BackendUpdate(Usage: usage ?? CountUsage(input, content.ToString(), reasoning.ToString()));
    }

    private static async Task<bool> NextAsync(IAsyncEnumerator<ChatStreamEvent> events)
    {
        try
        {
            return await events.MoveNextAsync();
        }
        catch (JsonException ex)
        {
            throw UpstreamErrorMapper.InvalidReply(ex.Message);
        }
        catch (HttpRequestException ex)
        {
            throw UpstreamErrorMapper.Unreachable(ex);
        }
        catch (HttpIOException ex)
        {
            throw UpstreamErrorMapper.InvalidReply($"the connection broke mid-stream ({ex.Message})");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(GenerateRequest input, bool stream, CancellationToken cancellationToken)
    {
        var backend = input.Model.Backend;
        if (string.IsNullOrWhiteSpace(backend.Endpoint))
        {
            throw BackendException.Unavailable($"The model '{input.Model.Id}' has no upstream endpoint configured.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, router.ChatCompletionsUri(backend.Endpoint))
        {
            Content = JsonBody.Create(UpstreamRequest(input, stream), ContractsJsonContext.Default.ChatCompletionRequest),
        };
        router.Prepare(request);
        if (await credentials.GetApiKeyAsync(backend.ApiKeySecret, cancellationToken) is { } apiKey)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        }

        if (stream)
        {
            request.Headers.Accept.ParseAdd("text/event-stream");
        }

        HttpResponseMessage response;
        try
        {
            response = await httpClientFactory.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw UpstreamErrorMapper.Unreachable(ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await UpstreamErrorMapper.FromResponseAsync(response, cancellationToken);
        }
    }

    /// <summary>The client's request as the upstream should see it: its own model name, usage requested in streams, no platform extensions.</summary>
    private static ChatCompletionRequest UpstreamRequest(GenerateRequest input, bool stream) =>
        input.Request.ForGeneration(input.Model.Backend.UpstreamModel ?? input.Model.Id, input.Request.Messages, stream);

    private static Usage CountUsage(GenerateRequest input, string? content, string? reasoning)
    {
        var prompt = TokenCounter.CountPrompt(input.Request.Messages ?? []);
        var reasoningTokens = TokenCounter.Count(reasoning);
        var completion = TokenCounter.Count(content) + reasoningTokens;
        return new Usage
        {
            PromptTokens = prompt,
            CompletionTokens = completion,
            TotalTokens = prompt + completion,
            PromptCacheMissTokens = prompt,
            CompletionTokensDetails = reasoningTokens > 0 ? new CompletionTokensDetails { ReasoningTokens = reasoningTokens } : null,
        };
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
