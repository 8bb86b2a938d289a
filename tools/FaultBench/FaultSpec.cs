namespace FaultBench;

/// <summary>
/// One fault: an app stopped through the launcher's admin API, or only one replica of it (<see cref="OneInstance"/>:
/// the router must keep serving through the other). Each fault's traffic goes to its own model, so the usage ledger
/// and monitoring's per-model totals can be compared fault by fault.
/// </summary>
internal sealed record FaultSpec(string AppId, bool OneInstance)
{
    public static readonly IReadOnlyList<FaultSpec> All =
    [
        new("auth", false),
        new("users", false),
        new("chat", false),
        new("models", false),
        new("inference", false),
        new("monitoring", false),
        new("gateway-platform", false),
        new("gateway-ai", true),
    ];

    public string Name => OneInstance ? $"{AppId} (one instance)" : AppId;

    public string Model => OneInstance ? $"fault-{AppId}-instance" : $"fault-{AppId}";

    /// <summary>Comma-separated app-ids; <c>gateway-ai</c> means one instance of it, as in the default plan.</summary>
    public static IReadOnlyList<FaultSpec> Parse(string list)
    {
        var picked = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(id => All.FirstOrDefault(f => f.AppId == id)
                ?? throw new ArgumentException($"--apps: unknown app '{id}'; known: {string.Join(", ", All.Select(f => f.AppId))}"))
            .ToList();
        return picked.Count > 0 ? picked : throw new ArgumentException("--apps needs at least one app");
    }
}
