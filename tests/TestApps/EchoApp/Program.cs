using System.Diagnostics;
using System.Net;

// A tiny app for launcher tests: listens on APP_PORT, answers /healthz, echoes requests, reports the environment
// it was given, and prints lines on stdout and stderr; POST /health/down (or /up) flips its health check. ECHO_SPAWN_CHILD=1 starts a long-running child process so
// tests can check that stopping the app stops its whole process tree; ECHO_EXIT_CODE=n makes it exit at once.
if (Environment.GetEnvironmentVariable("ECHO_EXIT_CODE") is { Length: > 0 } exitCode)
{
    Console.WriteLine($"exiting with {exitCode}");
    return int.Parse(exitCode, System.Globalization.CultureInfo.InvariantCulture);
}

var port = int.Parse(Environment.GetEnvironmentVariable("APP_PORT") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
var appId = Environment.GetEnvironmentVariable("APP_ID") ?? "echo";

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
var app = builder.Build();

var healthy = true;
app.MapGet("/healthz", () => healthy ? Results.Ok() : Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
app.MapPost("/health/{state}", (string state) =>
{
    healthy = state == "up";
    return Results.Ok();
});
app.MapGet("/env", () => Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
    .Where(e => e.Key is string k && (k.StartsWith("APP_", StringComparison.Ordinal) || k.StartsWith("DAPR_", StringComparison.Ordinal) || k.StartsWith("ECHO_", StringComparison.Ordinal)))
    .ToDictionary(e => (string)e.Key, e => (string?)e.Value));
app.Map("/echo/{**path}", async (HttpRequest request, string? path) =>
{
    using var reader = new StreamReader(request.Body);
    var body = await reader.ReadToEndAsync();
    Console.WriteLine($"handled {request.Method} /echo/{path}");
    return Results.Ok(new { appId, port, method = request.Method, path, query = request.QueryString.Value, body });
});

app.Lifetime.ApplicationStopping.Register(() => Console.WriteLine("stopping on signal"));
await app.StartAsync();

if (Environment.GetEnvironmentVariable("ECHO_SPAWN_CHILD") == "1")
{
    using var child = Process.Start(new ProcessStartInfo("sleep", "300") { UseShellExecute = false });
    Console.WriteLine($"child pid {child!.Id}");
}

Console.WriteLine($"listening on {port} pid {Environment.ProcessId}");
Console.Error.WriteLine("a line on stderr");
await app.WaitForShutdownAsync();
return 0;
