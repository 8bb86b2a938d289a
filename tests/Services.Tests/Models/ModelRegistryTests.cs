using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Models.Registry;
using Microsoft.Extensions.Logging.Abstractions;

namespace Services.Tests.Models;

/// <summary>Runtime registrations against the real models-db (SQLite) behind a local sidecar.</summary>
public sealed class ModelRegistryTests(ModelsSidecar sidecar) : IClassFixture<ModelsSidecar>
{
    private static readonly ConfiguredModels Configured = ConfiguredModels.Load(ModelsTestSupport.Configuration(), 1735689600);

    private ModelRegistry NewRegistry() => new(Configured, sidecar.Store, sidecar.Client, TimeProvider.System, NullLogger<ModelRegistry>.Instance);

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():n}"[..20];

    [Fact]
    public async Task Registered_model_is_listed_and_resolvable_by_alias_from_another_instance()
    {
        var id = Unique("reg");
        var alias = Unique("alias");
        await NewRegistry().PutAsync(ModelsTestSupport.Upstream(id, alias), default);

        var other = NewRegistry();
        var catalog = await other.CatalogAsync(default);
        catalog.Find(alias)!.Id.Should().Be(id);
        catalog.Find("deepseek-chat").Should().NotBeNull("configured models stay");
        catalog.Find(id)!.Created.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Alias_taken_by_a_configured_model_is_refused()
    {
        var put = () => NewRegistry().PutAsync(ModelsTestSupport.Upstream(Unique("clash"), "deepseek-r1"), default);

        (await put.Should().ThrowAsync<ModelRegistrationException>()).Which.Problems.Should().ContainSingle().Which.Param.Should().Be("aliases");
    }

    [Fact]
    public async Task Invalid_descriptor_is_refused_before_anything_is_stored()
    {
        var id = Unique("invalid");
        var put = () => NewRegistry().PutAsync(ModelsTestSupport.Upstream(id) with { ContextWindow = 0 }, default);

        await put.Should().ThrowAsync<ModelRegistrationException>();
        (await NewRegistry().CatalogAsync(default)).Find(id).Should().BeNull();
    }

    [Fact]
    public async Task Concurrent_registrations_all_persist()
    {
        var ids = Enumerable.Range(0, 8).Select(i => Unique($"c{i}")).ToList();

        await Task.WhenAll(ids.Select(id => NewRegistry().PutAsync(ModelsTestSupport.Upstream(id), default)));

        var catalog = await NewRegistry().CatalogAsync(default);
        ids.Should().OnlyContain(id => catalog.Find(id) != null);
    }

    [Fact]
    public async Task Overriding_a_configured_model_and_deleting_the_override_restores_the_configuration()
    {
        var registry = NewRegistry();
        await registry.PutAsync(ModelsTestSupport.Upstream("deepseek-reasoner") with { Status = "disabled" }, default);
        (await registry.CatalogAsync(default)).Find("deepseek-reasoner")!.Status.Should().Be("disabled");

        (await registry.DeleteAsync("deepseek-reasoner", default)).Should().Be(DeleteOutcome.Deleted);

        var restored = (await registry.CatalogAsync(default)).Find("deepseek-reasoner")!;
        restored.Status.Should().Be("active");
        restored.Backend.Kind.Should().Be(BackendKinds.Builtin);
        (await registry.DeleteAsync("deepseek-reasoner", default)).Should().Be(DeleteOutcome.ConfiguredOnly);
    }

    [Fact]
    public async Task Deleting_an_unknown_model_reports_not_found()
    {
        (await NewRegistry().DeleteAsync(Unique("ghost"), default)).Should().Be(DeleteOutcome.NotFound);
    }

    [Fact]
    public async Task Another_instance_sees_a_deletion_once_its_cache_is_dropped()
    {
        var id = Unique("gone");
        var writer = NewRegistry();
        var reader = NewRegistry();
        await writer.PutAsync(ModelsTestSupport.Upstream(id), default);
        (await reader.CatalogAsync(default)).Find(id).Should().NotBeNull();

        await writer.DeleteAsync(id, default);
        reader.Invalidate();

        (await reader.CatalogAsync(default)).Find(id).Should().BeNull();
    }
}
