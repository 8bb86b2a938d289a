using System.Text.Json.Nodes;

namespace FakeUpstream;

/// <summary>What the fake saw of one request, so tests can assert what the platform sent upstream.</summary>
public sealed class ReceivedRequest
{
    public required string Method { get; init; }
    public required string Path { get; init; }
    public string? Authorization { get; init; }
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>The JSON body, or null when it was not JSON.</summary>
    public JsonNode? Body { get; init; }

    public string? Model => Body?["model"]?.GetValue<string>();

    public bool Stream => Body?["stream"]?.GetValue<bool>() == true;

    /// <summary>Set when the caller went away before the reply was complete (cancellation reached the backend).</summary>
    public bool ClientAborted { get; set; }

    /// <summary>Set when the whole reply was written.</summary>
    public bool Completed { get; set; }
}
