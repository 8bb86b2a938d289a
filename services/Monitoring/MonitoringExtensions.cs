using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Monitoring.Metrics;
using DeepSeek.Dapr.ServiceDefaults.State;

namespace DeepSeek.Dapr.Monitoring;

public static class MonitoringExtensions
{
    public static WebApplicationBuilder AddMonitoring(this WebApplicationBuilder builder)
    {
        var windowSeconds = builder.Configuration.GetValue("Monitoring:WindowSeconds", 300);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(MonitoringJsonContext.Default));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddJsonStateStore(Components.MonitoringDb);
        builder.Services.AddSingleton(new RecentWindow(TimeSpan.FromSeconds(Math.Max(1, windowSeconds))));
        builder.Services.AddSingleton<UsageAggregator>();
        return builder;
    }
}
