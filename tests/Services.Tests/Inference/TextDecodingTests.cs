using DeepSeek.Dapr.Inference.Builtin;
using DeepSeek.Dapr.ServiceDefaults.Tokens;

namespace Services.Tests.Inference;

public sealed class TextDecodingTests
{
    [Theory]
    [InlineData("plain ascii text")]
    [InlineData("déjà vu, très où")]
    [InlineData("中文回答也可以，模型会生成中文。")]
    [InlineData("emoji 🎉🚀 and 👩‍👩‍👧 family")]
    public void Token_by_token_decoding_rebuilds_the_text_without_broken_characters(string text)
    {
        var decoder = new TokenTextDecoder(TokenCounter.Tokenizer);
        var pieces = TokenCounter.Tokenizer.EncodeToIds(text).Select(decoder.Append).ToList();

        string.Concat(pieces).Should().Be(text);
        pieces.Should().NotContain(p => p.Contains('\uFFFD'));
    }

    [Fact]
    public void Markers_decode_to_nothing()
    {
        new TokenTextDecoder(TokenCounter.Tokenizer).Append(SpecialTokens.End).Should().BeEmpty();
    }

    [Fact]
    public void Stop_filter_holds_back_a_possible_prefix_and_releases_it_when_no_match_follows()
    {
        var filter = new StopSequenceFilter(["END"]);

        filter.Push("abc E").Should().Be("abc ");
        filter.Push("N").Should().BeEmpty();
        filter.Push("x").Should().Be("ENx");
        filter.Push(" E").Should().Be(" ");
        filter.Flush().Should().Be("E");
        filter.Stopped.Should().BeFalse();
    }

    [Fact]
    public void Stop_filter_cuts_at_the_earliest_of_several_sequences_across_pieces()
    {
        var filter = new StopSequenceFilter(["world", "lo w"]);

        filter.Push("hel").Should().Be("he", "a trailing 'l' could start 'lo w'");
        filter.Push("lo wor").Should().Be("l");
        filter.Stopped.Should().BeTrue();
        filter.Push("ld").Should().BeEmpty();
        filter.Flush().Should().BeEmpty();
    }
}
