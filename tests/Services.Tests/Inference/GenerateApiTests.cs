using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.ServiceDefaults.Tokens;

namespace Services.Tests.Inference;

/// <summary><c>POST /internal/generate</c> with the built-in model, over HTTP against the real service pipeline.</summary>
public sealed class GenerateApiTests(InferenceApp app) : IClassFixture<InferenceApp>
{
    private const string Question = "How do I start the platform?";

    [Fact]
    public async Task Complete_reply_is_a_chat_completion_with_usage()
    {
        var request = InferenceApp.Ask(Question);
        using var response = await app.GenerateAsync(new GenerateRequest("req-complete", request, InferenceApp.Builtin()));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var completion = (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ChatCompletion))!;
        completion.Id.Should().Be("chatcmpl-req-complete");
        completion.Object.Should().Be("chat.completion");
        completion.Model.Should().Be("deepseek-chat");
        var choice = completion.Choices.Should().ContainSingle().Subject;
        choice.Message.Content.Should().Contain("./run.sh");
        choice.FinishReason.Should().Be("stop");
        completion.Usage!.PromptTokens.Should().Be(TokenCounter.CountPrompt(request.Messages!));
        completion.Usage.CompletionTokens.Should().Be(TokenCounter.Count(choice.Message.Content));
        completion.Usage.TotalTokens.Should().Be(completion.Usage.PromptTokens + completion.Usage.CompletionTokens);
    }

    [Fact]
    public async Task Stream_follows_the_contract_and_matches_the_complete_reply()
    {
        using var complete = await app.GenerateAsync(new GenerateRequest("req-a", InferenceApp.Ask(Question), InferenceApp.Builtin()));
        var expected = (await complete.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ChatCompletion))!;

        using var response = await app.GenerateAsync(new GenerateRequest("req-stream", InferenceApp.Ask(Question, stream: true), InferenceApp.Builtin()));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        var (chunks, usage) = SseEvents.AssertContract(await SseEvents.ReadAsync(response), "deepseek-chat");
        chunks.Count.Should().BeGreaterThan(5, "the built-in model streams token by token");
        chunks[0].Id.Should().Be("chatcmpl-req-stream");
        SseEvents.Content(chunks).Should().Be(expected.Choices[0].Message.Content);
        chunks[^1].Choices[0].FinishReason.Should().Be("stop");
        usage.CompletionTokens.Should().Be(expected.Usage!.CompletionTokens);
        usage.PromptTokens.Should().Be(expected.Usage.PromptTokens);
    }

    [Fact]
    public async Task Reasoner_streams_reasoning_before_the_answer()
    {
        using var response = await app.GenerateAsync(new GenerateRequest(
            "req-reason", InferenceApp.Ask("How do I run the tests?", stream: true), InferenceApp.Builtin("deepseek-reasoner", reasoning: true)));

        var (chunks, usage) = SseEvents.AssertContract(await SseEvents.ReadAsync(response), "deepseek-reasoner");
        var lastReasoning = chunks.FindLastIndex(c => c.Choices[0].Delta.ReasoningContent != null);
        var firstContent = chunks.FindIndex(c => !string.IsNullOrEmpty(c.Choices[0].Delta.Content));
        lastReasoning.Should().BeGreaterThan(0);
        firstContent.Should().BeGreaterThan(lastReasoning);
        usage.CompletionTokensDetails!.ReasoningTokens.Should().BeGreaterThan(0);
        usage.CompletionTokens.Should().BeGreaterThan(usage.CompletionTokensDetails.ReasoningTokens);
    }

    [Fact]
    public async Task Max_tokens_ends_with_finish_reason_length()
    {
        var request = InferenceApp.Ask(Question);
        request.MaxTokens = 4;
        using var response = await app.GenerateAsync(new GenerateRequest("req-len", request, InferenceApp.Builtin()));

        var completion = (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ChatCompletion))!;
        completion.Choices[0].FinishReason.Should().Be("length");
        completion.Usage!.CompletionTokens.Should().Be(4);
    }

    [Theory]
    [InlineData("""{"temperature": 2.5}""", "temperature")]
    [InlineData("""{"top_p": 0}""", "top_p")]
    [InlineData("""{"max_tokens": 0}""", "max_tokens")]
    [InlineData("""{"presence_penalty": -3}""", "presence_penalty")]
    [InlineData("""{"n": 2}""", "n")]
    [InlineData("""{"messages": []}""", "messages")]
    public async Task Bad_parameters_get_400_naming_the_field_even_when_streaming(string overrides, string param)
    {
        var request = JsonSerializer.SerializeToNode(InferenceApp.Ask(Question, stream: true), ContractsJsonContext.Default.ChatCompletionRequest)!.AsObject();
        foreach (var (name, value) in JsonNode(overrides))
        {
            request[name] = value?.DeepClone();
        }

        var body = new System.Text.Json.Nodes.JsonObject
        {
            ["request_id"] = "req-bad",
            ["request"] = request,
            ["model"] = JsonSerializer.SerializeToNode(InferenceApp.Builtin(), ContractsJsonContext.Default.ModelDescriptor),
        };
        using var response = await app.Client.PostAsync("internal/generate", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ErrorResponse))!;
        error.Error.Param.Should().Be(param);
        error.Error.Type.Should().Be(ErrorTypes.InvalidRequest);
    }

    [Fact]
    public async Task Unknown_backend_kind_and_broken_json_get_clear_400s()
    {
        var model = InferenceApp.Builtin() with { Backend = new ModelBackend { Kind = "quantum" } };
        using var unknown = await app.GenerateAsync(new GenerateRequest("req-kind", InferenceApp.Ask(Question), model));
        unknown.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await unknown.Content.ReadAsStringAsync()).Should().Contain("quantum");

        using var broken = await app.Client.PostAsync("internal/generate", new StringContent("{\"request_id\": ", System.Text.Encoding.UTF8, "application/json"));
        broken.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await broken.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ErrorResponse))!.Error.Type.Should().Be(ErrorTypes.InvalidRequest);
    }

    [Fact]
    public async Task Same_seed_gives_the_same_sampled_answer()
    {
        async Task<string> Sample(long seed)
        {
            var request = InferenceApp.Ask("Tell me about streaming and models", temperature: 1.2);
            request.Seed = seed;
            using var response = await app.GenerateAsync(new GenerateRequest($"req-seed-{seed}", request, InferenceApp.Builtin()));
            return (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ChatCompletion))!.Choices[0].Message.Content!;
        }

        var first = await Sample(7);
        (await Sample(7)).Should().Be(first);
    }

    [Fact]
    public async Task Trained_model_is_saved_under_the_data_directory()
    {
        using var response = await app.GenerateAsync(new GenerateRequest("req-save", InferenceApp.Ask(Question), InferenceApp.Builtin()));
        response.StatusCode.Should().Be(HttpStatusCode.OK);

        var file = new FileInfo(Path.Combine(app.DataDir, "builtin.ngram"));
        file.Exists.Should().BeTrue();
        file.Length.Should().BeGreaterThan(10_000);
    }

    [Fact]
    public async Task Hand_written_model_without_optional_fields_uses_the_descriptor_defaults()
    {
        const string body = """{"request_id":"req-min","request":{"temperature":0,"messages":[{"role":"user","content":"How do I start the platform?"}]},"model":{"id":"deepseek-chat","backend":{"kind":"builtin"}}}""";
        using var response = await app.Client.PostAsync("internal/generate", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var completion = (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ChatCompletion))!;
        completion.Choices[0].FinishReason.Should().Be("stop");
        completion.Choices[0].Message.Content.Should().Contain("./run.sh");
        (await response.Content.ReadAsStringAsync()).Should().NotContain("null", "nulls are omitted on the wire");
    }

    [Fact]
    public async Task Json_object_format_returns_parseable_json_and_unknown_formats_are_rejected()
    {
        var request = InferenceApp.Ask(Question);
        request.ResponseFormat = new ResponseFormat { Type = "json_object" };
        using var response = await app.GenerateAsync(new GenerateRequest("req-json", request, InferenceApp.Builtin()));
        var content = (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ChatCompletion))!.Choices[0].Message.Content!;
        JsonDocument.Parse(content).RootElement.GetProperty("answer").GetString().Should().Contain("./run.sh");

        request.ResponseFormat = new ResponseFormat { Type = "xml" };
        using var rejected = await app.GenerateAsync(new GenerateRequest("req-xml", request, InferenceApp.Builtin()));
        rejected.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await rejected.Content.ReadFromJsonAsync(ContractsJsonContext.Default.ErrorResponse))!.Error.Param.Should().Be("response_format");
    }

    private static System.Text.Json.Nodes.JsonObject JsonNode(string json) => System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
}
