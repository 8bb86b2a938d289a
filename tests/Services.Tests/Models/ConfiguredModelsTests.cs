using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Models.Registry;

namespace Services.Tests.Models;

public sealed class ConfiguredModelsTests
{
    private const long Created = 1735689600;

    [Fact]
    public void Shipped_defaults_are_the_two_builtin_models_with_aliases_and_pricing()
    {
        var models = ConfiguredModels.Load(ModelsTestSupport.Configuration(), Created).Models;

        models.Select(m => m.Id).Should().BeEquivalentTo("deepseek-chat", "deepseek-reasoner");
        var chat = models.Single(m => m.Id == "deepseek-chat");
        chat.Backend.Kind.Should().Be(BackendKinds.Builtin);
        chat.Backend.Reasoning.Should().BeFalse();
        chat.Aliases.Should().Contain("deepseek-v3");
        chat.ContextWindow.Should().Be(4096);
        chat.Pricing!.InputCacheMiss.Should().BeGreaterThan(chat.Pricing.InputCacheHit);
        chat.Created.Should().Be(Created);
        models.Single(m => m.Id == "deepseek-reasoner").Backend.Reasoning.Should().BeTrue();
    }

    [Fact]
    public void Environment_style_numeric_keys_add_models_without_replacing_the_defaults()
    {
        var models = ConfiguredModels.Load(ModelsTestSupport.Configuration(new Dictionary<string, string?>
        {
            ["Models:Registry:0:Id"] = "local-llama",
            ["Models:Registry:0:Backend:Kind"] = "openai",
            ["Models:Registry:0:Backend:Endpoint"] = "http://127.0.0.1:5199",
            ["Models:Registry:0:Backend:UpstreamModel"] = "llama3",
            ["Models:Registry:0:Aliases:0"] = "llama",
            ["Models:Registry:2:Id"] = "vllm-qwen",
            ["Models:Registry:2:Backend:Kind"] = "openai",
            ["Models:Registry:2:Backend:Endpoint"] = "vllm",
            ["Models:Registry:2:ContextWindow"] = "32768",
            ["Models:Registry:2:MaxOutputTokens"] = "4096",
        }), Created).Models;

        models.Select(m => m.Id).Should().BeEquivalentTo("deepseek-chat", "deepseek-reasoner", "local-llama", "vllm-qwen");
        var llama = models.Single(m => m.Id == "local-llama");
        llama.Backend.Endpoint.Should().Be("http://127.0.0.1:5199");
        llama.Backend.UpstreamModel.Should().Be("llama3");
        llama.Aliases.Should().Equal("llama");
        llama.ContextWindow.Should().Be(4096, "unset fields keep the descriptor's defaults");
        models.Single(m => m.Id == "vllm-qwen").ContextWindow.Should().Be(32768);
    }

    [Fact]
    public void An_entry_without_id_takes_its_key()
    {
        var models = ConfiguredModels.Load(ModelsTestSupport.Configuration(new Dictionary<string, string?>
        {
            ["Models:Registry:my-ollama:Backend:Kind"] = "openai",
            ["Models:Registry:my-ollama:Backend:Endpoint"] = "http://127.0.0.1:11434",
        }), Created).Models;

        models.Should().Contain(m => m.Id == "my-ollama");
    }

    [Theory]
    [InlineData("Backend:Endpoint", "", "backend.endpoint")]
    [InlineData("Backend:Kind", "quantum", "backend.kind")]
    [InlineData("ContextWindow", "0", "context_window")]
    [InlineData("Aliases:0", "deepseek-v3", "already used by model 'deepseek-chat'")]
    [InlineData("Status", "sleeping", "status")]
    public void Invalid_configuration_stops_the_service_naming_the_problem(string key, string value, string expected)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Models:Registry:0:Id"] = "broken",
            ["Models:Registry:0:Backend:Kind"] = "openai",
            ["Models:Registry:0:Backend:Endpoint"] = "http://127.0.0.1:5199",
            [$"Models:Registry:0:{key}"] = value,
        };

        var load = () => ConfiguredModels.Load(ModelsTestSupport.Configuration(overrides), Created);

        load.Should().Throw<InvalidOperationException>().WithMessage($"*{expected}*");
    }

    [Fact]
    public void A_numeric_entry_without_id_is_rejected()
    {
        var load = () => ConfiguredModels.Load(ModelsTestSupport.Configuration(new Dictionary<string, string?>
        {
            ["Models:Registry:3:Backend:Kind"] = "builtin",
        }), Created);

        load.Should().Throw<InvalidOperationException>().WithMessage("*Models:Registry:3.id*");
    }
}
