using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Services.Tests.GatewayPlatform.Support;

namespace Services.Tests.GatewayPlatform;

/// <summary>
/// The management API of gateway-platform over HTTP, with a sidecar stand-in answering for auth and users: who may
/// call it, what reaches the internal APIs, and how bad input and failing services are answered.
/// </summary>
public sealed class AdminApiTests : IAsyncLifetime
{
    private const string AdminKey = "sk-adminkey_AdminAdminAdminAdminAdminAdminAdmin00";
    private const string ChatKey = "sk-chatkey1_ChatChatChatChatChatChatChatChatChat00";
    private const string AdminJwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyb290In0.c2lnbmF0dXJl";
    private const string Alice = """{"id":"alice","name":"Alice","plan":"default","created_at":"2026-01-01T00:00:00+00:00"}""";

    private StandInSidecar _sidecar = null!;
    private GatewayPlatformFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _sidecar = await StandInSidecar.StartAsync();
        _sidecar.Reply("POST auth/internal/keys/verify", body => (200,
            body.Contains(AdminKey, StringComparison.Ordinal) ? """{"valid":true,"key_id":"adminkey","user_id":"root","scopes":["chat","admin"]}"""
            : body.Contains(ChatKey, StringComparison.Ordinal) ? """{"valid":true,"key_id":"chatkey1","user_id":"bob","scopes":["chat"]}"""
            : """{"valid":false,"reason":"revoked"}"""));
        _sidecar.Reply("POST auth/internal/tokens/verify", body => (200, body.Contains(AdminJwt, StringComparison.Ordinal)
            ? """{"valid":true,"key_id":"jti-1","user_id":"root","scopes":["admin"]}"""
            : """{"valid":false,"reason":"expired"}"""));
        _sidecar.Reply("GET users/internal/users", 200, $"[{Alice}]");
        _sidecar.Reply("GET users/internal/users/alice", 200, Alice);
        _sidecar.Reply("GET users/internal/users/nobody", 404,
            """{"error":{"message":"No user with id 'nobody'.","type":"invalid_request_error","param":"user_id","code":"user_not_found"}}""");
        _factory = new GatewayPlatformFactory(_sidecar.Port);
        _client = _factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        await _sidecar.DisposeAsync();
    }

    [Fact]
    public async Task Admin_key_lists_users_from_users()
    {
        using var response = await SendAsync(HttpMethod.Get, "/v1/admin/users", AdminKey);

        var users = await ReadJsonAsync(response, HttpStatusCode.OK);
        users.AsArray().Should().ContainSingle().Which!["id"]!.GetValue<string>().Should().Be("alice");
        _sidecar.CallsTo("GET users/internal/users").Should().ContainSingle();
    }

    [Fact]
    public async Task Admin_jwt_is_checked_by_auths_token_verification()
    {
        using var response = await SendAsync(HttpMethod.Get, "/v1/admin/users/alice", AdminJwt);

        (await ReadJsonAsync(response, HttpStatusCode.OK))["name"]!.GetValue<string>().Should().Be("Alice");
        _sidecar.CallsTo("POST auth/internal/tokens/verify").Should().ContainSingle();
        _sidecar.CallsTo("POST auth/internal/keys/verify").Should().BeEmpty("a JWT is not an API key");
    }

    [Theory]
    [InlineData(null, "missing_api_key")]
    [InlineData("sk-revoked_RevokedRevokedRevokedRevokedRevoked0", "revoked_api_key")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJyb290In0.", "expired_token")]
    public async Task Missing_or_refused_credentials_are_401_before_any_work(string? bearer, string code)
    {
        using var response = await SendAsync(HttpMethod.Get, "/v1/admin/users", bearer);

        var error = await ReadErrorAsync(response, HttpStatusCode.Unauthorized);
        error["code"]!.GetValue<string>().Should().Be(code);
        _sidecar.Calls.Should().NotContain(c => c.Call.Contains(" users/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Chat_only_key_is_403()
    {
        using var response = await SendAsync(HttpMethod.Post, "/v1/admin/users", ChatKey, """{"name":"Mallory"}""");

        var error = await ReadErrorAsync(response, HttpStatusCode.Forbidden);
        error["type"]!.GetValue<string>().Should().Be("permission_error");
        _sidecar.Calls.Should().NotContain(c => c.Call.Contains(" users/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Auth_down_is_503_with_retry_after()
    {
        _sidecar.Reply("POST auth/internal/keys/verify", 500, "");

        using var response = await SendAsync(HttpMethod.Get, "/v1/admin/users", AdminKey);

        await ReadErrorAsync(response, HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.Should().NotBeNull();
    }

    [Theory]
    [InlineData("""{"id":"bob"}""", HttpStatusCode.BadRequest, "name")]
    [InlineData("""{"id":"bad id","name":"Bob"}""", HttpStatusCode.BadRequest, "id")]
    [InlineData("""{"name":"Bob","granted_balance":-1}""", HttpStatusCode.UnprocessableEntity, "granted_balance")]
    [InlineData("""{"name":"Bob","granted_balance":"lots"}""", HttpStatusCode.BadRequest, "granted_balance")]
    [InlineData("""{"name":""", HttpStatusCode.BadRequest, null)]
    public async Task Bad_user_bodies_are_refused_naming_the_field(string body, HttpStatusCode status, string? param)
    {
        using var response = await SendAsync(HttpMethod.Post, "/v1/admin/users", AdminKey, body);

        var error = await ReadErrorAsync(response, status);
        (error["param"]?.GetValue<string>()).Should().Be(param);
        _sidecar.CallsTo("POST users/internal/users").Should().BeEmpty();
    }

    [Fact]
    public async Task Created_user_is_201_with_its_location_and_the_body_reaches_users()
    {
        _sidecar.Reply("POST users/internal/users", 201, """{"id":"carol","name":"Carol","plan":"pro","created_at":"2026-01-01T00:00:00+00:00"}""");

        using var response = await SendAsync(HttpMethod.Post, "/v1/admin/users", AdminKey, """{"id":"carol","name":"Carol","plan":"pro","granted_balance":2.5}""");

        (await ReadJsonAsync(response, HttpStatusCode.Created))["plan"]!.GetValue<string>().Should().Be("pro");
        response.Headers.Location!.ToString().Should().Be("/v1/admin/users/carol");
        var sent = JsonNode.Parse(_sidecar.CallsTo("POST users/internal/users").Single().Body)!;
        sent["granted_balance"]!.GetValue<decimal>().Should().Be(2.5m);
        sent["plan"]!.GetValue<string>().Should().Be("pro");
    }

    [Fact]
    public async Task A_refusal_of_users_is_passed_on_with_its_status_and_field()
    {
        _sidecar.Reply("POST users/internal/users", 409,
            """{"error":{"message":"User 'alice' already exists.","type":"invalid_request_error","param":"id","code":"user_exists"}}""");

        using var response = await SendAsync(HttpMethod.Post, "/v1/admin/users", AdminKey, """{"id":"alice","name":"Alice"}""");

        var error = await ReadErrorAsync(response, HttpStatusCode.Conflict);
        error["code"]!.GetValue<string>().Should().Be("user_exists");
        error["param"]!.GetValue<string>().Should().Be("id");
    }

    [Fact]
    public async Task Key_for_an_unknown_user_is_404_and_auth_is_not_asked()
    {
        using var response = await SendAsync(HttpMethod.Post, "/v1/admin/users/nobody/keys", AdminKey, """{"name":"ci"}""");

        (await ReadErrorAsync(response, HttpStatusCode.NotFound))["code"]!.GetValue<string>().Should().Be("user_not_found");
        _sidecar.CallsTo("POST auth/internal/keys").Should().BeEmpty();
    }

    [Fact]
    public async Task Key_is_created_by_auth_for_the_user_of_the_path()
    {
        _sidecar.Reply("POST auth/internal/keys", 200, """
            {"api_key":"sk-newkey12_NewNewNewNewNewNewNewNewNewNewNew0","key":{"id":"newkey12","prefix":"sk-newkey12","user_id":"alice","name":"ci",
             "scopes":["chat"],"allowed_models":["deepseek-chat"],"created_at":"2026-01-01T00:00:00+00:00"}}
            """);

        using var response = await SendAsync(HttpMethod.Post, "/v1/admin/users/alice/keys", AdminKey, """{"name":"ci","allowed_models":["deepseek-chat"]}""");

        var created = await ReadJsonAsync(response, HttpStatusCode.Created);
        created["api_key"]!.GetValue<string>().Should().StartWith("sk-newkey12_");
        var sent = JsonNode.Parse(_sidecar.CallsTo("POST auth/internal/keys").Single().Body)!;
        sent["user_id"]!.GetValue<string>().Should().Be("alice");
        sent["allowed_models"]!.AsArray().Select(m => m!.GetValue<string>()).Should().Equal("deepseek-chat");
    }

    [Theory]
    [InlineData("""{"scopes":["root"]}""", "scopes")]
    [InlineData("""{"expires_at":"2001-01-01T00:00:00Z"}""", "expires_at")]
    [InlineData("""{"allowed_models":[""]}""", "allowed_models")]
    public async Task Bad_key_bodies_are_422_naming_the_field(string body, string param)
    {
        using var response = await SendAsync(HttpMethod.Post, "/v1/admin/users/alice/keys", AdminKey, body);

        (await ReadErrorAsync(response, HttpStatusCode.UnprocessableEntity))["param"]!.GetValue<string>().Should().Be(param);
        _sidecar.CallsTo("POST auth/internal/keys").Should().BeEmpty();
    }

    [Fact]
    public async Task Revoking_an_unknown_key_is_auths_404()
    {
        _sidecar.Reply("DELETE auth/internal/keys/zzzzzzzz", 404,
            """{"error":{"message":"No API key with id 'zzzzzzzz'.","type":"invalid_request_error","param":"key_id","code":"key_not_found"}}""");

        using var response = await SendAsync(HttpMethod.Delete, "/v1/admin/keys/zzzzzzzz", AdminKey);

        (await ReadErrorAsync(response, HttpStatusCode.NotFound))["code"]!.GetValue<string>().Should().Be("key_not_found");
    }

    [Fact]
    public async Task Plan_is_put_whole_with_the_name_of_the_path()
    {
        _sidecar.Reply("PUT users/internal/plans/rpm10", body => (200, body));

        using var response = await SendAsync(HttpMethod.Put, "/v1/admin/plans/rpm10", AdminKey, """{"requests_per_minute":10}""");

        var plan = await ReadJsonAsync(response, HttpStatusCode.OK);
        plan["name"]!.GetValue<string>().Should().Be("rpm10");
        plan["requests_per_minute"]!.GetValue<int>().Should().Be(10);
        plan["allowed_models"]!.AsArray().Should().BeEmpty();
    }

    [Theory]
    [InlineData("rpm10", """{"tokens_per_day":-5}""", HttpStatusCode.UnprocessableEntity, "tokens_per_day")]
    [InlineData("rpm10", """{"requests_per_minute":1.5}""", HttpStatusCode.BadRequest, "requests_per_minute")]
    [InlineData("bad%20name", """{}""", HttpStatusCode.BadRequest, "name")]
    public async Task Bad_plans_are_refused_naming_the_field(string name, string body, HttpStatusCode status, string param)
    {
        using var response = await SendAsync(HttpMethod.Put, $"/v1/admin/plans/{name}", AdminKey, body);

        (await ReadErrorAsync(response, status))["param"]!.GetValue<string>().Should().Be(param);
    }

    [Fact]
    public async Task Usage_needs_a_user_and_passes_key_and_dates_on()
    {
        _sidecar.Reply("GET users/internal/users/alice/usage", 200, """{"user_id":"alice","from":"2026-01-01","to":"2026-01-02","currency":"USD","lines":[]}""");

        using var missing = await SendAsync(HttpMethod.Get, "/v1/admin/usage", AdminKey);
        using var response = await SendAsync(HttpMethod.Get, "/v1/admin/usage?user_id=alice&key_id=k1&from=2026-01-01&to=2026-01-02", AdminKey);

        (await ReadErrorAsync(missing, HttpStatusCode.BadRequest))["param"]!.GetValue<string>().Should().Be("user_id");
        await ReadJsonAsync(response, HttpStatusCode.OK);
        _sidecar.CallsTo("GET users/internal/users/alice/usage").Single().Query.Should().Be("?from=2026-01-01&to=2026-01-02&key_id=k1");
    }

    [Fact]
    public async Task Token_exchange_signs_for_the_keys_owner_and_scopes()
    {
        _sidecar.Reply("POST auth/internal/tokens", 200, """{"access_token":"a.b.c","token_type":"Bearer","expires_at":"2026-01-01T01:00:00+00:00"}""");

        using var response = await SendAsync(HttpMethod.Post, "/v1/admin/tokens", AdminKey, """{"lifetime_seconds":600}""");

        (await ReadJsonAsync(response, HttpStatusCode.OK))["access_token"]!.GetValue<string>().Should().Be("a.b.c");
        var sent = JsonNode.Parse(_sidecar.CallsTo("POST auth/internal/tokens").Single().Body)!;
        sent["user_id"]!.GetValue<string>().Should().Be("root");
        sent["lifetime_seconds"]!.GetValue<int>().Should().Be(600);
        sent["scopes"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Contain("admin");
    }

    [Fact]
    public async Task Token_exchange_needs_a_key_not_a_token()
    {
        using var response = await SendAsync(HttpMethod.Post, "/v1/admin/tokens", AdminJwt);

        (await ReadErrorAsync(response, HttpStatusCode.Forbidden))["code"]!.GetValue<string>().Should().Be("key_required");
        _sidecar.CallsTo("POST auth/internal/tokens").Should().BeEmpty();
    }

    [Fact]
    public async Task Top_up_amount_must_be_positive()
    {
        using var response = await SendAsync(HttpMethod.Post, "/v1/admin/users/alice/topup", AdminKey, """{"amount":0}""");

        (await ReadErrorAsync(response, HttpStatusCode.UnprocessableEntity))["param"]!.GetValue<string>().Should().Be("amount");
    }

    [Fact]
    public async Task OpenApi_document_describes_the_management_api_with_the_bearer_scheme()
    {
        using var response = await _client.GetAsync("/v1/docs/openapi/v1.json");

        var document = await ReadJsonAsync(response, HttpStatusCode.OK);
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        paths.Should().Contain(["/v1/user/balance", "/v1/usage", "/v1/admin/users", "/v1/admin/users/{userId}/keys", "/v1/admin/keys/{keyId}",
            "/v1/admin/plans/{name}", "/v1/admin/usage", "/v1/admin/tokens", "/v1/admin/users/{userId}/topup"]);
        document["components"]!["securitySchemes"]!["bearer"]!["scheme"]!.GetValue<string>().Should().Be("bearer");
        document["security"]!.AsArray().Should().ContainSingle();
    }

    [Fact]
    public async Task Scalar_page_loads_the_document()
    {
        using var response = await _client.GetAsync("/v1/docs/");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain("v1/docs/openapi/v1.json");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? bearer, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await _client.SendAsync(request);
    }

    private static async Task<JsonNode> ReadJsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, "the body was: {0}", text);
        return JsonNode.Parse(text)!;
    }

    private static async Task<JsonObject> ReadErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, "the body was: {0}", text);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/json");
        return JsonNode.Parse(text)!["error"]!.AsObject();
    }
}
