namespace DeepSeek.Dapr.Contracts.Internal;

/// <summary>
/// A model as the registry in <c>models</c> knows it. <c>GET /internal/models</c> lists them;
/// <c>GET /internal/models/{idOrAlias}</c> resolves an alias to the concrete model (404 when unknown).
/// </summary>
public sealed record ModelDescriptor
{
    // Members with a default are settable, not init-only: the System.Text.Json source generator assigns every
    // init-only member in one object initializer, so a field missing from the JSON would get 0/null instead of
    // the default below (e.g. a hand-written registration without max_output_tokens).
    public required string Id { get; init; }
    public IReadOnlyList<string> Aliases { get; set; } = [];
    public string OwnedBy { get; set; } = "deepseek-dapr";
    public long Created { get; init; }
    public int ContextWindow { get; set; } = 4096;
    public int MaxOutputTokens { get; set; } = 1024;
    public required ModelBackend Backend { get; init; }
    public ModelPricing? Pricing { get; init; }

    /// <summary><c>active</c>, <c>disabled</c> or <c>training</c>.</summary>
    public string Status { get; set; } = "active";

    /// <summary>A model to fail over to when this one's backend is down (issue "Resilience").</summary>
    public string? FallbackModel { get; init; }
}

/// <summary>Where generation happens.</summary>
public sealed record ModelBackend
{
    /// <summary><c>builtin</c> (the n-gram model inside <c>inference</c>) or <c>openai</c> (an OpenAI-compatible upstream).</summary>
    public required string Kind { get; init; }

    /// <summary>For <c>openai</c>: the Dapr <c>HTTPEndpoint</c> resource name the sidecar invokes.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Model name sent upstream (defaults to the model id).</summary>
    public string? UpstreamModel { get; init; }

    /// <summary>For <c>builtin</c>: which trained model file to load.</summary>
    public string? Artifact { get; init; }

    /// <summary>
    /// For <c>openai</c>: the secret-store key holding the upstream's API key (sent as a bearer token when non-empty);
    /// null means inference's default key name (<c>upstream:api-key</c>).
    /// </summary>
    public string? ApiKeySecret { get; init; }

    public bool SupportsTools { get; init; }

    /// <summary>The model also fills <c>reasoning_content</c>.</summary>
    public bool Reasoning { get; init; }
}

/// <summary>Prices per million tokens, as DeepSeek publishes them.</summary>
public sealed record ModelPricing(decimal InputCacheHit, decimal InputCacheMiss, decimal Output, string Currency = "USD");

public static class BackendKinds
{
    public const string Builtin = "builtin";
    public const string OpenAi = "openai";
}
