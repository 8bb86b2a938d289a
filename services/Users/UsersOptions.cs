namespace DeepSeek.Dapr.Users;

/// <summary>Configuration section <c>Users</c>: plans, prices and the bootstrap account.</summary>
public sealed class UsersOptions
{
    public string Currency { get; set; } = "USD";
    public string DefaultPlan { get; set; } = "default";
    public Dictionary<string, PlanOptions> Plans { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Per model id, per million tokens.</summary>
    public Dictionary<string, PriceOptions> Prices { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Charged for models without their own entry in <see cref="Prices"/>.</summary>
    public PriceOptions? DefaultPrice { get; set; }

    public BootstrapUserOptions Bootstrap { get; set; } = new();

    /// <summary>
    /// An open hold older than this is dropped by the actor's reminder: the request that made it was killed. Longer
    /// than the 300 s generation timeout, so a slow but alive request is never released under its feet.
    /// </summary>
    public int ReservationTimeoutSeconds { get; set; } = 600;

    /// <summary>Period of the <c>expire-holds</c> reminder, registered while a user has open holds.</summary>
    public int ReservationSweepSeconds { get; set; } = 60;

    /// <summary>How long a charged event id is remembered (pub/sub redeliveries arrive well within this).</summary>
    public int ChargedEventRetentionDays { get; set; } = 7;

    /// <summary>How old the cached copy of the runtime plans (kept in users-db) may get before it is read again.</summary>
    public int PlanRefreshSeconds { get; set; } = 10;

    public PlanOptions PlanFor(string? name) =>
        name is not null && Plans.TryGetValue(name, out var plan) ? plan
        : Plans.TryGetValue(DefaultPlan, out var fallback) ? fallback
        : PlanOptions.Unlimited;

    public PriceOptions? PriceFor(string model) => Prices.TryGetValue(model, out var price) ? price : DefaultPrice;
}

/// <summary>Limits of a plan; 0 means "no limit". <see cref="AllowedModels"/> empty = every model.</summary>
public sealed class PlanOptions
{
    public static readonly PlanOptions Unlimited = new();

    public int RequestsPerMinute { get; set; }
    public long TokensPerMinute { get; set; }
    public long TokensPerDay { get; set; }

    /// <summary>Open holds (requests admitted and not yet settled or released) allowed at once.</summary>
    public int MaxParallelRequests { get; set; }

    public List<string> AllowedModels { get; set; } = [];

    public bool HasMinuteLimits => RequestsPerMinute > 0 || TokensPerMinute > 0;
}

/// <summary>Prices per million tokens, DeepSeek's three rates.</summary>
public sealed class PriceOptions
{
    public decimal InputCacheHit { get; set; }
    public decimal InputCacheMiss { get; set; }
    public decimal Output { get; set; }
}

public sealed class BootstrapUserOptions
{
    public string UserId { get; set; } = "admin";
    public string Name { get; set; } = "Administrator";
    public string Plan { get; set; } = "unlimited";
    public decimal GrantedBalance { get; set; } = 100.00m;
}
