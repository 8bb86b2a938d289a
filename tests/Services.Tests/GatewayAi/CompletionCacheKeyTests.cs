using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.GatewayAi.Caching;

namespace Services.Tests.GatewayAi;

public sealed class CompletionCacheKeyTests
{
    private const string Base = """{"model":"deepseek-chat","messages":[{"role":"system","content":"s"},{"role":"user","content":"hello"}],"temperature":0""";

    [Fact]
    public void Equal_requests_give_equal_keys()
    {
        Key(Base + "}").Should().Be(Key(Base + "}"));
    }

    [Fact]
    public void Defaults_spelled_out_give_the_same_key_as_defaults_left_out()
    {
        Key(Base + ""","top_p":1,"frequency_penalty":0,"presence_penalty":0,"response_format":{"type":"text"}}""")
            .Should().Be(Key(Base + "}"));
    }

    [Fact]
    public void Stream_flag_and_user_do_not_change_the_key()
    {
        Key(Base + ""","stream":true,"stream_options":{"include_usage":true},"user":"u"}""").Should().Be(Key(Base + "}"));
    }

    [Fact]
    public void Key_order_inside_tools_does_not_matter()
    {
        var a = Key(Base + ""","tools":[{"type":"function","function":{"name":"f","parameters":{"a":1,"b":2}}}]}""");
        var b = Key(Base + ""","tools":[{"function":{"parameters":{"b":2,"a":1},"name":"f"},"type":"function"}]}""");
        a.Should().Be(b);
    }

    [Fact]
    public void The_resolved_model_decides_not_the_alias()
    {
        var request = Parse(Base + "}");
        CompletionCacheKey.Compute(request, "deepseek-chat").Should().NotBe(CompletionCacheKey.Compute(request, "deepseek-reasoner"));
    }

    [Theory]
    [InlineData(""","top_p":0.9""")]
    [InlineData(""","max_tokens":10""")]
    [InlineData(",\"stop\":\"x\"")]
    [InlineData(""","seed":1""")]
    [InlineData(""","response_format":{"type":"json_object"}""")]
    [InlineData(""","frequency_penalty":0.5""")]
    [InlineData(""","presence_penalty":0.5""")]
    [InlineData(""","tools":[]""")]
    [InlineData(",\"tool_choice\":\"none\"")]
    public void Any_sampling_parameter_changes_the_key(string extra)
    {
        Key(Base + extra + "}").Should().NotBe(Key(Base + "}"));
    }

    [Fact]
    public void Message_changes_change_the_key()
    {
        var other = Base.Replace("hello", "hello!", StringComparison.Ordinal);
        Key(other + "}").Should().NotBe(Key(Base + "}"));
        Key(Base.Replace("\"system\"", "\"user\"", StringComparison.Ordinal) + "}").Should().NotBe(Key(Base + "}"));
    }

    [Fact]
    public void Temperature_changes_the_key()
    {
        Key(Base.Replace("\"temperature\":0", "\"temperature\":0,\"seed\":3", StringComparison.Ordinal) + "}")
            .Should().NotBe(Key(Base.Replace("\"temperature\":0", "\"temperature\":1,\"seed\":3", StringComparison.Ordinal) + "}"));
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[],"temperature":0}""", true)]
    [InlineData("""{"model":"m","messages":[],"temperature":0.7,"seed":42}""", true)]
    [InlineData("""{"model":"m","messages":[],"seed":42}""", true)]
    [InlineData("""{"model":"m","messages":[],"temperature":0.7}""", false)]
    [InlineData("""{"model":"m","messages":[]}""", false)]
    [InlineData("""{"model":"m","messages":[],"temperature":0,"conversation_id":"c1"}""", false)]
    public void Only_reproducible_requests_are_cacheable(string json, bool cacheable)
    {
        CompletionCacheKey.IsCacheable(Parse(json)).Should().Be(cacheable);
    }

    private static string Key(string json) => CompletionCacheKey.Compute(Parse(json), "deepseek-chat");

    private static ChatCompletionRequest Parse(string json) =>
        JsonSerializer.Deserialize(json, ContractsJsonContext.Default.ChatCompletionRequest)!;
}
