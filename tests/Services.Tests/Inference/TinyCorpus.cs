using DeepSeek.Dapr.Inference.Builtin;
using DeepSeek.Dapr.ServiceDefaults.Tokens;

namespace Services.Tests.Inference;

/// <summary>A small chat corpus in the shipped corpus format, and models trained from it, for generator tests.</summary>
internal static class TinyCorpus
{
    public const string Text = """
        <|user|>How do I start the platform?
        <|think|>The user asks how to start it. The quick start uses run.sh.
        <|assistant|>Run ./run.sh at the root of the repository.
        <|end|>

        <|user|>Which port does the router use?
        <|assistant|>The router listens on port 8080 by default.
        <|end|>

        <|user|>How do I run the tests?
        <|think|>The user asks about tests. They run with test.sh.
        <|assistant|>Run ./test.sh at the root of the repository.
        <|end|>

        <|user|>What is the platform?
        <|assistant|>It is an LLM serving platform built as Dapr microservices in C#.
        <|end|>

        The router is the only public entry of the platform. It listens on port 8080 and forwards requests to the gateways.

        The gateways validate requests, check the API key and ask the inference service for an answer.

        Les modèles répondent en français aussi: déjà, très, où. 中文回答也可以，模型会生成中文。 Emoji 🎉 are text too 🚀.
        """;

    public static NGramModel Train(int order = 6, string? text = null)
    {
        var parser = new CorpusParser(TokenCounter.Tokenizer);
        return NGramTrainer.Train(parser.Parse(text ?? Text).ToList(), order, "test");
    }

    public static IReadOnlyList<int> Prompt(string text) => TokenCounter.Tokenizer.EncodeToIds(text).ToArray();
}
