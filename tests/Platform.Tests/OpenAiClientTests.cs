using System.ClientModel;
using System.Text;
using OpenAI;
using OpenAI.Chat;
using Platform.Tests.Infrastructure;

namespace Platform.Tests;

/// <summary>The official OpenAI .NET client, used unmodified against the router.</summary>
[Collection(PlatformCollection.Name)]
public sealed class OpenAiClientTests(PlatformFixture platform)
{
    private ChatClient Client(string model) =>
        new(model, new ApiKeyCredential(PlatformFixture.ApiKey), new OpenAIClientOptions { Endpoint = new Uri(platform.RouterUrl + "/v1") });

    [Fact]
    public async Task CompleteChat_works()
    {
        var client = Client("deepseek-chat");

        ChatCompletion completion = await client.CompleteChatAsync(
            new SystemChatMessage("You are a helpful assistant."),
            new UserChatMessage(ChatBodies.FreshQuestion("What is DeepSeek.Dapr?")));

        completion.Role.Should().Be(ChatMessageRole.Assistant);
        completion.Content.Should().NotBeEmpty();
        completion.Content[0].Text.Should().NotBeNullOrWhiteSpace();
        completion.FinishReason.Should().BeOneOf(ChatFinishReason.Stop, ChatFinishReason.Length);
        completion.Model.Should().Be("deepseek-chat");
        completion.Usage.TotalTokenCount.Should().Be(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task CompleteChatStreaming_works()
    {
        var client = Client("deepseek-chat");
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;

        await foreach (var update in client.CompleteChatStreamingAsync(new UserChatMessage(ChatBodies.FreshQuestion("How do I stream a reply?"))))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        text.ToString().Should().NotBeNullOrWhiteSpace();
        finish.Should().BeOneOf(ChatFinishReason.Stop, ChatFinishReason.Length);
        if (usage is not null)
        {
            usage.TotalTokenCount.Should().Be(usage.InputTokenCount + usage.OutputTokenCount);
        }
    }

    [Fact]
    public async Task An_upstream_model_works_through_the_client_too()
    {
        ChatCompletion completion = await Client(PlatformFixture.FakeDeepSeekModel).CompleteChatAsync(new UserChatMessage(ChatBodies.FreshQuestion("Hi")));

        completion.Content[0].Text.Should().Be(FakeUpstream.FakeUpstreamOptions.DefaultReply);
    }

    [Fact]
    public async Task A_bad_key_surfaces_as_a_401_client_error()
    {
        var client = new ChatClient("deepseek-chat", new ApiKeyCredential("sk-wrongkey_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), new OpenAIClientOptions { Endpoint = new Uri(platform.RouterUrl + "/v1") });

        var call = () => client.CompleteChatAsync(new UserChatMessage("Hello"));

        (await call.Should().ThrowAsync<ClientResultException>()).Which.Status.Should().Be(401);
    }
}
