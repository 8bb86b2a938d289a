using System.Text;
using System.Text.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;
using DeepSeek.Dapr.Contracts.OpenAi;
using DeepSeek.Dapr.GatewayAi.Validation;
using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http;

namespace Services.Tests.GatewayAi;

/// <summary>One invalid value per field: the status follows the documented rule (400 format, 422 value) and <c>param</c> names the field.</summary>
public sealed class ChatRequestValidationTests
{
    private const string Valid = """{"model":"deepseek-chat","messages":[{"role":"user","content":"hi"}]""";

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", 400, "model")]
    [InlineData("""{"model":"  ","messages":[{"role":"user","content":"hi"}]}""", 400, "model")]
    [InlineData("""{"model":"deepseek-chat"}""", 400, "messages")]
    [InlineData("""{"model":"deepseek-chat","messages":[]}""", 422, "messages")]
    [InlineData("""{"model":"deepseek-chat","messages":[{"content":"hi"}]}""", 400, "messages[0].role")]
    [InlineData("""{"model":"deepseek-chat","messages":[{"role":"robot","content":"hi"}]}""", 422, "messages[0].role")]
    [InlineData("""{"model":"deepseek-chat","messages":[{"role":"user","content":"a"},{"role":"user"}]}""", 400, "messages[1].content")]
    [InlineData("""{"model":"deepseek-chat","messages":[{"role":"tool","content":"42"}]}""", 400, "messages[0].tool_call_id")]
    [InlineData("""{"model":"deepseek-chat","messages":[{"role":"user","content":[{"type":"audio"}]}]}""", 422, "messages[0].content[0].type")]
    [InlineData("""{"model":"deepseek-chat","messages":[{"role":"user","content":[{"type":"text"}]}]}""", 400, "messages[0].content[0].text")]
    [InlineData(Valid + ""","temperature":2.5}""", 422, "temperature")]
    [InlineData(Valid + ""","temperature":-0.1}""", 422, "temperature")]
    [InlineData(Valid + ""","top_p":0}""", 422, "top_p")]
    [InlineData(Valid + ""","top_p":1.01}""", 422, "top_p")]
    [InlineData(Valid + ""","max_tokens":0}""", 422, "max_tokens")]
    [InlineData(Valid + ""","stop":["1","2","3","4","5","6","7","8","9","10","11","12","13","14","15","16","17"]}""", 422, "stop")]
    [InlineData(Valid + ""","frequency_penalty":2.1}""", 422, "frequency_penalty")]
    [InlineData(Valid + ""","presence_penalty":-3}""", 422, "presence_penalty")]
    [InlineData(Valid + ""","n":2}""", 422, "n")]
    [InlineData(Valid + ""","response_format":{"type":"xml"}}""", 422, "response_format.type")]
    [InlineData(Valid + ""","stream_options":{"include_usage":true}}""", 422, "stream_options")]
    [InlineData(Valid + ""","tools":{"type":"function"}}""", 400, "tools")]
    [InlineData(Valid + ""","tool_choice":3}""", 400, "tool_choice")]
    [InlineData(Valid + ""","conversation_id":"a/b"}""", 422, "conversation_id")]
    public async Task Invalid_field_is_named_in_param(string body, int status, string param)
    {
        var error = await ReadAndValidateAsync(body);

        error.Should().NotBeNull();
        error!.StatusCode.Should().Be(status);
        error.Value.Error.Param.Should().Be(param);
        error.Value.Error.Type.Should().Be(ErrorTypes.InvalidRequest);
        error.Value.Error.Message.Should().Contain(param.Split('[', '.')[0]);
    }

    [Theory]
    [InlineData(Valid + ""","temperature":"hot"}""", "temperature", "a number")]
    [InlineData(Valid + ""","max_tokens":1.5}""", "max_tokens", "an integer")]
    [InlineData(Valid + ""","stream":"yes"}""", "stream", "a boolean")]
    [InlineData(Valid + ""","stop":7}""", "stop", "string or an array")]
    [InlineData("""{"model":"deepseek-chat","messages":[{"role":"user","content":5}]}""", "messages[0].content", "string or an array")]
    [InlineData("""{"model":42,"messages":[]}""", "model", "a string")]
    public async Task Wrong_json_type_is_400_naming_the_field(string body, string param, string expected)
    {
        var error = await ReadAndValidateAsync(body);

        error!.StatusCode.Should().Be(400);
        error.Value.Error.Param.Should().Be(param);
        error.Value.Error.Code.Should().Be("invalid_type");
        error.Value.Error.Message.Should().Contain(expected);
    }

    [Theory]
    [InlineData("{\"model\": ")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    public async Task Malformed_body_is_400_invalid_json(string body)
    {
        var error = await ReadAndValidateAsync(body);

        error!.StatusCode.Should().Be(400);
        error.Value.Error.Code.Should().Be("invalid_json");
    }

    [Fact]
    public async Task Valid_request_with_every_field_passes()
    {
        var body = """
            {"model":"deepseek-chat","messages":[
               {"role":"system","content":"be brief"},
               {"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"http://x"}}]},
               {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
               {"role":"tool","content":"42","tool_call_id":"c1"}],
             "stream":true,"stream_options":{"include_usage":true},"temperature":0,"top_p":1,"max_tokens":16,
             "stop":"\n","seed":7,"response_format":{"type":"json_object"},"frequency_penalty":-2,"presence_penalty":2,
             "user":"u1","n":1,"tools":[],"tool_choice":"auto","conversation_id":"conv-1"}
            """;

        (await ReadAndValidateAsync(body)).Should().BeNull();
    }

    [Fact]
    public void Max_tokens_above_the_model_limit_is_422()
    {
        var request = new ChatCompletionRequest { Model = "m", Messages = [new ChatMessage { Role = "user", Content = "x" }], MaxTokens = 2048 };
        var model = new ModelDescriptor { Id = "m", MaxOutputTokens = 1024, Backend = new ModelBackend { Kind = BackendKinds.Builtin } };

        var error = ChatRequestValidator.ValidateAgainstModel(request, model);

        error!.StatusCode.Should().Be(422);
        error.Value.Error.Param.Should().Be("max_tokens");
        error.Value.Error.Message.Should().Contain("1024");
    }

    [Fact]
    public async Task Error_serialises_in_the_OpenAI_shape()
    {
        var error = await ReadAndValidateAsync(Valid + ""","n":3}""");
        var json = JsonSerializer.Serialize(error!.Value, ContractsJsonContext.Default.ErrorResponse);

        using var doc = JsonDocument.Parse(json);
        var body = doc.RootElement.GetProperty("error");
        body.GetProperty("message").GetString().Should().NotBeNullOrEmpty();
        body.GetProperty("type").GetString().Should().Be("invalid_request_error");
        body.GetProperty("param").GetString().Should().Be("n");
        body.GetProperty("code").GetString().Should().Be("invalid_parameter");
    }

    private static async Task<OpenAiErrorResult?> ReadAndValidateAsync(string body)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        var (request, error) = await ChatRequestReader.ReadAsync(context.Request, CancellationToken.None);
        return error ?? ChatRequestValidator.Validate(request!);
    }
}
