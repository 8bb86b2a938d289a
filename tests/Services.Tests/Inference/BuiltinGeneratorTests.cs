using System.Text;
using DeepSeek.Dapr.Inference.Backends;
using DeepSeek.Dapr.Inference.Builtin;
using DeepSeek.Dapr.ServiceDefaults.Tokens;

namespace Services.Tests.Inference;

public sealed class BuiltinGeneratorTests
{
    private static readonly NGramModel Model = TinyCorpus.Train();

    private static List<BackendUpdate> Run(GenerationSettings settings, CancellationToken cancellationToken = default) =>
        new BuiltinGenerator(Model, TokenCounter.Tokenizer).Generate(settings, cancellationToken).ToList();

    private static GenerationSettings Settings(
        string prompt, double temperature = 0, double topP = 1, int maxTokens = 64, long? seed = null,
        IReadOnlyList<string>? stop = null, bool reasoning = false, double frequency = 0, double presence = 0) =>
        new(TinyCorpus.Prompt(prompt), new SamplingOptions(temperature, topP, frequency, presence), maxTokens, stop ?? [], seed, reasoning, 32);

    private static string Content(IEnumerable<BackendUpdate> updates) => string.Concat(updates.Select(u => u.Content));

    [Fact]
    public void Greedy_answer_to_a_known_question_reproduces_the_learned_answer_and_stops_naturally()
    {
        var updates = Run(Settings("How do I start the platform?"));

        Content(updates).Should().Be("Run ./run.sh at the root of the repository.");
        updates[^1].FinishReason.Should().Be(FinishReasons.Stop);
        updates[^1].Usage!.CompletionTokens.Should().Be(TokenCounter.Count("Run ./run.sh at the root of the repository."));
    }

    [Fact]
    public void Answer_depends_on_the_question()
    {
        Content(Run(Settings("Which port does the router use?"))).Should().Contain("8080");
        Content(Run(Settings("How do I run the tests?"))).Should().Contain("./test.sh");
    }

    [Fact]
    public void Temperature_zero_is_deterministic_whatever_the_seed()
    {
        var first = Content(Run(Settings("Tell me about the gateways", seed: 1)));
        var second = Content(Run(Settings("Tell me about the gateways", seed: 99)));

        first.Should().NotBeEmpty();
        second.Should().Be(first);
    }

    [Fact]
    public void Same_seed_reproduces_a_sampled_answer_and_other_seeds_vary()
    {
        var runs = Enumerable.Range(1, 8)
            .Select(seed => Content(Run(Settings("platform gateways router", temperature: 1.5, seed: seed))))
            .ToList();
        var again = Content(Run(Settings("platform gateways router", temperature: 1.5, seed: 1)));

        again.Should().Be(runs[0]);
        runs.Distinct().Count().Should().BeGreaterThan(1, "different seeds sample different tokens at temperature 1.5");
    }

    [Fact]
    public void Tiny_top_p_keeps_only_the_most_likely_token()
    {
        var greedy = Content(Run(Settings("Which port does the router use?")));
        foreach (var seed in new long[] { 1, 2, 3 })
        {
            Content(Run(Settings("Which port does the router use?", temperature: 2, topP: 1e-9, seed: seed))).Should().Be(greedy);
        }
    }

    [Fact]
    public void Stop_sequence_ends_the_answer_before_the_sequence()
    {
        var updates = Run(Settings("How do I start the platform?", stop: ["root"]));

        Content(updates).Should().Be("Run ./run.sh at the ");
        updates[^1].FinishReason.Should().Be(FinishReasons.Stop);
    }

    [Fact]
    public void Stop_sequence_spanning_several_tokens_is_never_emitted_in_part()
    {
        var updates = Run(Settings("How do I start the platform?", stop: ["./run.sh at"]));

        Content(updates).Should().Be("Run ");
        updates.Should().NotContain(u => u.Content != null && u.Content.Contains("./"));
    }

    [Fact]
    public void Max_tokens_cuts_the_answer_with_finish_reason_length()
    {
        var updates = Run(Settings("How do I start the platform?", maxTokens: 3));

        updates[^1].FinishReason.Should().Be(FinishReasons.Length);
        updates[^1].Usage!.CompletionTokens.Should().Be(3);
        TokenCounter.Count(Content(updates)).Should().Be(3);
    }

    [Fact]
    public void Presence_penalty_reduces_repetition()
    {
        var loop = """
            <|user|>Say it
            <|assistant|>the cat sat on the cat sat on the cat sat on the mat with a dog and a bird near the door
            <|end|>
            """;
        var model = TinyCorpus.Train(3, loop);
        var generator = new BuiltinGenerator(model, TokenCounter.Tokenizer);
        string Answer(double presence) => string.Concat(generator
            .Generate(new GenerationSettings(TinyCorpus.Prompt("Say it"), new SamplingOptions(0, 1, 0, presence), 30, []), CancellationToken.None)
            .Select(u => u.Content));

        var plain = Answer(0);
        var penalised = Answer(2);
        static int Repeats(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length - text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct().Count();

        Repeats(penalised).Should().BeLessThan(Repeats(plain));
    }

    [Fact]
    public void Reasoning_model_thinks_before_answering_and_counts_reasoning_tokens()
    {
        var updates = Run(Settings("How do I run the tests?", reasoning: true));

        var firstContent = updates.FindIndex(u => u.Content != null);
        var reasoning = string.Concat(updates.Select(u => u.Reasoning));
        reasoning.Should().Contain("test");
        updates.FindLastIndex(u => u.Reasoning != null).Should().BeLessThan(firstContent);
        Content(updates).Should().Contain("./test.sh");
        var usage = updates[^1].Usage!;
        usage.CompletionTokensDetails!.ReasoningTokens.Should().Be(TokenCounter.Count(reasoning));
        usage.CompletionTokens.Should().Be(usage.CompletionTokensDetails.ReasoningTokens + TokenCounter.Count(Content(updates)));
    }

    [Fact]
    public void Cancellation_stops_generation_at_the_next_token()
    {
        using var cts = new CancellationTokenSource();
        var produced = 0;
        var run = () =>
        {
            foreach (var update in new BuiltinGenerator(Model, TokenCounter.Tokenizer).Generate(Settings("platform", temperature: 1, maxTokens: 1000, seed: 3), cts.Token))
            {
                produced++;
                if (produced == 2)
                {
                    cts.Cancel();
                }
            }
        };

        run.Should().Throw<OperationCanceledException>();
        produced.Should().Be(2);
    }

    [Fact]
    public void Multi_byte_text_is_never_emitted_broken()
    {
        for (var seed = 0; seed < 40; seed++)
        {
            var updates = Run(Settings("中文回答 🎉 très", temperature: 2, maxTokens: 40, seed: seed));
            foreach (var piece in updates.Select(u => u.Content).Where(c => c != null))
            {
                piece.Should().NotContain("\uFFFD");
                var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
                strict.GetString(strict.GetBytes(piece!)).Should().Be(piece, "a piece must not end inside a surrogate pair");
            }
        }
    }
}

public sealed class JsonAnswerFormatTests
{
    [Theory]
    [InlineData(64, null)]
    [InlineData(3, null)]
    [InlineData(64, "./")]
    public void Wrapped_answer_always_parses_as_a_json_object_holding_the_text(int maxTokens, string? stop)
    {
        var model = TinyCorpus.Train();
        var settings = new GenerationSettings(TinyCorpus.Prompt("How do I start the platform?"), new SamplingOptions(0), maxTokens, stop is null ? [] : [stop]);
        var plain = string.Concat(new BuiltinGenerator(model, TokenCounter.Tokenizer).Generate(settings, default).Select(u => u.Content));

        var wrapped = string.Concat(JsonAnswerFormat.Wrap(new BuiltinGenerator(model, TokenCounter.Tokenizer).Generate(settings, default)).Select(u => u.Content));

        using var json = System.Text.Json.JsonDocument.Parse(wrapped);
        json.RootElement.GetProperty("answer").GetString().Should().Be(plain);
    }

    [Fact]
    public void Quotes_and_newlines_in_the_text_are_escaped()
    {
        BackendUpdate[] updates = [new(Content: "say \"hi\"\n"), new(Content: "\\ 中文 🎉"), new(FinishReason: FinishReasons.Stop)];

        var wrapped = string.Concat(JsonAnswerFormat.Wrap(updates).Select(u => u.Content));

        System.Text.Json.JsonDocument.Parse(wrapped).RootElement.GetProperty("answer").GetString().Should().Be("say \"hi\"\n\\ 中文 🎉");
    }
}
