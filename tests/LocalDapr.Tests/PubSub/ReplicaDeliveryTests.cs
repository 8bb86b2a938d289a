using LocalDapr.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LocalDapr.Tests.PubSub;

/// <summary>
/// Deliveries go through the app channel's round robin; a replica that stopped listening (nobody told the runtime)
/// refuses the connection, leaves the rotation, and the delivery goes to the other replica. In memory nothing is
/// redelivered, so a delivery lost to the dead replica would be gone for good.
/// </summary>
public sealed class ReplicaDeliveryTests
{
    [Fact]
    public async Task A_dead_replica_is_skipped_and_no_message_is_lost()
    {
        var topic = $"work-{Guid.NewGuid():n}";
        var recorder = new Recorder();
        var options = new HarnessOptions();
        var worker = new HarnessApp("worker");
        for (var i = 0; i < 2; i++)
        {
            worker.Instances.Add(await TestApp.StartAsync(app =>
            {
                app.MapGet("/dapr/subscribe", () => Results.Text($$"""[{"pubsubname":"jobs","topic":"{{topic}}","route":"/work"}]""", "application/json"));
                app.MapPost("/work", recorder.Handler());
            }));
        }

        options.Apps.Add(worker);
        options.Apps.Add(new HarnessApp("publisher"));
        options.Resources["jobs.yaml"] = "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: jobs\nspec:\n  type: pubsub.in-memory\n  version: v1\n  metadata: []\n";
        await using var harness = await RuntimeHarness.StartAsync(options);
        await Poll.SubscribedAsync(harness, "worker", topic);
        using var client = harness.CreateClient("publisher");

        var dead = worker.Instances[1];
        await dead.StopAsync();
        for (var n = 0; n < 10; n++)
        {
            await client.PublishEventAsync("jobs", topic, new { n });
        }

        var delivered = await recorder.WaitForAsync(10, "/work");
        delivered.Select(d => d.Json["data"]!["n"]!.GetValue<int>()).Should().BeEquivalentTo(Enumerable.Range(0, 10));
        harness.Instances.IsHealthy(dead.InstanceFor("worker")).Should().BeFalse("a refused connection takes the replica out of rotation");
        harness.Instances.IsHealthy(worker.Instances[0].InstanceFor("worker")).Should().BeTrue();
    }
}
