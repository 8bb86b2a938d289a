using System.Collections;
using System.Globalization;
using LocalDapr.RunFile;

namespace LocalDapr.Launcher;

/// <summary>
/// The environment one app process gets, as the Dapr CLI builds it (<c>RunConfig.getEnv</c>): the launcher's own
/// environment, then <c>APP_ID</c>, <c>APP_CHANNEL_ADDRESS</c>, <c>APP_PORT</c>, <c>DAPR_HTTP_PORT</c>,
/// <c>DAPR_GRPC_PORT</c> (numbers only when non-zero) and <c>APP_PROTOCOL</c>, then the run file's <c>env</c>,
/// which wins. <c>DAPR_API_TOKEN</c>/<c>APP_API_TOKEN</c> therefore reach the app exactly when they are configured.
/// </summary>
internal static class AppEnvironment
{
    /// <summary>
    /// Inherited endpoint variables are dropped: they override the port variables in the SDK and would point the app
    /// at some other sidecar. (The Dapr CLI passes them through; set them in the run file's env to force one.)
    /// </summary>
    private static readonly string[] DroppedInherited = ["DAPR_HTTP_ENDPOINT", "DAPR_GRPC_ENDPOINT"];

    public static Dictionary<string, string> Build(AppSpec app, IDictionary inherited)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in inherited)
        {
            if (entry.Key is string key && entry.Value is string value && !DroppedInherited.Contains(key, StringComparer.Ordinal))
            {
                env[key] = value;
            }
        }

        env["APP_ID"] = app.AppId;
        if (app.AppChannelAddress is { } address)
        {
            env["APP_CHANNEL_ADDRESS"] = address;
        }

        SetPort(env, "APP_PORT", app.AppPort);
        SetPort(env, "DAPR_HTTP_PORT", app.DaprHttpPort);
        SetPort(env, "DAPR_GRPC_PORT", app.DaprGrpcPort);
        env["APP_PROTOCOL"] = app.AppProtocol;
        foreach (var (key, value) in app.Env)
        {
            env[key] = value;
        }

        return env;
    }

    /// <summary>A token as the sidecar sees it: from the app's run-file env, else inherited, as daprd gets both.</summary>
    public static string? Token(AppSpec app, string name) =>
        app.Env.TryGetValue(name, out var value) ? NullIfEmpty(value) : NullIfEmpty(Environment.GetEnvironmentVariable(name));

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static void SetPort(Dictionary<string, string> env, string name, int port)
    {
        if (port > 0)
        {
            env[name] = port.ToString(CultureInfo.InvariantCulture);
        }
    }
}
