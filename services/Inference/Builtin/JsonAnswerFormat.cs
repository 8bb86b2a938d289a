using System.Text.Encodings.Web;
using System.Text.Json;
using DeepSeek.Dapr.Inference.Backends;

namespace DeepSeek.Dapr.Inference.Builtin;

/// <summary>
/// <c>response_format: json_object</c> for the built-in model, which generates prose, not JSON: the answer is streamed
/// as the string value of <c>{"answer": "..."}</c>, escaped piece by piece, so the concatenated content always
/// parses as one JSON object whatever the model wrote (and wherever a stop sequence or max_tokens cut it).
/// </summary>
public static class JsonAnswerFormat
{
    public const string Prefix = "{\"answer\": \"";
    public const string Suffix = "\"}";

    public static IEnumerable<BackendUpdate> Wrap(IEnumerable<BackendUpdate> updates)
    {
        var opened = false;
        foreach (var update in updates)
        {
            var content = update.Content is { Length: > 0 } text ? Escape(text) : null;
            if (content is not null && !opened)
            {
                content = Prefix + content;
                opened = true;
            }

            if (update.FinishReason is not null)
            {
                content = (content ?? (opened ? string.Empty : Prefix)) + Suffix;
            }

            yield return update with { Content = content };
        }
    }

    private static string Escape(string text) => JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();
}
