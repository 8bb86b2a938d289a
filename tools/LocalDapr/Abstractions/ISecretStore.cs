namespace LocalDapr.Abstractions;

public interface ISecretStore
{
    string Name { get; }

    /// <summary>The values of one secret (one entry for single-value stores), or null when it does not exist.</summary>
    Task<IReadOnlyDictionary<string, string>?> GetAsync(string key, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetBulkAsync(IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);
}
