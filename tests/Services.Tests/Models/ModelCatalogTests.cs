using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Models.Registry;

namespace Services.Tests.Models;

public sealed class ModelCatalogTests
{
    private static readonly ModelDescriptor Chat = new()
    {
        Id = "deepseek-chat",
        Aliases = ["deepseek-v3", "chat"],
        Backend = new ModelBackend { Kind = BackendKinds.Builtin },
    };

    [Theory]
    [InlineData("deepseek-chat")]
    [InlineData("deepseek-v3")]
    [InlineData("DeepSeek-V3")]
    [InlineData("chat")]
    public void Ids_and_aliases_resolve_to_the_model_ignoring_case(string name)
    {
        new ModelCatalog([Chat], []).Find(name)!.Id.Should().Be("deepseek-chat");
    }

    [Fact]
    public void Unknown_names_resolve_to_nothing()
    {
        new ModelCatalog([Chat], []).Find("gpt-5").Should().BeNull();
    }

    [Fact]
    public void Runtime_registration_replaces_a_configured_model_with_the_same_id()
    {
        var replacement = ModelsTestSupport.Upstream("deepseek-chat");

        var catalog = new ModelCatalog([Chat], [replacement]);

        catalog.Models.Should().ContainSingle();
        catalog.Find("deepseek-chat")!.Backend.Kind.Should().Be(BackendKinds.OpenAi);
        catalog.Find("deepseek-v3").Should().BeNull("the replacement declares no aliases");
    }

    [Fact]
    public void An_id_always_wins_over_another_models_alias()
    {
        var named = ModelsTestSupport.Upstream("chat");
        new ModelCatalog([Chat, named], []).Find("chat")!.Id.Should().Be("chat");
    }

    [Fact]
    public void Conflicts_name_the_alias_and_its_owner()
    {
        var catalog = new ModelCatalog([Chat], []);

        catalog.Conflicts(ModelsTestSupport.Upstream("other", "deepseek-v3")).Should().ContainSingle()
            .Which.Message.Should().Contain("deepseek-v3").And.Contain("deepseek-chat");
        catalog.Conflicts(ModelsTestSupport.Upstream("chat")).Should().ContainSingle().Which.Param.Should().Be("id");
        catalog.Conflicts(ModelsTestSupport.Upstream("fresh", "new-alias")).Should().BeEmpty();
    }
}
