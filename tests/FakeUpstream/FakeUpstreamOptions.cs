using System.Globalization;

namespace FakeUpstream;

/// <summary>How the fake behaves: what it answers, how fast, and in which stream style.</summary>
public sealed record FakeUpstreamOptions
{
    public const string DefaultReply = "Hello from the fake upstream. It answers every request with this fixed reply.";

    /// <summary>The assistant reply, split into word tokens when streamed.</summary>
    public string Reply { get; init; } = DefaultReply;

    /// <summary>Pause before each streamed token (ignored when <see cref="TokensPerSecond"/> is set).</summary>
    public TimeSpan TokenDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Token rate of a stream; overrides <see cref="TokenDelay"/>.</summary>
    public double? TokensPerSecond { get; init; }

    public StreamStyle Style { get; init; } = StreamStyle.OpenAi;

    /// <summary>An SSE comment line (<c>: keep-alive</c>) goes out before the first chunk and after every this many chunks.</summary>
    public int KeepAliveEvery { get; init; } = 3;

    public TimeSpan EffectiveTokenDelay =>
        TokensPerSecond is > 0 and var rate ? TimeSpan.FromSeconds(1 / rate) : TokenDelay;

    /// <summary>Reads <c>--port</c>, <c>--delay-ms</c>, <c>--tokens-per-second</c>, <c>--style</c>, <c>--reply</c>.</summary>
    public static (FakeUpstreamOptions Options, int Port) Parse(IReadOnlyList<string> args)
    {
        var options = new FakeUpstreamOptions();
        var port = 5199;
        for (var i = 0; i < args.Count; i += 2)
        {
            var name = args[i];
            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{name} needs a value");
            switch (name)
            {
                case "--port":
                    port = (int)ParseNumber(name, value);
                    break;
                case "--delay-ms":
                    options = options with { TokenDelay = TimeSpan.FromMilliseconds(ParseNumber(name, value)) };
                    break;
                case "--tokens-per-second":
                    options = options with { TokensPerSecond = ParseNumber(name, value) };
                    break;
                case "--style":
                    options = options with { Style = ParseStyle(value) };
                    break;
                case "--reply":
                    options = options with { Reply = value };
                    break;
                default:
                    throw new ArgumentException($"unknown option {name}; known: --port, --delay-ms, --tokens-per-second, --style openai|deepseek, --reply");
            }
        }

        return (options, port);
    }

    public static StreamStyle ParseStyle(string value) => value.ToLowerInvariant() switch
    {
        "openai" => StreamStyle.OpenAi,
        "deepseek" => StreamStyle.DeepSeek,
        _ => throw new ArgumentException($"--style must be openai or deepseek, not '{value}'"),
    };

    private static double ParseNumber(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= 0
            ? number
            : throw new ArgumentException($"{name} must be a non-negative number, not '{value}'");
}
