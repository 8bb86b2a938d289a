using System.Text.Json.Serialization;
using DeepSeek.Dapr.Contracts.Internal;

namespace DeepSeek.Dapr.Users;

/// <summary>
/// Serialisers for what <c>users</c> keeps in <c>users-db</c> outside its actors: the runtime plans and the user index.
/// (Actor state goes through the actor runtime's own JSON, web defaults.)
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Dictionary<string, PlanInfo>))]
[JsonSerializable(typeof(List<string>))]
public sealed partial class UsersJsonContext : JsonSerializerContext;
