using System.Net.Http.Json;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.Internal;

namespace FaultBench;

/// <summary>
/// The keys the load uses: the bootstrap key and a few more for the same user, created through auth's internal API
/// by way of a sidecar (service invocation, as gateway-platform would). The suite uses every one of them before the
/// first fault, so each gateway-ai instance holds a positive decision for each when auth or users go down.
/// </summary>
internal static class KnownKeys
{
    public static async Task<IReadOnlyList<string>> CreateAsync(HttpClient http, Uri sidecar, string bootstrapKey, int extra)
    {
        var owner = await OwnerOfAsync(http, sidecar, bootstrapKey);
        var keys = new List<string> { bootstrapKey };
        for (var i = 1; i <= extra; i++)
        {
            using var response = await http.PostAsync(new Uri(sidecar, "/v1.0/invoke/auth/method/internal/keys"),
                JsonContent.Create(new CreateApiKeyRequest(owner, $"fault-suite-{i}"), ContractsJsonContext.Default.CreateApiKeyRequest));
            await EnsureSuccessAsync(response, "creating a key");
            var created = await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.CreatedApiKey)
                ?? throw new InvalidOperationException("auth answered an empty key");
            keys.Add(created.ApiKey);
        }

        return keys;
    }

    private static async Task<string> OwnerOfAsync(HttpClient http, Uri sidecar, string apiKey)
    {
        using var response = await http.PostAsync(new Uri(sidecar, "/v1.0/invoke/auth/method/internal/keys/verify"),
            JsonContent.Create(new KeyVerificationRequest(apiKey), ContractsJsonContext.Default.KeyVerificationRequest));
        await EnsureSuccessAsync(response, "verifying the bootstrap key");
        var result = await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.KeyVerificationResult);
        return result is { Valid: true, UserId: { } user } ? user : throw new InvalidOperationException($"auth refused the bootstrap key ({result?.Reason})");
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what} through the sidecar answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
