using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Inference.Backends;
using DeepSeek.Dapr.Inference.Builtin;
using DeepSeek.Dapr.Inference.Telemetry;
using DeepSeek.Dapr.Inference.Upstream;

namespace DeepSeek.Dapr.Inference;

public static class InferenceExtensions
{
    /// <summary>Backends keyed by <see cref="ModelBackend.Kind"/>, the built-in model's store and warm-up, metrics.</summary>
    public static WebApplicationBuilder AddInference(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<BuiltinOptions>()
            .Bind(builder.Configuration.GetSection(BuiltinOptions.Section))
            .Configure(o =>
            {
                var dataDir = builder.Configuration["Inference:DataDir"];
                o.DataDir = string.IsNullOrWhiteSpace(dataDir)
                    ? Path.Combine(builder.Environment.ContentRootPath, ".data", "models")
                    : Path.GetFullPath(dataDir, builder.Environment.ContentRootPath);
            })
            .Validate(o => o.Order is >= 2 and <= 6, "Inference:Builtin:Order must be between 2 and 6");

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => CorpusSource.Embedded());
        services.AddSingleton<BuiltinModelProvider>();
        services.AddHostedService<BuiltinModelWarmup>();
        services.AddHealthChecks().AddCheck<BuiltinModelHealthCheck>("builtin-model", tags: ["ready"]);
        services.AddSingleton<InferenceMetrics>();

        services.AddKeyedSingleton<IChatBackend, BuiltinChatBackend>(BackendKinds.Builtin);
        services.AddKeyedSingleton<IChatBackend, OpenAiUpstreamBackend>(BackendKinds.OpenAi);
        services.AddSingleton<IUpstreamRouter, SidecarUpstreamRouter>();
        services.AddSingleton<UpstreamCredentials>();
        // Long generations must not be cut by HttpClient; timeouts belong to resiliency.yaml.
        services.AddHttpClient(OpenAiUpstreamBackend.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        return builder;
    }
}
