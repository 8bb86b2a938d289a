using LocalDapr.Abstractions;
using LocalDapr.Resiliency;
using LocalDapr.Resources;

namespace LocalDapr.Tests.Resiliency;

public sealed class ResiliencyParsingTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("0", 0)]
    [InlineData("250us", 0.25)]
    public void Go_durations_parse(string text, double milliseconds)
    {
        GoDurations.TryParse(text, out var value).Should().BeTrue();
        value.TotalMilliseconds.Should().Be(milliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("5 s")]
    [InlineData("1d")]
    [InlineData("s")]
    public void Invalid_go_durations_are_rejected(string text) => GoDurations.TryParse(text, out _).Should().BeFalse();

    [Fact]
    public void Status_code_lists_accept_codes_and_ranges()
    {
        var set = StatusCodeSet.Parse("429, 500-599", 100, 599);
        set.Contains(429).Should().BeTrue();
        set.Contains(503).Should().BeTrue();
        set.Contains(404).Should().BeFalse();
        set.Contains(600).Should().BeFalse();

        var act = () => StatusCodeSet.Parse("500-400", 100, 599);
        act.Should().Throw<FormatException>();
        var outOfRange = () => StatusCodeSet.Parse("17", 0, 16);
        outOfRange.Should().Throw<FormatException>();
    }

    [Theory]
    [InlineData("consecutiveFailures > 2", 3, 0, true)]
    [InlineData("consecutiveFailures > 2", 2, 0, false)]
    [InlineData("consecutiveFailures >= 2 && requests > 4", 2, 5, true)]
    [InlineData("consecutiveFailures >= 2 && requests > 4", 2, 4, false)]
    [InlineData("requests == 1 || (consecutiveFailures <= 0 && !(requests != 3))", 0, 3, true)]
    [InlineData("true", 0, 0, true)]
    public void Trip_expressions_evaluate_over_the_counts(string expression, uint consecutiveFailures, uint requests, bool expected)
    {
        var trip = TripExpression.Compile(expression);
        trip(new BreakerCounts(requests, 0, 0, 0, consecutiveFailures)).Should().Be(expected);
    }

    [Theory]
    [InlineData("consecutiveFailure > 2")]
    [InlineData("consecutiveFailures >")]
    [InlineData("(requests > 1")]
    [InlineData("requests")]
    [InlineData("requests > 1 junk")]
    public void Bad_trip_expressions_fail_to_compile(string expression)
    {
        var act = () => TripExpression.Compile(expression);
        act.Should().Throw<FormatException>();
    }

    [Fact]
    public void Named_targets_use_their_policies_and_others_get_the_defaults()
    {
        var config = Load("""
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: r
            spec:
              policies:
                timeouts:
                  fast: 500ms
                  DefaultTimeoutPolicy: 7s
                retries:
                  three: { policy: exponential, maxInterval: 3s, maxRetries: 3, matching: { httpStatusCodes: "503", gRPCStatusCodes: "14" } }
                  DefaultAppRetryPolicy: { policy: constant, duration: 1s, maxRetries: 2 }
                  DefaultComponentOutboundRetryPolicy: { duration: 2s }
                  DefaultStatestoreComponentOutboundRetryPolicy: { duration: 3s }
                circuitBreakers:
                  cb: { maxRequests: 2, interval: 10s, timeout: 30s, trip: "consecutiveFailures >= 3" }
              targets:
                apps:
                  billing: { timeout: fast, retry: three, circuitBreaker: cb }
                components:
                  statestore:
                    inbound: { timeout: fast }
            """);

        var billing = config.ForApp("billing");
        billing.Timeout.Should().Be(TimeSpan.FromMilliseconds(500));
        billing.Retry!.Exponential.Should().BeTrue();
        billing.Retry.MaxRetries.Should().Be(3);
        billing.Retry.ShouldRetryCode(503).Should().BeTrue();
        billing.Retry.ShouldRetryCode(500).Should().BeFalse();
        billing.Retry.ShouldRetryCode(14).Should().BeTrue();
        billing.Retry.ShouldRetryCode(2).Should().BeFalse();
        billing.Breaker!.MaxRequests.Should().Be(2u);
        billing.Breaker.Timeout.Should().Be(TimeSpan.FromSeconds(30));

        var other = config.ForApp("other");
        other.Retry!.Name.Should().Be("DefaultAppRetryPolicy");
        other.Timeout.Should().Be(TimeSpan.FromSeconds(7), "the generic default applies when no app-specific one exists");
        other.Breaker.Should().BeNull();

        config.ForComponent("statestore", "state.redis", ComponentDirection.Inbound).Timeout.Should().Be(TimeSpan.FromMilliseconds(500));
        config.ForComponent("statestore", "state.redis", ComponentDirection.Outbound).Retry!.Duration.Should().Be(TimeSpan.FromSeconds(3));
        config.ForComponent("pubsub", "pubsub.redis", ComponentDirection.Outbound).Retry!.Duration.Should().Be(TimeSpan.FromSeconds(2));
        config.ForComponent("pubsub", "pubsub.redis", ComponentDirection.Inbound).Retry.Should().BeNull();
    }

    [Fact]
    public void Empty_matching_retries_every_code_and_defaults_follow_daprd()
    {
        var config = Load("""
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: r
            spec:
              policies:
                retries:
                  any: {}
                circuitBreakers:
                  cb: {}
              targets:
                apps:
                  a: { retry: any, circuitBreaker: cb }
            """);

        var policies = config.ForApp("a");
        policies.Retry!.MaxRetries.Should().Be(-1);
        policies.Retry.Duration.Should().Be(TimeSpan.FromSeconds(5));
        policies.Retry.ShouldRetryCode(404).Should().BeTrue();
        policies.Retry.ShouldRetryCode(5).Should().BeTrue();
        policies.Breaker!.MaxRequests.Should().Be(1u);
        policies.Breaker.Timeout.Should().Be(TimeSpan.FromSeconds(60));
        policies.Breaker.Trip(new BreakerCounts(6, 0, 6, 0, 6)).Should().BeTrue();
        policies.Breaker.Trip(new BreakerCounts(5, 0, 5, 0, 5)).Should().BeFalse();
    }

    [Theory]
    [InlineData("timeouts: { t: fast }", "spec.policies.timeouts.t")]
    [InlineData("retries: { r: { policy: linear } }", "spec.policies.retries.r.policy")]
    [InlineData("retries: { r: { maxRetries: -2 } }", "spec.policies.retries.r.maxRetries")]
    [InlineData("retries: { r: { matching: { httpStatusCodes: \"5xx\" } } }", "spec.policies.retries.r.matching.httpStatusCodes")]
    [InlineData("circuitBreakers: { c: { trip: \"failures > 1\" } }", "spec.policies.circuitBreakers.c.trip")]
    public void Bad_policies_name_the_file_and_field(string policies, string field)
    {
        var act = () => Load($"apiVersion: dapr.io/v1alpha1\nkind: Resiliency\nmetadata:\n  name: r\nspec:\n  policies:\n    {policies}\n");

        act.Should().Throw<ResourceException>().Which.Message.Should().Contain("resiliency.yaml").And.Contain(field);
    }

    [Fact]
    public void A_target_naming_a_missing_policy_is_an_error()
    {
        var act = () => Load("apiVersion: dapr.io/v1alpha1\nkind: Resiliency\nmetadata:\n  name: r\nspec:\n  targets:\n    apps:\n      a: { retry: nope }\n");

        act.Should().Throw<ResourceException>().Which.Message.Should().Contain("spec.targets.apps.a.retry").And.Contain("nope");
    }

    private static ResiliencyConfig Load(string yaml)
    {
        var dir = Path.Combine(Path.GetTempPath(), "localdapr-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "resiliency.yaml"), yaml);
            return ResiliencyConfig.Load(ResourceLoader.LoadDirectories([dir]).Resiliencies);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
