using LocalDapr.Resiliency;
using LocalDapr.Resources;

namespace LocalDapr.Tests.Resiliency;

/// <summary>The project's own dapr-config/resiliency.yaml must load and mean what its comments say.</summary>
public sealed class RepositoryResiliencyTests
{
    [Fact]
    public void Repository_resiliency_policies_resolve_per_target()
    {
        // One Resiliency resource per calling tier (scopes); gateway-ai's sidecar loads the gateway-ai one.
        var config = ResiliencyConfig.Load(ResourceLoader.LoadDirectories([Path.Combine(RepositoryRoot(), "dapr-config")]).Resiliencies
            .Where(r => r.AppliesTo("gateway-ai")));

        var auth = config.ForApp("auth");
        auth.Timeout.Should().Be(TimeSpan.FromSeconds(3));
        auth.Retry!.MaxRetries.Should().Be(2);
        auth.Retry.ShouldRetryCode(503).Should().BeTrue();
        auth.Retry.ShouldRetryCode(500).Should().BeFalse();
        auth.Breaker!.Trip(new BreakerCounts(5, 0, 5, 0, 5)).Should().BeTrue();

        var inference = config.ForApp("inference");
        inference.Timeout.Should().Be(TimeSpan.FromSeconds(300));
        inference.Retry.Should().BeNull("generation is not idempotent");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DeepSeek.Dapr.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root (DeepSeek.Dapr.sln) not found above " + AppContext.BaseDirectory);
    }
}
