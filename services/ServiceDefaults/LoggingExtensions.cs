using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace DeepSeek.Dapr.ServiceDefaults;

internal static class LoggingExtensions
{
    /// <summary>
    /// Readable single-line logs locally (the launcher prefixes them with the app-id), compact JSON in production.
    /// Each host keeps its own logger instead of taking over Serilog's static one, so several hosts in one process
    /// (the in-process service tests) never write into each other's sinks.
    /// </summary>
    public static void AddDefaultLogging(this WebApplicationBuilder builder)
    {
        var json = builder.Environment.IsProduction() && builder.Configuration["LOG_FORMAT"] != "text"
                   || builder.Configuration["LOG_FORMAT"] == "json";
        builder.Services.AddSerilog((services, config) =>
        {
            config.ReadFrom.Configuration(builder.Configuration)
                .MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Extensions.Http", LogEventLevel.Warning)
                .Enrich.FromLogContext()
                .Enrich.WithProperty("app", builder.Configuration["APP_ID"] ?? builder.Environment.ApplicationName);
            if (json)
            {
                config.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
            else
            {
                config.WriteTo.Console(outputTemplate: "{Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}");
            }
        }, preserveStaticLogger: true);
    }
}
