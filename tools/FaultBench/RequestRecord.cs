namespace FaultBench;

/// <summary>How one request ended, from the client's side.</summary>
internal enum Outcome : byte
{
    /// <summary>2xx, complete, no fallback.</summary>
    Served,

    /// <summary>2xx, complete, with an <c>X-Fallback</c> header (auth-cache, model-failover).</summary>
    FallbackServed,

    /// <summary>The expected degraded reply: 503 with <c>X-Fallback: degraded</c>, <c>Retry-After</c> and an OpenAI error body.</summary>
    Degraded,

    /// <summary>A stream that had started (200) and ended with an error event and <c>[DONE]</c>: handled, but not an answer.</summary>
    Interrupted,

    /// <summary>Anything else: another status, a 503 without the degraded marks, a transport error, a cut stream, a timeout.</summary>
    Failed,

    /// <summary>
    /// Refused by the router's admission control: 503 with <c>X-Shed</c>, <c>Retry-After</c> and an OpenAI error body.
    /// Told apart from failures so overload shows as overload, but never served: it counts against every target.
    /// </summary>
    Shed,
}

/// <summary>One request of the run (a struct in one big array: recording never allocates or locks).</summary>
internal struct RequestRecord
{
    /// <summary>Seconds from the start of the load to the moment the request was sent.</summary>
    public double SentAt;

    public double LatencyMs;

    /// <summary>Index of the fault phase the request was sent in; -1 for the warm-up.</summary>
    public int Phase;

    public RequestKind Kind;

    /// <summary>HTTP status; 0 when no reply came (transport error or client timeout).</summary>
    public int Status;

    public Outcome Outcome;

    /// <summary>The request was answered 200 and read to its end: one usage event is owed for it.</summary>
    public bool OwesUsage;

    /// <summary>200 whose body broke off: a usage event may or may not have been published.</summary>
    public bool UsageUncertain;

    /// <summary>A 503 that lacked <c>X-Fallback: degraded</c> or <c>Retry-After</c>.</summary>
    public bool BadDegraded;

    public bool Done;

    /// <summary>The <c>X-Fallback</c> values, comma-separated; null without one.</summary>
    public string? Fallback;

    /// <summary>What went wrong, for the notes (first few per phase).</summary>
    public string? Error;
}
