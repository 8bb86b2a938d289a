using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FakeUpstream;
using Platform.Tests.Infrastructure;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Platform.Tests.Accounts;

/// <summary>
/// The whole platform for the accounts tests, started like <see cref="PlatformFixture"/> (launcher + dapr.yaml, two
/// gateway-ai replicas) but on port offset <see cref="Offset"/> and with account settings the tests need: a priced model whose real
/// cost always equals its hold (input free, output <see cref="ExactOutputPrice"/> per million, an upstream that answers
/// exactly max_tokens tokens), and unsettled holds expiring after <see cref="ReservationTimeoutSeconds"/>. Users, keys,
/// plans and balances are then made through the management API, as an operator would.
/// </summary>
public sealed class AccountsFixture(IMessageSink diagnostics) : IAsyncLifetime
{
    /// <summary>
    /// Clear of the other runs' offsets (11000 platform, 12000/13000 benchmarks, 14000 Redis, 14500 faults) and, like
    /// them, keeps the 500xx gRPC ports above Linux's ephemeral range (10000 put them at 600xx, where an outgoing
    /// connection already held one).
    /// </summary>
    public const int Offset = 12500;

    /// <summary>The bootstrap admin key (user <c>admin</c>, scopes chat and admin).</summary>
    public const string AdminKey = "sk-accounts_AccountsT3stsB00tstr4pK3yQ9w8E7r6T5";

    /// <summary>Costs only output tokens, and its upstream always fills max_tokens: a request costs exactly its hold.</summary>
    public const string ExactModel = "acct-exact";

    /// <summary>USD per million output tokens of <see cref="ExactModel"/>: 10 tokens cost 0.01.</summary>
    public const decimal ExactOutputPrice = 1000m;

    /// <summary>
    /// Short enough for the hold-expiry test to wait it out, long enough that no answered request's hold expires before
    /// its usage is settled on a loaded CI machine (an expired hold would let a 51st request in).
    /// </summary>
    public const int ReservationTimeoutSeconds = 30;
    public const int ReservationSweepSeconds = 2;

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(180);
    private readonly ConcurrentBag<string> _issuedSecrets = [AdminKey];
    private IReadOnlyDictionary<string, (int SidecarHttp, int[] AppPorts)> _apps = new Dictionary<string, (int, int[])>();
    private TestResources? _resources;
    private LaunchedPlatform? _platform;

    /// <summary>A reply far longer than any max_tokens the tests ask for, so the upstream always stops at max_tokens.</summary>
    public FakeUpstreamServer Upstream { get; } = new(new FakeUpstreamOptions
    {
        Style = StreamStyle.DeepSeek,
        Reply = string.Join(' ', Enumerable.Range(1, 400).Select(i => $"w{i}")),
    });

    public HttpClient Http { get; } = new(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{PlatformPorts.App("router") - PlatformPorts.Offset + Offset}"),
        Timeout = TimeSpan.FromMinutes(3),
    };

    public ManagementClient Admin => new(this);

    public ProcessOutput Output => _platform?.Output ?? throw new InvalidOperationException("the platform is not started");

    /// <summary>The folder holding every SQLite state file of this run.</summary>
    public string DataPath => _resources?.DataPath ?? throw new InvalidOperationException("the platform is not started");

    /// <summary>Every key and token the tests were given in clear (the leak scan looks for each).</summary>
    public IReadOnlyCollection<string> IssuedSecrets => _issuedSecrets;

    public void RememberSecret(string secret) => _issuedSecrets.Add(secret);

    public int SidecarHttpPort(string appId) => _apps[appId].SidecarHttp;

    /// <summary>The app port of every instance of <paramref name="appId"/> (two for gateway-ai).</summary>
    public IReadOnlyList<int> AppPorts(string appId) => _apps[appId].AppPorts;

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
            _platform = null;
        }

        await Upstream.DisposeAsync();
        _resources?.Dispose();
        Http.Dispose();
    }

    public static HttpRequestMessage Request(HttpMethod method, string path, string? bearer, JsonNode? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return request;
    }

    public Task<HttpResponseMessage> ChatAsync(string apiKey, string model, int maxTokens, string? baseUrl = null)
    {
        var request = Request(HttpMethod.Post, $"{baseUrl}/v1/chat/completions", apiKey, ChatBodies.User(model, ChatBodies.FreshQuestion("accounts"), maxTokens));
        return Http.SendAsync(request);
    }

    private async Task StartAsync()
    {
        await Upstream.StartAsync();
        _resources = TestResources.Create(Upstream.BaseUrl);
        var environment = UpstreamModel.ToEnvironment([new UpstreamModel(ExactModel, Upstream.BaseUrl, PlatformFixture.FakeUpstreamModelName)]);
        environment["DEEPSEEK_BOOTSTRAP_KEY"] = AdminKey;
        environment[$"Users__Prices__{ExactModel}__InputCacheHit"] = "0";
        environment[$"Users__Prices__{ExactModel}__InputCacheMiss"] = "0";
        environment[$"Users__Prices__{ExactModel}__Output"] = ExactOutputPrice.ToString(CultureInfo.InvariantCulture);
        environment["Users__ReservationTimeoutSeconds"] = ReservationTimeoutSeconds.ToString(CultureInfo.InvariantCulture);
        environment["Users__ReservationSweepSeconds"] = ReservationSweepSeconds.ToString(CultureInfo.InvariantCulture);

        _platform = await LaunchedPlatform.StartAsync(
            new PlatformLaunch("accounts", Offset, [_resources.ComponentsPath, RepoPaths.DaprConfig], environment), Log);

        // Ready once a chat is answered: every app on the request path (both gateway-ai replicas' sidecar included) serves.
        await _platform.WaitUntilOkAsync(
            Http, () => Request(HttpMethod.Post, "/v1/chat/completions", AdminKey, ChatBodies.User("deepseek-chat", "Warm-up", maxTokens: 4)),
            ReadyTimeout, TimeSpan.FromMilliseconds(500));
        _apps = _platform.ReadPorts();
        if (!_apps.ContainsKey("gateway-ai") || !_apps.ContainsKey("users"))
        {
            throw new InvalidOperationException($"no port lines for gateway-ai/users in the launcher output:\n{Output.Tail(60)}");
        }

        Log($"gateway-ai instances on app ports {string.Join(", ", _apps["gateway-ai"].AppPorts)}");
    }

    private void Log(string message) => diagnostics.OnMessage(new DiagnosticMessage($"[accounts] {message}"));
}

[CollectionDefinition(Name)]
public sealed class AccountsCollection : ICollectionFixture<AccountsFixture>
{
    public const string Name = "platform-accounts";
}
