namespace DeepSeek.Dapr.Inference.Builtin;

/// <summary>Configuration section <c>Inference:Builtin</c>; the data directory is <c>Inference:DataDir</c>.</summary>
public sealed class BuiltinOptions
{
    public const string Section = "Inference:Builtin";

    /// <summary>N of the n-gram model (context of N-1 tokens).</summary>
    public int Order { get; set; } = 6;

    /// <summary>
    /// Temperature when a request sets none. OpenAI's default of 1 suits large models; a small n-gram model stays
    /// coherent at a lower one.
    /// </summary>
    public double DefaultTemperature { get; set; } = 0.7;

    /// <summary>Logit bonus for uncommon prompt tokens the context already supports (0 disables it).</summary>
    public double PromptBoost { get; set; } = 1.5;

    /// <summary>Scale of the question-to-answer trigger bonus (0 disables it).</summary>
    public double TriggerWeight { get; set; } = 1.0;

    /// <summary>Upper bound of the reasoning text of reasoning models, in tokens.</summary>
    public int MaxReasoningTokens { get; set; } = 96;

    /// <summary>Where trained models are stored; default <c>{ContentRoot}/.data/models</c>.</summary>
    public string DataDir { get; set; } = string.Empty;
}
