using System.Text.RegularExpressions;
using DeepSeek.Dapr.Auth.Keys;

namespace Services.Tests.Auth;

public sealed class ApiKeyFormatTests
{
    [Fact]
    public void Generated_keys_have_the_documented_shape_and_parse_back()
    {
        var keys = Enumerable.Range(0, 200).Select(_ => ApiKeyFormat.Generate()).ToList();

        keys.Should().OnlyContain(k => Regex.IsMatch(k, "^sk-[a-z0-9]{8}_[A-Za-z0-9]{40}$"));
        keys.Should().OnlyHaveUniqueItems();
        ApiKeyFormat.TryParse(keys[0], out var parsed).Should().BeTrue();
        parsed!.Value.Prefix.Should().Be(keys[0][3..11]);
        parsed.Value.Secret.Should().Be(keys[0][12..]);
    }

    [Theory]
    [InlineData("sk-abcdefgh_0123456789abcdef0123456789abcdef", true)]
    [InlineData("sk-abcdefgh_0123456789abcdef0123456789ab-_EF", true)]
    [InlineData("sk-abcdefgh_0123456789abcdef0123456789abcde", false)] // 31-char secret
    [InlineData("sk-ABCDEFGH_0123456789abcdef0123456789abcdef", false)] // upper-case prefix
    [InlineData("sk-abcdefg_h0123456789abcdef0123456789abcdef", false)] // 7-char prefix
    [InlineData("pk-abcdefgh_0123456789abcdef0123456789abcdef", false)] // wrong scheme
    [InlineData("sk-abcdefgh-0123456789abcdef0123456789abcdef", false)] // wrong separator
    [InlineData("sk-abcdefgh_0123456789abcdef0123456789abcde!", false)] // bad secret char
    [InlineData("Bearer sk-abcdefgh_0123456789abcdef0123456789abcdef", false)]
    [InlineData("", false)]
    public void Parsing_accepts_only_well_formed_keys(string key, bool valid)
    {
        ApiKeyFormat.TryParse(key, out _).Should().Be(valid);
    }

    [Fact]
    public void Secrets_longer_than_the_maximum_are_malformed()
    {
        ApiKeyFormat.TryParse("sk-abcdefgh_" + new string('a', 256), out _).Should().BeTrue();
        ApiKeyFormat.TryParse("sk-abcdefgh_" + new string('a', 257), out _).Should().BeFalse();
    }
}
