using System.Text.Json;
using Dapr.Client;
using HopBench;
using LocalDapr.Abstractions;
using LocalDapr.Hosting;

// One process: an echo app, a local-dapr sidecar for it (with an in-memory state store), and the load generator.
// Measures the direct call against the same call through the sidecar, alternating, then state gets; prints Markdown
// and writes JSON.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}

var resources = Directory.CreateTempSubdirectory("hopbench-");
try
{
    await File.WriteAllTextAsync(Path.Combine(resources.FullName, "statestore.yaml"), $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: {Bench.StateStore}
        spec:
          type: state.in-memory
          version: v1
          metadata: []
        """);

    var (echo, appPort) = await EchoTarget.StartAsync();
    await using var _ = echo;
    var (httpPort, grpcPort) = (FreePort(), FreePort());
    await using var runtime = await LocalDaprRuntime.StartAsync([new SidecarDefinition("echo", httpPort, grpcPort, [resources.FullName])]);
    var instance = new AppInstance("echo", appPort);
    runtime.Instances.Register(instance);
    runtime.Instances.SetHealthy(instance, true);

    using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10), MaxConnectionsPerServer = 1024 });
    using var dapr = new DaprClientBuilder().UseHttpEndpoint($"http://127.0.0.1:{httpPort}").UseGrpcEndpoint($"http://127.0.0.1:{grpcPort}").Build();
    var bench = new Bench(http, dapr, new Uri($"http://127.0.0.1:{appPort}/echo"), new Uri($"http://127.0.0.1:{httpPort}/v1.0/invoke/echo/method/echo"), options.Seconds);
    var loadBefore = LoadAverage.Current();
    var results = await bench.RunAsync(step => Console.Error.WriteLine($"hop-bench: {step}"));
    var loadAfter = LoadAverage.Current();

    Console.WriteLine(ScenarioResult.Markdown(results, options.Seconds, loadBefore, loadAfter));
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.JsonPath))!);
    await File.WriteAllTextAsync(options.JsonPath, JsonSerializer.Serialize(new
    {
        measuredSeconds = options.Seconds,
        processorCount = Environment.ProcessorCount,
        dotnet = Environment.Version.ToString(),
        loadAverage = new { before = loadBefore, after = loadAfter },
        daprdPublished = new { addedP50Ms = ScenarioResult.DaprdAddedP50Ms, addedP99Ms = ScenarioResult.DaprdAddedP99Ms },
        results,
    }, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
    Console.Error.WriteLine($"hop-bench: results written to {Path.GetFullPath(options.JsonPath)}");
    return results.Any(r => r.Errors > 0 || r.Requests == 0) ? 2 : 0;
}
finally
{
    resources.Delete(recursive: true);
}

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}
