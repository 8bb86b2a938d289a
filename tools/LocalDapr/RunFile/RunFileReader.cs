using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LocalDapr.RunFile;

/// <summary>
/// YAML text → <see cref="RunFileDocument"/>, key by key, so that a wrong value is reported with its line and its
/// field path (<c>apps[2].appPort</c>) instead of a generic deserialisation error. Keys are matched exactly, as the
/// Dapr CLI's Go YAML decoder does; unknown keys are ignored like the CLI ignores them, but listed as warnings.
/// </summary>
public sealed class RunFileReader
{
    private static readonly HashSet<string> SharedKeys = new(StringComparer.Ordinal)
    {
        "configFilePath", "appProtocol", "resourcesPath", "resourcesPaths", "env", "appHealthCheckPath",
        "enableAppHealthCheck", "appHealthProbeInterval", "appHealthProbeTimeout", "appHealthThreshold", "maxBodySize",
        "logLevel", "daprdLogDestination", "appLogDestination",
        // Accepted for compatibility with dapr run files; they tune daprd features the local runtime does not have.
        "apiListenAddresses", "enableProfiling", "appMaxConcurrency", "placementHostAddress", "schedulerHostAddress",
        "appSSL", "readBufferSize", "enableApiLogging", "runtimePath", "daprPath",
    };

    private static readonly HashSet<string> AppOnlyKeys = new(StringComparer.Ordinal)
    {
        "appID", "appDirPath", "appPort", "daprHTTPPort", "daprGRPCPort", "command", "appChannelAddress",
        "daprInternalGRPCPort", "profilePort", "metricsPort", "unixDomainSocket", "containerImage",
        "containerImagePullPolicy", "createService",
    };

    private readonly string _file;
    private readonly List<string> _warnings = [];

    private RunFileReader(string file) => _file = file;

    public static (RunFileDocument Document, IReadOnlyList<string> Warnings) Read(string file, TextReader text)
    {
        var reader = new RunFileReader(file);
        var stream = new YamlStream();
        try
        {
            stream.Load(text);
        }
        catch (YamlException ex)
        {
            throw new RunFileException($"{file}:{ex.Start.Line}:{ex.Start.Column}: invalid YAML: {ex.InnerException?.Message ?? ex.Message}");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new RunFileException($"{file}: the run file is empty or not a YAML mapping");
        }

        return (reader.ReadDocument(root), reader._warnings);
    }

    private RunFileDocument ReadDocument(YamlMappingNode root)
    {
        var doc = new RunFileDocument();
        foreach (var (key, value) in Entries(root, string.Empty))
        {
            switch (key)
            {
                case "version": doc.Version = Int(value, key); break;
                case "name": doc.Name = Scalar(value, key); break;
                case "common": ReadShared(Mapping(value, key), doc.Common, key, allowAppKeys: false); break;
                case "apps": doc.Apps = ReadApps(value); break;
                default: Unknown(value, key); break;
            }
        }

        return doc;
    }

    private List<AppRunConfig> ReadApps(YamlNode node)
    {
        if (node is not YamlSequenceNode seq)
        {
            throw Error(node, "apps", "expected a list of apps");
        }

        var apps = new List<AppRunConfig>();
        for (var i = 0; i < seq.Children.Count; i++)
        {
            var path = $"apps[{i}]";
            var app = new AppRunConfig { Line = (int)seq.Children[i].Start.Line };
            ReadShared(Mapping(seq.Children[i], path), app, path, allowAppKeys: true);
            apps.Add(app);
        }

        return apps;
    }

    private void ReadShared(YamlMappingNode map, SharedRunConfig target, string parent, bool allowAppKeys)
    {
        foreach (var (key, value) in Entries(map, parent))
        {
            var path = $"{parent}.{key}";
            if (allowAppKeys && target is AppRunConfig app && ReadAppKey(app, key, value, path))
            {
                continue;
            }

            switch (key)
            {
                case "configFilePath": target.ConfigFilePath = Scalar(value, path); break;
                case "appProtocol": target.AppProtocol = Scalar(value, path); break;
                case "resourcesPath": target.ResourcesPath = Scalar(value, path); break;
                case "resourcesPaths": target.ResourcesPaths = StringList(value, path); break;
                case "env": target.Env = StringMap(value, path); break;
                case "appHealthCheckPath": target.AppHealthCheckPath = Scalar(value, path); break;
                case "enableAppHealthCheck": target.EnableAppHealthCheck = Bool(value, path); break;
                case "appHealthProbeInterval": target.AppHealthProbeInterval = Int(value, path); break;
                case "appHealthProbeTimeout": target.AppHealthProbeTimeout = Int(value, path); break;
                case "appHealthThreshold": target.AppHealthThreshold = Int(value, path); break;
                case "maxBodySize": target.MaxBodySize = Scalar(value, path); break;
                case "logLevel": target.LogLevel = Scalar(value, path); break;
                case "daprdLogDestination": target.DaprdLogDestination = Scalar(value, path); break;
                case "appLogDestination": target.AppLogDestination = Scalar(value, path); break;
                default:
                    if (!SharedKeys.Contains(key) && !(allowAppKeys && AppOnlyKeys.Contains(key)))
                    {
                        Unknown(value, path);
                    }

                    break;
            }
        }
    }

    private bool ReadAppKey(AppRunConfig app, string key, YamlNode value, string path)
    {
        switch (key)
        {
            case "appID": app.AppId = Scalar(value, path); return true;
            case "appDirPath": app.AppDirPath = Scalar(value, path); return true;
            case "appPort": app.AppPort = Port(value, path); return true;
            case "daprHTTPPort": app.DaprHttpPort = Port(value, path); return true;
            case "daprGRPCPort": app.DaprGrpcPort = Port(value, path); return true;
            case "command": app.Command = StringList(value, path); return true;
            case "appChannelAddress": app.AppChannelAddress = Scalar(value, path); return true;
            default: return false;
        }
    }

    private IEnumerable<(string Key, YamlNode Value)> Entries(YamlMappingNode map, string parent)
    {
        foreach (var (k, v) in map.Children)
        {
            if (k is not YamlScalarNode { Value: { } key })
            {
                throw Error(k, parent, "keys must be plain strings");
            }

            yield return (key, v);
        }
    }

    private YamlMappingNode Mapping(YamlNode node, string path) =>
        node as YamlMappingNode ?? (IsNull(node) ? new YamlMappingNode() : throw Error(node, path, "expected a mapping (key: value lines)"));

    private string? Scalar(YamlNode node, string path) => node switch
    {
        _ when IsNull(node) => null,
        YamlScalarNode s => s.Value,
        _ => throw Error(node, path, "expected a single value"),
    };

    private int Int(YamlNode node, string path)
    {
        var text = Scalar(node, path);
        return text is null ? 0
            : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
            : throw Error(node, path, $"expected an integer, got '{text}'");
    }

    private int Port(YamlNode node, string path)
    {
        var port = Int(node, path);
        return port is >= 0 and <= 65535 ? port : throw Error(node, path, $"port {port} is out of range 0-65535");
    }

    private bool? Bool(YamlNode node, string path)
    {
        var text = Scalar(node, path);
        return text is null ? null
            : bool.TryParse(text, out var b) ? b
            : throw Error(node, path, $"expected true or false, got '{text}'");
    }

    private List<string>? StringList(YamlNode node, string path)
    {
        if (IsNull(node))
        {
            return null;
        }

        if (node is not YamlSequenceNode seq)
        {
            throw Error(node, path, "expected a list, e.g. [\"dotnet\", \"run\"]");
        }

        return seq.Children.Select((c, i) => Scalar(c, $"{path}[{i}]") ?? string.Empty).ToList();
    }

    private Dictionary<string, string>? StringMap(YamlNode node, string path)
    {
        if (IsNull(node))
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Entries(Mapping(node, path), path))
        {
            result[key] = Scalar(value, $"{path}.{key}") ?? string.Empty;
        }

        return result;
    }

    private void Unknown(YamlNode node, string path) =>
        _warnings.Add($"{_file}:{node.Start.Line}: unknown key '{path}' ignored");

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" };

    private RunFileException Error(YamlNode node, string path, string message) =>
        new($"{_file}:{node.Start.Line}:{node.Start.Column}: {(path.Length > 0 ? path + ": " : string.Empty)}{message}");
}
