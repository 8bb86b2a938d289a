namespace DeepSeek.Dapr.Inference.Builtin;

/// <summary>
/// How the next token is chosen. <see cref="Temperature"/> 0 is greedy (argmax, deterministic);
/// <see cref="TopP"/> keeps the smallest set of tokens whose probabilities add up to at least that mass;
/// penalties lower the logit of tokens already generated (OpenAI semantics); <see cref="PromptBoost"/> raises the
/// logit of uncommon prompt tokens, and <see cref="TriggerWeight"/> scales the <see cref="TriggerTable"/> bonus of
/// tokens tied to the prompt's words; both apply only where the n-gram context already supports the token, so
/// answers stay on topic without losing fluency.
/// </summary>
public sealed record SamplingOptions(
    double Temperature = 1.0,
    double TopP = 1.0,
    double FrequencyPenalty = 0,
    double PresencePenalty = 0,
    double PromptBoost = 0,
    double TriggerWeight = 0);
