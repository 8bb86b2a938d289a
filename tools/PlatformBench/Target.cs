namespace PlatformBench;

/// <summary>
/// Where a target takes chat requests: URL, the model name it expects, and the headers it needs. With
/// <paramref name="Keys"/>, each request carries the next of these API keys in turn (a load spread over users).
/// </summary>
internal sealed record ChatEndpoint(Uri Url, string Model, IReadOnlyDictionary<string, string> Headers, IReadOnlyList<string>? Keys = null);

/// <summary>
/// One thing measured: the upstream reached directly, through Portkey, or through our platform. <see cref="Fast"/>
/// leads to the upstream answering at once, <see cref="Stream"/> to the one streaming at a fixed token rate.
/// </summary>
internal sealed record Target(string Name, ChatEndpoint Fast, ChatEndpoint Stream, Func<Task<IReadOnlyList<ProcessMemory>>> ReadMemory)
{
    public const string Direct = "direct";
    public const string Portkey = "portkey";
    public const string Platform = "platform";
    public const string PlatformUsers = "platform, 8 users";
    public const string BareKestrel = "bare-kestrel";

    /// <summary>How many users (one key each) <see cref="PlatformUsers"/> spreads its requests over.</summary>
    public const int SpreadUsers = 8;

    /// <summary>One colour per target, the same in both charts.</summary>
    public static readonly IReadOnlyDictionary<string, string> Colours = new Dictionary<string, string>
    {
        [Direct] = "#6c757d",
        [Portkey] = "#e07b39",
        [Platform] = "#2f6fd6",
        [PlatformUsers] = "#8fb3ee",
        [BareKestrel] = "#3a9d5d",
    };
}
