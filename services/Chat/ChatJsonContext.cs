using System.Text.Json.Serialization;
using DeepSeek.Dapr.Chat.Context;

namespace DeepSeek.Dapr.Chat;

/// <summary>Serialisers for what <c>chat</c> keeps in <c>chat-db</c>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredConversation))]
public sealed partial class ChatJsonContext : JsonSerializerContext;
