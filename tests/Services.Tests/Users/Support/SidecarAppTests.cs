using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Services.Tests.Users.Support;

/// <summary>
/// Base of the tests that run one app in-process (its real Program and endpoints) wired to its real sidecar from
/// <see cref="LocalSidecars"/>; <see cref="Client"/> calls the app. Subclasses may add settings.
/// </summary>
public abstract class SidecarAppTests<TEntryPoint>(LocalSidecars sidecars, string appId) : IAsyncLifetime
    where TEntryPoint : class
{
    private WebApplicationFactory<TEntryPoint> _factory = null!;

    protected HttpClient Client { get; private set; } = null!;

    protected LocalSidecars Sidecars { get; } = sidecars;

    public Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<TEntryPoint>().WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in Sidecars.SidecarSettings(appId))
            {
                b.UseSetting(key, value);
            }

            Configure(b);
        });
        Client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }

    protected virtual void Configure(IWebHostBuilder builder)
    {
    }
}
