using System.Diagnostics;
using System.Net;
using System.Text;
using DeepSeek.Dapr.Contracts;
using Platform.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Platform.Tests;

/// <summary>
/// A model registered at runtime is seen by every gateway-ai instance at once: models publishes <c>model-updated</c>
/// on the <c>broadcast</c> pub/sub, and each instance drops the descriptors it remembers (an unknown name is
/// otherwise remembered as unknown for <c>GatewayAi:Models:FreshSeconds</c>, 5 s).
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ModelChangeTests(PlatformFixture platform, ITestOutputHelper output)
{
    private static readonly TimeSpan WellBeforeFreshWindowEnds = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task A_registered_model_is_known_to_every_gateway_instance_before_its_cached_absence_expires()
    {
        var id = $"runtime-{Guid.NewGuid():N}"[..20];
        var instances = platform.AppPorts(AppIds.GatewayAi);
        instances.Should().HaveCount(2, "dapr.yaml runs two gateway-ai instances");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        foreach (var port in instances)
        {
            using var unknown = await GetModelAsync(http, port, id);
            unknown.StatusCode.Should().Be(HttpStatusCode.NotFound, "the model does not exist yet, and each instance now remembers that");
        }

        var registered = Stopwatch.StartNew();
        var body = $$$"""{"id":"{{{id}}}","backend":{"kind":"openai","endpoint":"{{{platform.UpstreamOpenAi.BaseUrl}}}"}}""";
        using (var put = await http.PutAsync(
            $"http://127.0.0.1:{platform.SidecarHttpPort(AppIds.GatewayPlatform)}/v1.0/invoke/models/method/internal/models/{id}",
            new StringContent(body, Encoding.UTF8, "application/json")))
        {
            put.StatusCode.Should().Be(HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        }

        foreach (var port in instances)
        {
            var known = await Eventually.TrueWithinAsync(WellBeforeFreshWindowEnds - registered.Elapsed, async () =>
            {
                using var reply = await GetModelAsync(http, port, id);
                return reply.StatusCode == HttpStatusCode.OK;
            });
            known.Should().BeTrue($"the instance on port {port} must drop its remembered 404 on model-updated, not wait out the fresh window");
            output.WriteLine($"gateway-ai on port {port} knows {id} {registered.ElapsedMilliseconds} ms after the registration was sent");
        }
    }

    private static Task<HttpResponseMessage> GetModelAsync(HttpClient http, int port, string id) =>
        http.SendAsync(PlatformFixture.Request(HttpMethod.Get, $"http://127.0.0.1:{port}/v1/models/{id}"));
}
