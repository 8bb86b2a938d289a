using System.Collections.Concurrent;
using System.Text.Json;
using LocalDapr.Abstractions;
using Microsoft.Extensions.Logging;

namespace LocalDapr.Actors;

/// <summary>
/// Actor reminders, persisted in the hosting app's actor state store under <c>actors||{type}</c> (daprd's
/// pre-scheduler layout: one JSON array per type) and fired with <c>PUT actors/{type}/{id}/method/remind/{name}</c>.
/// Loaded again when the app hosting the type becomes ready, so they survive a runtime restart.
/// </summary>
internal sealed partial class ActorReminders : IDisposable
{
    private readonly ActorInvoker _invoker;
    private readonly ActorStateStores _stores;
    private readonly TimeProvider _time;
    private readonly ILogger<ActorReminders> _logger;
    private readonly CallbackScheduler _scheduler;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _typeLocks = new(StringComparer.Ordinal);

    public ActorReminders(ActorInvoker invoker, ActorStateStores stores, ActorTypeRegistry registry, TimeProvider time, ILogger<ActorReminders> logger, ILogger<CallbackScheduler> schedulerLogger)
    {
        _invoker = invoker;
        _stores = stores;
        _time = time;
        _logger = logger;
        _scheduler = new CallbackScheduler(time, schedulerLogger);
        registry.HostRegistered += LoadAsync;
    }

    public async Task RegisterAsync(ActorTypeOptions type, ActorKey actor, string name, byte[] body, CancellationToken cancellationToken)
    {
        ReminderRecord record;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw ActorErrors.ReminderCreate("the body must be a JSON object");
            }

            var dueTime = ActorTimers.Text(root, "dueTime");
            var period = ActorTimers.Text(root, "period");
            var ttl = ActorTimers.Text(root, "ttl");
            JsonElement? data = root.TryGetProperty("data", out var d) && d.ValueKind != JsonValueKind.Null ? d.Clone() : null;
            var schedule = ActorSchedule.Parse(dueTime, period, ttl, _time.GetUtcNow());
            record = new ReminderRecord(actor.Id, name, data, dueTime, period, ttl, default, null, null, null, Guid.NewGuid()).WithSchedule(schedule);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            throw ActorErrors.ReminderCreate(ex.Message);
        }

        await UpdateAsync(type, list =>
        {
            list.RemoveAll(r => r.ActorId == actor.Id && r.Name == name);
            list.Add(record);
            return true;
        }, cancellationToken);
        Start(type, record);
    }

    public async Task<ReminderRecord?> GetAsync(ActorTypeOptions type, ActorKey actor, string name, CancellationToken cancellationToken) =>
        (await ReadAsync(type, cancellationToken)).FirstOrDefault(r => r.ActorId == actor.Id && r.Name == name);

    public async Task DeleteAsync(ActorTypeOptions type, ActorKey actor, string name, CancellationToken cancellationToken)
    {
        _scheduler.Cancel(actor, name);
        await UpdateAsync(type, list => list.RemoveAll(r => r.ActorId == actor.Id && r.Name == name) > 0, cancellationToken);
    }

    public void Dispose() => _scheduler.Dispose();

    /// <summary>The firing body: <c>{"dueTime","period","data"}</c> as registered.</summary>
    internal static byte[] FiringBody(ReminderRecord record)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("dueTime", record.DueTime ?? string.Empty);
            writer.WriteString("period", record.Period ?? string.Empty);
            if (record.Data is { } data)
            {
                writer.WritePropertyName("data");
                data.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private async Task LoadAsync(ActorHostConfig host, CancellationToken cancellationToken)
    {
        foreach (var type in host.Types.Values)
        {
            try
            {
                foreach (var record in await ReadAsync(type, cancellationToken))
                {
                    Start(type, record);
                }
            }
            catch (Components.DaprApiException)
            {
                // No actor state store: nothing can have been persisted; registering will report it.
                return;
            }
        }
    }

    private void Start(ActorTypeOptions type, ReminderRecord record)
    {
        var actor = new ActorKey(type.ActorType, record.ActorId);
        var body = FiringBody(record);
        _scheduler.Schedule(
            actor,
            record.Name,
            record.Schedule,
            (_, token) => _invoker.FireCallbackAsync(type, actor, ActorPaths.Reminder(actor, record.Name), body, token),
            (next, token) => AdvanceAsync(type, record, next, token));
        LogScheduled(actor.ToString(), record.Name, record.DueAt);
    }

    /// <summary>Persists where the schedule stands (or removes a finished reminder) unless it was re-registered meanwhile.</summary>
    private Task AdvanceAsync(ActorTypeOptions type, ReminderRecord record, ActorSchedule? next, CancellationToken cancellationToken) =>
        UpdateAsync(type, list =>
        {
            var index = list.FindIndex(r => r.Generation == record.Generation);
            if (index < 0)
            {
                return false;
            }

            if (next is null)
            {
                list.RemoveAt(index);
            }
            else
            {
                list[index] = list[index].WithSchedule(next);
            }

            return true;
        }, cancellationToken);

    private async Task<List<ReminderRecord>> ReadAsync(ActorTypeOptions type, CancellationToken cancellationToken)
    {
        var entry = await _stores.For(type.AppId).GetAsync(StoreKey(type), cancellationToken);
        return entry is null || entry.Value.IsEmpty
            ? []
            : JsonSerializer.Deserialize(entry.Value.Span, ActorsJsonContext.Default.ListReminderRecord) ?? [];
    }

    private async Task UpdateAsync(ActorTypeOptions type, Func<List<ReminderRecord>, bool> change, CancellationToken cancellationToken)
    {
        var gate = _typeLocks.GetOrAdd(type.ActorType, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var list = await ReadAsync(type, cancellationToken);
            if (!change(list))
            {
                return;
            }

            var bytes = JsonSerializer.SerializeToUtf8Bytes(list, ActorsJsonContext.Default.ListReminderRecord);
            await _stores.For(type.AppId).SetAsync(new StateWrite(StoreKey(type), bytes, null, Concurrency.LastWrite, null), cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private static string StoreKey(ActorTypeOptions type) => "actors" + ActorStateStores.Separator + type.ActorType;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Actor {Actor}: reminder {Name} scheduled, next at {DueAt}")]
    private partial void LogScheduled(string actor, string name, DateTimeOffset dueAt);
}
