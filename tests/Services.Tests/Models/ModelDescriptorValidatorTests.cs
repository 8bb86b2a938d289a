using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Models.Registry;

namespace Services.Tests.Models;

public sealed class ModelDescriptorValidatorTests
{
    private static IReadOnlyList<ModelProblem> Validate(Func<ModelDescriptor, ModelDescriptor> change) =>
        ModelDescriptorValidator.Validate(change(ModelsTestSupport.Upstream("valid-model", "alias-one")));

    [Fact]
    public void A_complete_descriptor_is_valid()
    {
        Validate(m => m).Should().BeEmpty();
        Validate(m => m with { Backend = new ModelBackend { Kind = BackendKinds.Builtin, Artifact = "my-finetune.v2" } }).Should().BeEmpty();
        Validate(m => m with { Backend = m.Backend with { Endpoint = "vllm-endpoint" } }).Should().BeEmpty();
    }

    [Theory]
    [InlineData("endpoint-missing", "backend.endpoint")]
    [InlineData("endpoint-ftp", "backend.endpoint")]
    [InlineData("endpoint-bad-name", "backend.endpoint")]
    [InlineData("kind", "backend.kind")]
    [InlineData("context", "context_window")]
    [InlineData("output", "max_output_tokens")]
    [InlineData("id", "id")]
    [InlineData("alias-dup", "aliases")]
    [InlineData("alias-self", "aliases")]
    [InlineData("status", "status")]
    [InlineData("price", "pricing")]
    [InlineData("artifact", "backend.artifact")]
    public void Each_rule_reports_its_field(string broken, string param)
    {
        var problems = Validate(m => broken switch
        {
            "endpoint-missing" => m with { Backend = m.Backend with { Endpoint = null } },
            "endpoint-ftp" => m with { Backend = m.Backend with { Endpoint = "ftp://host/models" } },
            "endpoint-bad-name" => m with { Backend = m.Backend with { Endpoint = "Bad Name!" } },
            "kind" => m with { Backend = m.Backend with { Kind = "grpc" } },
            "context" => m with { ContextWindow = 0 },
            "output" => m with { MaxOutputTokens = m.ContextWindow + 1 },
            "id" => m with { Id = "has spaces" },
            "alias-dup" => m with { Aliases = ["a", "A"] },
            "alias-self" => m with { Aliases = ["VALID-MODEL"] },
            "status" => m with { Status = "sleeping" },
            "price" => m with { Pricing = new ModelPricing(-1, 1, 1) },
            "artifact" => m with { Backend = new ModelBackend { Kind = BackendKinds.Builtin, Artifact = "../etc/passwd" } },
            _ => throw new ArgumentOutOfRangeException(nameof(broken)),
        });

        problems.Select(p => p.Param).Should().Contain(param);
    }
}
