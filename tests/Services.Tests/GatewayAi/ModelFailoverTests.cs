using System.Net;
using System.Text.Json.Nodes;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.GatewayAi.Fallbacks;
using Microsoft.AspNetCore.Http;
using Services.Tests.GatewayAi.Support;

namespace Services.Tests.GatewayAi;

/// <summary>
/// Fallback 2 through the real gateway-ai over HTTP, with stand-ins for its neighbours on a loopback sidecar: a model
/// whose backend is down is answered by its registered fallback model (marked <c>model-failover</c>), and without one
/// the client gets the degraded 503 in the OpenAI shape with <c>Retry-After</c> (marked <c>degraded</c>).
/// </summary>
public sealed class ModelFailoverTests
{
    private const string Primary = "upstream-large";

    private static readonly ModelDescriptor WithFallback = new()
    {
        Id = Primary,
        ContextWindow = 4096,
        MaxOutputTokens = 512,
        Backend = new ModelBackend { Kind = BackendKinds.OpenAi, Endpoint = "upstream-openai" },
        FallbackModel = FakeSidecar.Chat.Id,
    };

    private static string Body(string model, bool stream = false) =>
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}],"stream":{{(stream ? "true" : "false")}}}""";

    private static async Task<GatewayUnderTest> StartWithFailingPrimaryAsync(ModelDescriptor? primary = null)
    {
        var gateway = await GatewayUnderTest.StartAsync();
        gateway.Sidecar.Models[Primary] = primary ?? WithFallback;
        gateway.Sidecar.Inference.FailingModels[Primary] = StatusCodes.Status502BadGateway;
        return gateway;
    }

    [Fact]
    public async Task A_model_whose_backend_is_down_is_answered_by_its_fallback_model()
    {
        await using var gateway = await StartWithFailingPrimaryAsync();

        using var response = await GatewayUnderTest.PostChatAsync(gateway.Client, Body(Primary));

        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        response.Headers.GetValues(FallbackMarker.Header).Should().Equal(FallbackKinds.ModelFailover);
        JsonNode.Parse(text)!["model"]!.GetValue<string>().Should().Be(FakeSidecar.Chat.Id, "the reply says which model answered");
        gateway.Sidecar.Generations.Select(g => g.Model.Id).Should().Equal(Primary, FakeSidecar.Chat.Id);
        gateway.Fallbacks(FallbackKinds.ModelFailover).Should().Be(1);

        var usage = gateway.Factory.Usage.Published.Should().ContainSingle().Subject;
        usage.Model.Should().Be(FakeSidecar.Chat.Id, "the request is charged for the model that answered");
        gateway.Factory.Cache.Entries.Should().BeEmpty("a fallback's answer must never be replayed as the primary model's");
    }

    [Fact]
    public async Task A_streamed_request_fails_over_before_its_first_chunk()
    {
        await using var gateway = await StartWithFailingPrimaryAsync();

        using var response = await GatewayUnderTest.PostChatAsync(gateway.Client, Body(Primary, stream: true));

        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        response.Headers.GetValues(FallbackMarker.Header).Should().Equal(FallbackKinds.ModelFailover);
        text.Should().Contain("Hello").And.EndWith("data: [DONE]\n\n").And.NotContain("\"error\"");
        gateway.Sidecar.Generations.Select(g => g.Model.Id).Should().Equal(Primary, FakeSidecar.Chat.Id);
        gateway.Factory.Usage.Published.Should().ContainSingle().Which.Model.Should().Be(FakeSidecar.Chat.Id);
    }

    [Fact]
    public async Task Without_a_fallback_model_the_client_gets_the_degraded_reply()
    {
        await using var gateway = await StartWithFailingPrimaryAsync(WithFallback with { FallbackModel = null });

        using var response = await GatewayUnderTest.PostChatAsync(gateway.Client, Body(Primary));

        await ShouldBeDegradedAsync(response);
        gateway.Sidecar.Generations.Should().ContainSingle("nothing else is tried");
        gateway.Fallbacks(FallbackKinds.Degraded).Should().Be(1);
        gateway.Fallbacks(FallbackKinds.ModelFailover).Should().Be(0);
        gateway.Factory.Usage.Published.Should().BeEmpty("nothing was generated");
    }

    [Fact]
    public async Task When_the_fallback_fails_too_the_reply_is_degraded_not_an_error()
    {
        await using var gateway = await StartWithFailingPrimaryAsync();
        gateway.Sidecar.Inference.FailingModels[FakeSidecar.Chat.Id] = StatusCodes.Status503ServiceUnavailable;

        using var streamed = await GatewayUnderTest.PostChatAsync(gateway.Client, Body(Primary, stream: true));
        using var complete = await GatewayUnderTest.PostChatAsync(gateway.Client, Body(Primary));

        await ShouldBeDegradedAsync(streamed);
        await ShouldBeDegradedAsync(complete);
        gateway.Sidecar.Generations.Select(g => g.Model.Id).Should().Equal(Primary, FakeSidecar.Chat.Id, Primary, FakeSidecar.Chat.Id);
    }

    [Fact]
    public async Task Inference_down_entirely_gives_the_degraded_reply_for_complete_and_streamed_requests()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        gateway.Sidecar.DownApps.Add("inference");

        using var complete = await GatewayUnderTest.PostChatAsync(gateway.Client, Body("chat"));
        using var streamed = await GatewayUnderTest.PostChatAsync(gateway.Client, Body("chat", stream: true));

        await ShouldBeDegradedAsync(complete);
        await ShouldBeDegradedAsync(streamed);
    }

    [Fact]
    public async Task A_key_limited_to_other_models_is_not_failed_over()
    {
        await using var gateway = await StartWithFailingPrimaryAsync();
        gateway.Sidecar.Keys[FakeSidecar.GoodKey] = new KeyVerificationResult(true, "key-1", "alice", AllowedModels: [Primary]);

        using var response = await GatewayUnderTest.PostChatAsync(gateway.Client, Body(Primary));

        await ShouldBeDegradedAsync(response);
        gateway.Sidecar.Generations.Should().ContainSingle();
    }

    [Fact]
    public async Task With_chat_down_a_conversation_is_answered_from_the_request_alone_and_marked_degraded()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        gateway.Sidecar.DownApps.Add("chat");

        using var response = await GatewayUnderTest.PostChatAsync(gateway.Client,
            """{"model":"chat","conversation_id":"conv-1","messages":[{"role":"user","content":"and now?"}]}""");

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Headers.GetValues(FallbackMarker.Header).Should().Equal(FallbackKinds.Degraded);
        var sent = gateway.Sidecar.Generations.Should().ContainSingle().Subject.Request.Messages!;
        sent.Select(m => m.Content?.Text).Should().Equal(["and now?"], "without chat there is no stored history to add");
        gateway.Fallbacks(FallbackKinds.Degraded).Should().Be(1);
    }

    [Fact]
    public async Task While_models_is_down_the_last_known_descriptor_is_used()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(("GatewayAi:Models:FreshSeconds", "5"), ("GatewayAi:Models:StaleSeconds", "600"));
        using var first = await GatewayUnderTest.PostChatAsync(gateway.Client, Body("chat"));
        first.StatusCode.Should().Be(HttpStatusCode.OK);

        gateway.Sidecar.DownApps.Add("models");
        gateway.Clock.Now += TimeSpan.FromSeconds(60);
        using var known = await GatewayUnderTest.PostChatAsync(gateway.Client, Body("chat"));
        using var unknown = await GatewayUnderTest.PostChatAsync(gateway.Client, Body("never-seen-model"));

        known.StatusCode.Should().Be(HttpStatusCode.OK, await known.Content.ReadAsStringAsync());
        gateway.Sidecar.CallsTo("models/").Should().BeGreaterThan(1, "past the fresh window models is asked first");
        await ShouldBeDegradedAsync(unknown);
    }

    [Fact]
    public async Task Past_the_stale_window_a_known_model_is_not_served_from_memory()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(("GatewayAi:Models:FreshSeconds", "5"), ("GatewayAi:Models:StaleSeconds", "30"));
        using var first = await GatewayUnderTest.PostChatAsync(gateway.Client, Body("chat"));
        first.StatusCode.Should().Be(HttpStatusCode.OK);

        gateway.Sidecar.DownApps.Add("models");
        gateway.Clock.Now += TimeSpan.FromSeconds(31);
        using var response = await GatewayUnderTest.PostChatAsync(gateway.Client, Body("chat"));

        await ShouldBeDegradedAsync(response);
    }

    [Fact]
    public async Task Unknown_models_are_remembered_for_the_fresh_window_too()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();

        for (var i = 0; i < 3; i++)
        {
            using var response = await GatewayUnderTest.PostChatAsync(gateway.Client, Body("no-such-model"));
            response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        }

        gateway.Sidecar.CallsTo("models/").Should().Be(1, "a run of 404s would count against models' circuit breaker");
    }

    private static async Task ShouldBeDegradedAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, text);
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(7));
        response.Headers.GetValues(FallbackMarker.Header).Should().Contain(FallbackKinds.Degraded);
        var error = JsonNode.Parse(text)!["error"]!;
        error["type"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        error["message"]!.GetValue<string>().Should().Contain("temporarily unavailable");
    }
}
