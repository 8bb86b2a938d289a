using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using LocalDapr.Telemetry;
using LocalDapr.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LocalDapr.Tests.Invocation;

public sealed class StreamingAndTracingTests
{
    private static async Task<RuntimeHarness> StartAsync(TestApp target, params (string Name, string Yaml)[] resources)
    {
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp("caller"));
        options.Apps.Add(new HarnessApp("target") { Instances = { target } });
        foreach (var (name, yaml) in resources)
        {
            options.Resources[name] = yaml;
        }

        return await RuntimeHarness.StartAsync(options);
    }

    [Fact]
    public async Task A_stream_outlives_the_per_attempt_timeout_once_headers_arrived()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var target = await TestApp.StartAsync(app => app.MapGet("/stream", async (HttpContext c) =>
        {
            c.Response.ContentType = "text/event-stream";
            await c.Response.WriteAsync("data: first\n\n");
            await c.Response.Body.FlushAsync();
            await release.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await c.Response.WriteAsync("data: second\n\n");
        }));
        await using var harness = await StartAsync(target, ("resiliency.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: r
            spec:
              policies:
                timeouts:
                  short: 200ms
                retries:
                  twice: { duration: 10ms, maxRetries: 2 }
              targets:
                apps:
                  target: { timeout: short, retry: twice }
            """));

        using var response = await harness.CreateInvokeHttpClient("caller").GetAsync("http://target/stream", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        (await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10))).Should().Be("data: first");

        // Longer than the 200 ms attempt timeout: the body must keep flowing (daprd times out the call, not the stream).
        await Task.Delay(500);
        release.SetResult();
        (await reader.ReadToEndAsync()).Should().Contain("data: second");
    }

    [Fact]
    public async Task A_caller_that_goes_away_cancels_the_call_to_the_app()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var target = await TestApp.StartAsync(app => app.MapGet("/long", async (HttpContext c) =>
        {
            c.RequestAborted.Register(() => cancelled.TrySetResult());
            started.SetResult();
            await Task.Delay(Timeout.Infinite, c.RequestAborted);
        }));
        await using var harness = await StartAsync(target);
        using var cts = new CancellationTokenSource();

        var call = harness.CreateInvokeHttpClient("caller").GetAsync("http://target/long", cts.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();

        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await FluentActions.Awaiting(() => call).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Each_invocation_is_a_span_in_the_callers_trace_and_is_counted()
    {
        const string traceId = "0af7651916cd43dd8448eb211c80319c";
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LocalDaprTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var counted = new ConcurrentQueue<(long Value, string? Target)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == LocalDaprTelemetry.Name && instrument.Name == "localdapr.invocation.count")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "target")
                {
                    counted.Enqueue((value, tag.Value as string));
                }
            }
        });
        meters.Start();
        await using var harness = await StartAsync(await EchoApp.StartAsync());
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://target/echo/span");
        request.Headers.Add("traceparent", $"00-{traceId}-b7ad6b7169203331-01");

        using var response = await harness.CreateInvokeHttpClient("caller").SendAsync(request);

        var forwarded = ServiceInvocationTests.Header(response, "x-echo-traceparent").Split('-');
        forwarded[1].Should().Be(traceId);
        var span = spans.Should().ContainSingle(a => a.TraceId.ToHexString() == traceId).Subject;
        forwarded[2].Should().Be(span.SpanId.ToHexString(), "the app's parent is the sidecar's span");
        span.ParentSpanId.Should().NotBe(default(ActivitySpanId), "the span continues the caller's trace (directly or under the server span)");
        span.GetTagItem("dapr.target").Should().Be("target");
        counted.Should().Contain((1L, "target"));
    }

    [Fact]
    public async Task An_app_that_dies_mid_stream_aborts_the_callers_stream()
    {
        var die = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var target = await TestApp.StartAsync(app => app.MapGet("/dies", async (HttpContext c) =>
        {
            c.Response.ContentType = "text/event-stream";
            await c.Response.WriteAsync("data: first\n\n");
            await c.Response.Body.FlushAsync();
            await die.Task.WaitAsync(TimeSpan.FromSeconds(30));
            c.Abort();
        }));
        await using var harness = await StartAsync(target);

        using var response = await harness.CreateInvokeHttpClient("caller").GetAsync("http://target/dies", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        (await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10))).Should().Be("data: first");
        die.SetResult();

        // A clean end would look like a complete reply: the break must be visible to the caller.
        await FluentActions.Awaiting(() => reader.ReadToEndAsync()).Should().ThrowAsync<Exception>();
    }

    [Fact]
    public async Task Traces_started_by_the_sidecar_follow_the_configured_sampling_rate()
    {
        var options = new HarnessOptions();
        options.Apps.Add(new HarnessApp("caller")
        {
            Configuration = """
                apiVersion: dapr.io/v1alpha1
                kind: Configuration
                metadata:
                  name: no-sampling
                spec:
                  tracing:
                    samplingRate: "0"
                """,
        });
        options.Apps.Add(new HarnessApp("target") { Instances = { await EchoApp.StartAsync() } });
        await using var harness = await RuntimeHarness.StartAsync(options);

        using var response = await harness.CreateInvokeHttpClient("caller").GetAsync("http://target/echo/unsampled");

        ServiceInvocationTests.Header(response, "x-echo-traceparent").Should().EndWith("-00");
    }

    [Fact]
    public async Task A_config_file_without_a_configuration_or_with_a_bad_rate_fails_start_up()
    {
        foreach (var (yaml, expected) in new[]
        {
            ("apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n", "no document of kind Configuration"),
            ("apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: c\nspec:\n  tracing:\n    samplingRate: lots\n", "spec.tracing.samplingRate"),
        })
        {
            var options = new HarnessOptions();
            options.Apps.Add(new HarnessApp("caller") { Configuration = yaml });

            var act = () => RuntimeHarness.StartAsync(options);

            (await act.Should().ThrowAsync<LocalDapr.Resources.ResourceException>()).Which.Message.Should().Contain("config-caller.yaml").And.Contain(expected);
        }
    }
}
