using System.Net;

namespace FaultBench;

/// <summary>What one reply amounted to (see <see cref="Outcome"/>).</summary>
internal readonly record struct Verdict(int Status, Outcome Outcome, bool OwesUsage, bool UsageUncertain, bool BadDegraded, string? Fallback, string? Error);

/// <summary>
/// Sends one request and reads its reply to the end, as a client would: a complete reply must carry <c>choices</c>;
/// a stream must end with <c>data: [DONE]</c> (an error event before it makes it interrupted, a missing
/// <c>[DONE]</c> makes it failed); a 503 counts as degraded only with every mark the design promises.
/// </summary>
internal static class ReplyReader
{
    private const string FallbackHeader = "X-Fallback";
    private const string DegradedKind = "degraded";
    private const string ShedHeader = "X-Shed";

    /// <param name="timeout">For the whole exchange, body included (HttpClient's own timeout ends with the headers).</param>
    public static async Task<Verdict> SendAsync(HttpClient http, HttpRequestMessage request, bool streamed, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var ct = deadline.Token;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = (int)response.StatusCode;
            var fallback = response.Headers.TryGetValues(FallbackHeader, out var values) ? string.Join(",", values) : null;
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return streamed ? await ReadStreamAsync(response, fallback, ct) : await ReadCompleteAsync(response, fallback, ct);
            }

            var body = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.TryGetValues(ShedHeader, out var shedBy))
            {
                return response.Headers.RetryAfter is not null && body.Contains("\"error\"", StringComparison.Ordinal)
                    ? new Verdict(status, Outcome.Shed, false, false, false, fallback, $"shed by {string.Join(",", shedBy)}")
                    : new Verdict(status, Outcome.Failed, false, false, true, fallback, $"shed 503 without Retry-After or an OpenAI error body: {Trim(body)}");
            }

            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                var marked = fallback?.Contains(DegradedKind, StringComparison.Ordinal) == true
                    && response.Headers.RetryAfter is not null
                    && body.Contains("\"error\"", StringComparison.Ordinal);
                return marked
                    ? new Verdict(status, Outcome.Degraded, false, false, false, fallback, null)
                    : new Verdict(status, Outcome.Failed, false, false, true, fallback, $"503 without the degraded marks (X-Fallback '{fallback}', Retry-After {(response.Headers.RetryAfter is null ? "missing" : "set")}): {Trim(body)}");
            }

            return new Verdict(status, Outcome.Failed, false, false, false, fallback, $"{status}: {Trim(body)}");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return new Verdict(0, Outcome.Failed, false, true, false, null, $"no complete reply within {timeout.TotalSeconds} s");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return new Verdict(0, Outcome.Failed, false, false, false, null, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private static async Task<Verdict> ReadCompleteAsync(HttpResponseMessage response, string? fallback, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        return body.Contains("\"choices\"", StringComparison.Ordinal)
            ? new Verdict(200, fallback is null ? Outcome.Served : Outcome.FallbackServed, true, false, false, fallback, null)
            : new Verdict(200, Outcome.Failed, false, true, false, fallback, $"200 without choices: {Trim(body)}");
    }

    private static async Task<Verdict> ReadStreamAsync(HttpResponseMessage response, string? fallback, CancellationToken ct)
    {
        var errorEvent = (string?)null;
        try
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (line.StartsWith("data: [DONE]", StringComparison.Ordinal))
                {
                    return errorEvent is null
                        ? new Verdict(200, fallback is null ? Outcome.Served : Outcome.FallbackServed, true, false, false, fallback, null)
                        : new Verdict(200, Outcome.Interrupted, true, false, false, fallback, $"stream error event: {Trim(errorEvent)}");
                }

                if (line.StartsWith("data: {\"error\"", StringComparison.Ordinal))
                {
                    errorEvent = line;
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return new Verdict(200, Outcome.Failed, false, true, false, fallback, $"stream broke: {ex.Message}");
        }

        return new Verdict(200, Outcome.Failed, false, true, false, fallback, "stream ended without data: [DONE]");
    }

    private static string Trim(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
