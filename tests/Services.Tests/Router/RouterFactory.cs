using System.Globalization;
using DeepSeek.Dapr.Router;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Services.Tests.Router;

/// <summary>The real router app on real Kestrel (loopback, free port), its sidecar replaced by a test app.</summary>
public sealed class RouterFactory : WebApplicationFactory<RouterOptions>
{
    private readonly int _sidecarPort;
    private readonly IReadOnlyDictionary<string, string> _settings;

    public RouterFactory(int sidecarPort, IReadOnlyDictionary<string, string>? settings = null)
    {
        _sidecarPort = sidecarPort;
        _settings = settings ?? new Dictionary<string, string>();
        UseKestrel(0);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("DAPR_HTTP_PORT", _sidecarPort.ToString(CultureInfo.InvariantCulture));
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
