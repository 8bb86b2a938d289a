namespace DeepSeek.Dapr.Contracts.OpenAi;

/// <summary><c>GET /v1/models</c> reply.</summary>
public sealed class ModelList
{
    public string Object { get; set; } = "list";
    public List<ModelCard> Data { get; set; } = [];
}

/// <summary>One entry of <c>GET /v1/models</c>, and the reply of <c>GET /v1/models/{id}</c>.</summary>
public sealed class ModelCard
{
    public required string Id { get; set; }
    public string Object { get; set; } = "model";
    public long Created { get; set; }
    public string OwnedBy { get; set; } = "deepseek-dapr";
}
