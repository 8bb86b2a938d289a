namespace DeepSeek.Dapr.Inference.Upstream;

/// <summary>Where an upstream's <c>/v1/chat/completions</c> is reached, and what the hop itself needs (sidecar token).</summary>
public interface IUpstreamRouter
{
    Uri ChatCompletionsUri(string endpoint);

    void Prepare(HttpRequestMessage request);
}
