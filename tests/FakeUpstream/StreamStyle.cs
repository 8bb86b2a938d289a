namespace FakeUpstream;

/// <summary>Where the usage of a streamed completion travels, as the two families of servers do it.</summary>
public enum StreamStyle
{
    /// <summary>OpenAI (and vLLM): a separate final chunk with empty <c>choices</c>, only when <c>stream_options.include_usage</c> is set.</summary>
    OpenAi,

    /// <summary>DeepSeek's API: usage rides on the last chunk, the one with <c>finish_reason</c>, always.</summary>
    DeepSeek,
}
