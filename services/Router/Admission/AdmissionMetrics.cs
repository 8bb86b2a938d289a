using System.Diagnostics.Metrics;

namespace DeepSeek.Dapr.Router.Admission;

/// <summary>The router's instruments on the shared "DeepSeek.Dapr" meter (Prometheus: <c>deepseek_router_shed_total</c>).</summary>
public sealed class AdmissionMetrics
{
    public const string MeterName = "DeepSeek.Dapr";

    private readonly Counter<long> _shed;

    public AdmissionMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _shed = meter.CreateCounter<long>("deepseek.router.shed", description: "Requests refused by the router's admission control, by cluster");
    }

    public void Shed(string cluster) => _shed.Add(1, new KeyValuePair<string, object?>("cluster", cluster));
}
