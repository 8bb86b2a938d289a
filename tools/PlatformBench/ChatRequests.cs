using System.Net.Http.Headers;
using System.Text;

namespace PlatformBench;

/// <summary>
/// The request bodies of the scenarios, built as bytes once per request with no serializer in the way: a cache miss
/// (prompt unique per request, temperature above 0, no seed, so no cache may answer it), a cache hit (the same
/// reproducible request every time) and a stream.
/// </summary>
internal static class ChatRequests
{
    private static long _sequence;

    public static HttpRequestMessage Miss(ChatEndpoint endpoint) =>
        Build(endpoint, $$"""{"model":"{{endpoint.Model}}","messages":[{"role":"user","content":"benchmark question {{Next()}}: what does the gateway add?"}],"temperature":0.7,"max_tokens":32}""");

    public static HttpRequestMessage Hit(ChatEndpoint endpoint) =>
        Build(endpoint, $$"""{"model":"{{endpoint.Model}}","messages":[{"role":"user","content":"benchmark question: the same one every time"}],"temperature":0,"max_tokens":32}""");

    public static HttpRequestMessage Stream(ChatEndpoint endpoint) =>
        Build(endpoint, $$$"""{"model":"{{{endpoint.Model}}}","messages":[{"role":"user","content":"benchmark stream {{{Next()}}}"}],"temperature":0.7,"stream":true,"stream_options":{"include_usage":true}}""");

    private static long Next() => Interlocked.Increment(ref _sequence);

    private static HttpRequestMessage Build(ChatEndpoint endpoint, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        foreach (var (name, value) in endpoint.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (endpoint.Keys is { Count: > 0 } keys)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys[(int)(Next() % keys.Count)]);
        }

        return request;
    }
}
