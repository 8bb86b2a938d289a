using System.Collections.Concurrent;
using System.Net;
using System.Text;
using LocalDapr.Actors;
using LocalDapr.Tests.Infrastructure;
using LocalDapr.Tests.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LocalDapr.Tests.Actors;

/// <summary>The sidecar → app wire format, seen by a plain app that answers as Dapr.Actors.AspNetCore would.</summary>
public sealed class ActorWireTests
{
    [Fact]
    public async Task Reminder_firing_body_and_cancel_header_follow_daprd()
    {
        var calls = new ConcurrentQueue<(string Method, string Path, string Body)>();
        await using var harness = await RuntimeHarness.StartAsync("wire-app", null, ("actorstore.yaml", ActorTestKit.InMemoryActorStore));
        var app = await TestApp.StartAsync(a =>
        {
            a.MapGet("/dapr/config", () => Results.Text("""{"entities":["Wire"],"reentrancy":{"enabled":false}}""", "application/json"));
            a.Map("/actors/{**rest}", async (HttpContext context) =>
            {
                using var reader = new StreamReader(context.Request.Body);
                calls.Enqueue((context.Request.Method, context.Request.Path.Value!, await reader.ReadToEndAsync()));
                context.Response.Headers["X-DaprReminderCancel"] = "true";
                return Results.Ok();
            });
        });
        harness.AddInstance("wire-app", app);
        var registry = harness.Runtime.Services.GetRequiredService<ActorTypeRegistry>();
        (await Eventually.TrueAsync(() => Task.FromResult(registry.Find("Wire") is not null), TimeSpan.FromSeconds(10))).Should().BeTrue();
        var client = harness.CreateSidecarHttpClient("wire-app");
        var store = harness.Runtime.Services.GetRequiredService<ActorStateStores>().For("wire-app");

        using var registered = await client.PutAsync(
            "/v1.0/actors/Wire/a1/reminders/r1",
            new StringContent("""{"dueTime":"0h0m0s100ms","period":"0h0m0s100ms","data":"AQID"}""", Encoding.UTF8, "application/json"));
        registered.StatusCode.Should().Be(HttpStatusCode.NoContent);

        var removed = await Eventually.TrueAsync(async () => await store.GetAsync("actors||Wire", CancellationToken.None) is { } e && !Encoding.UTF8.GetString(e.Value.Span).Contains("a1"), TimeSpan.FromSeconds(15));
        removed.Should().BeTrue("a truthy X-DaprReminderCancel reply deletes the reminder");
        calls.Should().ContainSingle().Which.Should().Be(("PUT", "/actors/Wire/a1/method/remind/r1", """{"dueTime":"0h0m0s100ms","period":"0h0m0s100ms","data":"AQID"}"""));
        using var get = await client.GetAsync("/v1.0/actors/Wire/a1/reminders/r1");
        get.StatusCode.Should().Be(HttpStatusCode.InternalServerError, "the SDK reads a missing reminder from a 500");
    }
}
