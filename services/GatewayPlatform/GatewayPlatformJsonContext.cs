using System.Text.Json.Serialization;
using DeepSeek.Dapr.GatewayPlatform.Apis;

namespace DeepSeek.Dapr.GatewayPlatform;

/// <summary>The management API's own request bodies, with the wire conventions of <c>ContractsJsonContext</c>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = false,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CreateKeyBody))]
[JsonSerializable(typeof(PlanLimitsBody))]
[JsonSerializable(typeof(TokenExchangeBody))]
public sealed partial class GatewayPlatformJsonContext : JsonSerializerContext;
