using System.Text.Json.Serialization;
using DeepSeek.Dapr.Auth.Keys;

namespace DeepSeek.Dapr.Auth;

/// <summary>Serialisers for what <c>auth</c> keeps in <c>auth-db</c>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ApiKeyRecord))]
[JsonSerializable(typeof(UserKeyIndex))]
[JsonSerializable(typeof(AllKeysIndex))]
public sealed partial class AuthJsonContext : JsonSerializerContext;
