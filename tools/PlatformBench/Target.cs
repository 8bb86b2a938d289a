namespace PlatformBench;

/// <summary>Where a target takes chat requests: URL, the model name it expects, and the headers it needs.</summary>
internal sealed record ChatEndpoint(Uri Url, string Model, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// One thing measured: the upstream reached directly, through Portkey, or through our platform. <see cref="Fast"/>
/// leads to the upstream answering at once, <see cref="Stream"/> to the one streaming at a fixed token rate.
/// </summary>
internal sealed record Target(string Name, ChatEndpoint Fast, ChatEndpoint Stream, Func<Task<IReadOnlyList<ProcessMemory>>> ReadMemory)
{
    public const string Direct = "direct";
    public const string Portkey = "portkey";
    public const string Platform = "platform";
    public const string BareKestrel = "bare-kestrel";
}
