using DeepSeek.Dapr.Inference.Builtin;
using DeepSeek.Dapr.ServiceDefaults.Tokens;

namespace Services.Tests.Inference;

public sealed class NGramModelTests
{
    private static int[] Local(NGramModel model, string text) =>
        TokenCounter.Tokenizer.EncodeToIds(text).Select(model.LocalOf).ToArray();

    [Fact]
    public void Seen_continuation_is_more_probable_than_an_unseen_one()
    {
        var model = TinyCorpus.Train();
        var history = Local(model, "The router listens on");
        var seen = TokenCounter.Tokenizer.EncodeToIds(" port")[0];
        var unseen = TokenCounter.Tokenizer.EncodeToIds(" gateways")[0];

        model.Probability(history, seen).Should().BeGreaterThan(0.5);
        model.Probability(history, seen).Should().BeGreaterThan(10 * model.Probability(history, unseen));
        model.Probability(history, unseen).Should().BeGreaterThan(0, "smoothing keeps every known token possible");
    }

    [Fact]
    public void Distribution_sums_to_one_for_seen_and_unseen_contexts()
    {
        var model = TinyCorpus.Train();
        var probabilities = new double[model.VocabularySize];
        foreach (var history in new[] { Local(model, "The router listens on"), Local(model, " gateways router port"), Array.Empty<int>() })
        {
            model.Predict(history, probabilities);
            probabilities.Sum().Should().BeApproximately(1.0, 1e-9);
            probabilities.Should().OnlyContain(p => p > 0);
        }
    }

    [Fact]
    public void Answer_start_follows_the_assistant_marker_of_the_matching_question()
    {
        var model = TinyCorpus.Train();
        var history = new[] { model.LocalOf(SpecialTokens.User) }
            .Concat(Local(model, "How do I start the platform?"))
            .Append(model.LocalOf(SpecialTokens.Assistant))
            .ToArray();

        model.Probability(history, TokenCounter.Tokenizer.EncodeToIds("Run")[0]).Should().BeGreaterThan(0.5);
    }

    [Fact]
    public void Saved_model_loads_with_identical_probabilities()
    {
        var model = TinyCorpus.Train();
        using var file = new MemoryStream();
        NGramModelSerializer.Save(model, file);
        file.Position = 0;
        var loaded = NGramModelSerializer.Load(file);

        loaded.CorpusHash.Should().Be(model.CorpusHash);
        loaded.Vocabulary.Should().Equal(model.Vocabulary);
        var history = Local(model, "It listens on port");
        var expected = new double[model.VocabularySize];
        var actual = new double[loaded.VocabularySize];
        model.Predict(history, expected);
        loaded.Predict(history, actual);
        actual.Should().Equal(expected);
    }

    [Fact]
    public void Corrupt_model_file_is_rejected_with_a_clear_error()
    {
        using var file = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write("not a model at all"u8);
        }

        file.Position = 0;
        var load = () => NGramModelSerializer.Load(file);
        load.Should().Throw<InvalidDataException>();
    }
}
