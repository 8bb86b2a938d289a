using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Tests.Infrastructure;
using static Platform.Tests.Infrastructure.ApiAssertions;

namespace Platform.Tests;

/// <summary>Every invalid field gets 400/422 in the OpenAI error shape, with <c>param</c> naming the field.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ValidationTests(PlatformFixture platform)
{
    private const string User = """{"role":"user","content":"Hello"}""";

    /// <summary>A valid body (deepseek-chat, one user message) plus <paramref name="extraFields"/> (",\"name\":value...").</summary>
    private static string WithUser(string extraFields) => "{\"model\":\"deepseek-chat\",\"messages\":[" + User + "]" + extraFields + "}";

    public static TheoryData<string, string, string> InvalidBodies => new()
    {
        { "model missing", $$"""{"messages":[{{User}}]}""", "model" },
        { "messages missing", """{"model":"deepseek-chat"}""", "messages" },
        { "messages empty", """{"model":"deepseek-chat","messages":[]}""", "messages" },
        { "bad role", """{"model":"deepseek-chat","messages":[{"role":"wizard","content":"Hello"}]}""", "messages[0].role" },
        { "temperature 3", WithUser(""","temperature":3"""), "temperature" },
        { "top_p 0", WithUser(""","top_p":0"""), "top_p" },
        { "max_tokens 0", WithUser(""","max_tokens":0"""), "max_tokens" },
        { "stop with 17 entries", WithUser($$""","stop":[{{string.Join(',', Enumerable.Range(1, 17).Select(i => $"\"s{i}\""))}}]"""), "stop" },
        { "n 2", WithUser(""","n":2"""), "n" },
        { "response_format bad type", WithUser(""","response_format":{"type":"xml"}"""), "response_format" },
        { "frequency_penalty 5", WithUser(""","frequency_penalty":5"""), "frequency_penalty" },
        { "presence_penalty -3", WithUser(""","presence_penalty":-3"""), "presence_penalty" },
        { "stream_options without stream", WithUser(""","stream_options":{"include_usage":true}"""), "stream_options" },
        { "temperature of the wrong type", WithUser(",\"temperature\":\"hot\""), "temperature" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task An_invalid_field_is_rejected_naming_the_field(string because, string json, string param)
    {
        using var response = await SendRawAsync(json);
        var error = await ReadErrorAsync(response, HttpStatusCode.BadRequest, HttpStatusCode.UnprocessableEntity);

        error["param"]!.GetValue<string>().Should().StartWith(param, because);
        error["type"]!.GetValue<string>().Should().Be("invalid_request_error");
    }

    [Theory]
    [InlineData("{\"model\": \"deepseek-chat\", \"messages\": [")]
    [InlineData("not json at all")]
    public async Task Invalid_json_is_400_in_the_error_shape(string json)
    {
        using var response = await SendRawAsync(json);
        var error = await ReadErrorAsync(response, HttpStatusCode.BadRequest);

        error["type"]!.GetValue<string>().Should().Be("invalid_request_error");
    }

    [Fact]
    public async Task A_valid_request_with_every_parameter_is_accepted()
    {
        var body = JsonNode.Parse("""
            {"model":"deepseek-chat","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Hello"}]}],
             "temperature":0.7,"top_p":0.9,"max_tokens":16,"stop":["\n\n"],"seed":7,"response_format":{"type":"text"},
             "frequency_penalty":0.5,"presence_penalty":-0.5,"user":"platform-tests","n":1}
            """)!;

        using var response = await platform.PostChatAsync(body);

        (await ReadJsonAsync(response, HttpStatusCode.OK))["object"]!.GetValue<string>().Should().Be("chat.completion");
    }

    private Task<HttpResponseMessage> SendRawAsync(string json)
    {
        var request = PlatformFixture.Request(HttpMethod.Post, "/v1/chat/completions");
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return platform.Http.SendAsync(request);
    }
}
