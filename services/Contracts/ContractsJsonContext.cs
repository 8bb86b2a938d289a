using System.Text.Json.Serialization;
using DeepSeek.Dapr.Contracts.Events;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;

namespace DeepSeek.Dapr.Contracts;

/// <summary>
/// Source-generated serialisers for every wire type: snake_case like the OpenAI API, nulls omitted.
/// Internal (service-to-service) types use the same options so one context serves every hop.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = false,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(ChatCompletion))]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelCard))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(KeyVerificationRequest))]
[JsonSerializable(typeof(KeyVerificationResult))]
[JsonSerializable(typeof(QuotaCheckRequest))]
[JsonSerializable(typeof(QuotaDecision))]
[JsonSerializable(typeof(AccountHeadroom))]
[JsonSerializable(typeof(ModelDescriptor))]
[JsonSerializable(typeof(List<ModelDescriptor>))]
[JsonSerializable(typeof(ContextRequest))]
[JsonSerializable(typeof(ContextResult))]
[JsonSerializable(typeof(ConversationTurn))]
[JsonSerializable(typeof(GenerateRequest))]
[JsonSerializable(typeof(UsageRecorded))]
[JsonSerializable(typeof(ApiKeyRevoked))]
[JsonSerializable(typeof(ModelUpdated))]
[JsonSerializable(typeof(TrainingJobChanged))]
[JsonSerializable(typeof(CreateApiKeyRequest))]
[JsonSerializable(typeof(CreatedApiKey))]
[JsonSerializable(typeof(ApiKeyInfo))]
[JsonSerializable(typeof(List<ApiKeyInfo>))]
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(UserInfo))]
[JsonSerializable(typeof(TopUpRequest))]
[JsonSerializable(typeof(UserBalance))]
[JsonSerializable(typeof(UsageReport))]
[JsonSerializable(typeof(SubscriptionReply))]
[JsonSerializable(typeof(AccountChanged))]
[JsonSerializable(typeof(ReservationRequest))]
[JsonSerializable(typeof(ReservationRelease))]
[JsonSerializable(typeof(SettlementResult))]
[JsonSerializable(typeof(PlanInfo))]
[JsonSerializable(typeof(List<PlanInfo>))]
[JsonSerializable(typeof(List<UserInfo>))]
[JsonSerializable(typeof(UpdateUserRequest))]
[JsonSerializable(typeof(TokenIssueRequest))]
[JsonSerializable(typeof(IssuedToken))]
[JsonSerializable(typeof(TokenVerificationRequest))]
public sealed partial class ContractsJsonContext : JsonSerializerContext;
