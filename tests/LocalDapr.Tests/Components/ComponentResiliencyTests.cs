using Dapr;
using Grpc.Core;
using LocalDapr.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace LocalDapr.Tests.Components;

/// <summary>Resiliency <c>targets.components.{name}.outbound</c> applies to state calls.</summary>
public sealed class ComponentResiliencyTests
{
    private const string StoreTemplate = """
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: NAME
        spec:
          type: state.sqlite
          version: v1
          metadata:
            - name: connectionString
              value: "{{dir}}/locked.db"
            - name: busyTimeout
              value: 50ms
            - name: timeout
              value: 1s
            - name: keyPrefix
              value: none
        """;

    [Fact]
    public async Task Outbound_retry_policy_rides_out_a_locked_database_while_a_store_without_it_fails()
    {
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp("app-a"));
        options.Resources["retried.yaml"] = StoreTemplate.Replace("NAME", "retried");
        options.Resources["plain.yaml"] = StoreTemplate.Replace("NAME", "plain");
        options.Resources["resiliency.yaml"] = """
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: resiliency
            spec:
              policies:
                retries:
                  storeRetry:
                    policy: constant
                    duration: 200ms
                    maxRetries: 30
              targets:
                components:
                  retried:
                    outbound:
                      retry: storeRetry
            """;
        await using var harness = await RuntimeHarness.StartAsync(options);
        using var client = harness.CreateClient("app-a");
        await client.SaveStateAsync("retried", "warm-up", 0);

        Task retried;
        await using (var locker = new SqliteConnection($"Data Source={Path.Combine(harness.Directory, "locked.db")};Pooling=False"))
        {
            await locker.OpenAsync();
            await using var exclusive = locker.CreateCommand();
            exclusive.CommandText = "BEGIN EXCLUSIVE";
            await exclusive.ExecuteNonQueryAsync();

            var plain = () => client.SaveStateAsync("plain", "k", 1);
            (await plain.Should().ThrowAsync<DaprException>()).Which.InnerException.Should().BeOfType<RpcException>()
                .Which.StatusCode.Should().Be(StatusCode.Internal, "without a policy the locked database fails the call");

            retried = client.SaveStateAsync("retried", "k", 2);

            // Keep the lock long enough for several failed attempts, then release it (disposing rolls back).
            await Task.Delay(TimeSpan.FromSeconds(2.5));
        }

        await retried.WaitAsync(TimeSpan.FromSeconds(30));
        (await client.GetStateAsync<int>("retried", "k")).Should().Be(2);
    }
}
