using LocalDapr.Tests.State;

namespace LocalDapr.Tests.Actors;

/// <summary>Actor state and reminders in a SQLite file outlive the runtime that wrote them.</summary>
public sealed class ActorPersistenceTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "localdapr-actors-" + Guid.NewGuid().ToString("n"));

    public ActorPersistenceTests() => Directory.CreateDirectory(_dir);

    [Fact]
    public async Task Reminder_and_state_survive_a_runtime_restart()
    {
        var yaml = $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: actorstore
            spec:
              type: state.sqlite
              version: v1
              metadata:
              - name: connectionString
                value: "{_dir}/actors.db"
              - name: actorStateStore
                value: "true"
            """;
        var id = Guid.NewGuid().ToString("n");
        await using (var first = await ActorTestKit.StartAsync(yaml))
        {
            (await first.Proxy(id).IncrementAsync()).Should().Be(1);
            await first.Proxy(id).StartReminderAsync("later", TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), null);
        }

        var firedBefore = ActorSignals.For(id).Count(s => s == "reminder:later:1,2,3");
        await using var second = await ActorTestKit.StartAsync(yaml);

        var fired = await Eventually.TrueAsync(() => Task.FromResult(ActorSignals.For(id).Count(s => s == "reminder:later:1,2,3") > firedBefore), TimeSpan.FromSeconds(15));
        fired.Should().BeTrue("the restarted runtime loads the persisted reminder when the app becomes ready");
        (await second.Proxy(id).GetAsync()).Should().Be(1);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
