using System.Text.Json.Serialization;
using DeepSeek.Dapr.Users.Accounts;

namespace DeepSeek.Dapr.Users;

/// <summary>Serialisers for what <c>users</c> keeps in <c>users-db</c>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(UserAccount))]
[JsonSerializable(typeof(DailyUsage))]
[JsonSerializable(typeof(ChargeRecord))]
[JsonSerializable(typeof(RateWindow))]
public sealed partial class UsersJsonContext : JsonSerializerContext;
