using LocalDapr.Abstractions;
using LocalDapr.Components;

namespace LocalDapr.Secrets;

/// <summary>Creates the secret store of one component by <c>spec.type</c>.</summary>
public static class SecretStoreFactory
{
    public static bool Supports(string type) => type is ComponentTypes.SecretsLocalFile or ComponentTypes.SecretsLocalEnv;

    public static ISecretStore Create(string type, ComponentMetadata metadata) => type switch
    {
        ComponentTypes.SecretsLocalFile => LocalFileSecretStore.Load(metadata),
        ComponentTypes.SecretsLocalEnv => LocalEnvSecretStore.Create(metadata),
        _ => throw metadata.Error($"secret store type '{type}' is not supported by the local runtime"),
    };
}
