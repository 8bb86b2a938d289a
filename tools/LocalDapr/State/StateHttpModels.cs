using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalDapr.State;

/// <summary>One item of <c>POST /v1.0/state/{store}</c> (and the request of a transaction operation).</summary>
public sealed record HttpStateItem(string? Key, JsonElement? Value, string? Etag, Dictionary<string, string>? Metadata, HttpStateOptions? Options);

public sealed record HttpStateOptions(string? Concurrency, string? Consistency);

public sealed record HttpBulkGetRequest(List<string>? Keys, int? Parallelism);

/// <summary>One item of the bulk-get reply; <c>data</c> is the stored JSON inline, absent for a missing key.</summary>
public sealed record HttpBulkGetItem(string Key, JsonNode? Data, string? Etag, Dictionary<string, string>? Metadata, string? Error);

public sealed record HttpTransactionRequest(List<HttpTransactionOperation>? Operations, Dictionary<string, string>? Metadata);

public sealed record HttpTransactionOperation(string? Operation, HttpStateItem? Request);
