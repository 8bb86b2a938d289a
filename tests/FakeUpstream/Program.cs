using System.Runtime.InteropServices;
using FakeUpstream;

// Console form of the fake, e.g. for the benchmark: fake-upstream --port 5199 --tokens-per-second 50 --style deepseek
FakeUpstreamOptions options;
int port;
try
{
    (options, port) = FakeUpstreamOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"fake-upstream: {ex.Message}");
    return 2;
}

var stop = new TaskCompletionSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

await using var server = new FakeUpstreamServer(options);
await server.StartAsync(port);
Console.WriteLine($"fake-upstream listening on {server.BaseUrl} (style {options.Style}, {options.EffectiveTokenDelay.TotalMilliseconds} ms per token)");
await stop.Task;
return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.TrySetResult();
}
