using System.Net.Http.Headers;
using System.Text;

namespace FaultBench;

/// <summary>What one request of the mix is.</summary>
internal enum RequestKind : byte
{
    /// <summary>Unique prompt, temperature above 0: no cache may answer it.</summary>
    Miss,

    /// <summary>The same reproducible request for the model every time: answered from the response cache after the first.</summary>
    Hit,

    /// <summary>A streamed cache miss with the usage chunk.</summary>
    Stream,

    /// <summary>A cache miss in a new conversation, so chat is on the path.</summary>
    Conversation,
}

/// <summary>
/// The request mix, decided by the request's index so every run sends the same mix: of ten requests five are
/// complete misses, two cache hits, two streamed and one in a conversation. Each request uses one of the known keys at random.
/// </summary>
internal static class ChatMix
{
    public static RequestKind KindOf(long index) => (index % 10) switch
    {
        < 5 => RequestKind.Miss,
        < 7 => RequestKind.Hit,
        < 9 => RequestKind.Stream,
        _ => RequestKind.Conversation,
    };

    public static HttpRequestMessage Build(Uri chatUrl, long index, string model, string apiKey)
    {
        var json = KindOf(index) switch
        {
            RequestKind.Hit => $$"""{"model":"{{model}}","messages":[{"role":"user","content":"fault suite: the same question every time"}],"temperature":0,"max_tokens":16}""",
            RequestKind.Stream => $$$"""{"model":"{{{model}}}","messages":[{"role":"user","content":"fault suite stream {{{index}}}"}],"temperature":0.7,"max_tokens":16,"stream":true,"stream_options":{"include_usage":true}}""",
            RequestKind.Conversation => $$"""{"model":"{{model}}","conversation_id":"fault-suite-{{index}}","messages":[{"role":"user","content":"fault suite conversation {{index}}"}],"temperature":0.7,"max_tokens":16}""",
            _ => $$"""{"model":"{{model}}","messages":[{"role":"user","content":"fault suite question {{index}}"}],"temperature":0.7,"max_tokens":16}""",
        };
        var request = new HttpRequestMessage(HttpMethod.Post, chatUrl)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return request;
    }
}
