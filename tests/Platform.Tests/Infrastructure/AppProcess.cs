using System.Globalization;
using System.Text.Json.Nodes;

namespace Platform.Tests.Infrastructure;

/// <summary>One process of the running platform, with its resident memory read from /proc.</summary>
public sealed record AppProcess(string Name, int Pid)
{
    /// <summary>VmRSS in KiB, or null when the process is gone.</summary>
    public long? ReadRssKib()
    {
        var status = $"/proc/{Pid}/status";
        if (!File.Exists(status))
        {
            return null;
        }

        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kib = line?["VmRSS:".Length..].Trim().Split(' ')[0];
        return long.TryParse(kib, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    /// <summary>
    /// Every object carrying a <c>pid</c> in the launcher's <c>GET /admin/apps</c> reply (one per app instance), named
    /// by its <c>name</c> or <c>appId</c>; read by shape so the test does not pin the admin DTO's nesting.
    /// </summary>
    public static IReadOnlyList<AppProcess> FromAdminReply(JsonNode? reply)
    {
        var found = new List<AppProcess>();
        Walk(reply, found);
        return found;
    }

    private static void Walk(JsonNode? node, List<AppProcess> found)
    {
        switch (node)
        {
            case JsonArray array:
                foreach (var item in array)
                {
                    Walk(item, found);
                }

                break;
            case JsonObject obj:
                var props = obj.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
                if (props.TryGetValue("pid", out var pid) && pid is JsonValue v && v.TryGetValue<int>(out var id))
                {
                    var name = (props.GetValueOrDefault("name") ?? props.GetValueOrDefault("appId"))?.ToString() ?? $"pid {id}";
                    found.Add(new AppProcess(name, id));
                }

                foreach (var (_, child) in obj)
                {
                    Walk(child, found);
                }

                break;
        }
    }
}
