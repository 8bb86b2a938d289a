namespace LocalDapr.Abstractions;

/// <summary>
/// Start-up steps run by the host, in <see cref="Order"/>, after the sidecar ports listen and before any app
/// starts (components: 100, pub/sub: 200). A <see cref="Resources.ResourceException"/> stops start-up with its message.
/// </summary>
public interface IRuntimeInitializer
{
    int Order { get; }

    Task InitializeAsync(IReadOnlyCollection<SidecarApp> apps, CancellationToken cancellationToken);
}
