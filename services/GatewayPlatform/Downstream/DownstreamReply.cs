using DeepSeek.Dapr.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.GatewayPlatform.Downstream;

/// <summary>What an internal API answered: its value, or the public error to give instead (its 4xx, or a 503).</summary>
public readonly record struct DownstreamReply<T>(T? Value, OpenAiErrorResult? Error)
{
    public static DownstreamReply<T> Success(T value) => new(value, null);

    public static DownstreamReply<T> Failure(OpenAiErrorResult error) => new(default, error);

    public Results<Ok<T>, OpenAiErrorResult> ToOk() => Error is { } error ? error : TypedResults.Ok(Value!);
}
