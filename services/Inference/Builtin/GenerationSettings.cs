namespace DeepSeek.Dapr.Inference.Builtin;

/// <summary>
/// One generation of the built-in model. <see cref="Prompt"/> is the tokenised text the answer should follow (the
/// last user message); <see cref="MaxTokens"/> bounds reasoning and answer together, as DeepSeek's reasoner does.
/// </summary>
public sealed record GenerationSettings(
    IReadOnlyList<int> Prompt,
    SamplingOptions Sampling,
    int MaxTokens,
    IReadOnlyList<string> Stop,
    long? Seed = null,
    bool Reasoning = false,
    int MaxReasoningTokens = 128);
