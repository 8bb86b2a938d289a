namespace DeepSeek.Dapr.Router.Admission;

/// <summary>
/// Configuration section <c>Router:Admission</c>: how many requests each destination cluster may have in flight
/// through this router at once, and how many may wait for one. Beyond that a request is shed (503, <c>X-Shed: router</c>).
/// </summary>
public sealed class AdmissionOptions
{
    public const string SectionName = "Router:Admission";

    /// <summary>Requests in flight per cluster (a stream holds its permit until it ends); 0 turns admission control off.</summary>
    public int PermitLimit { get; set; } = 1024;

    /// <summary>Requests waiting for a permit per cluster; kept small so waiting never becomes the backlog it prevents.</summary>
    public int QueueLimit { get; set; } = 256;

    /// <summary><c>Retry-After</c> seconds on a shed reply.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Per-cluster overrides by cluster id (e.g. a smaller limit for <c>gateway-platform</c>).</summary>
    public Dictionary<string, ClusterAdmission> Clusters { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public ClusterAdmission For(string clusterId) =>
        Clusters.TryGetValue(clusterId, out var own)
            ? new ClusterAdmission { PermitLimit = own.PermitLimit ?? PermitLimit, QueueLimit = own.QueueLimit ?? QueueLimit }
            : new ClusterAdmission { PermitLimit = PermitLimit, QueueLimit = QueueLimit };
}

public sealed class ClusterAdmission
{
    public int? PermitLimit { get; set; }
    public int? QueueLimit { get; set; }
}
