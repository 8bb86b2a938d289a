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

    /// <summary>Enforced once reservations exist (issue 4, per-user actor); kept in the plan already.</summary>
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
