using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace DeepSeek.Dapr.Inference.Builtin;

/// <summary>
/// The corpus shipped inside the assembly (services/Inference/Corpus/*.txt as embedded resources), read in a fixed
/// order. Its hash, together with the model order and file format, decides whether a saved model is still current.
/// </summary>
public sealed class CorpusSource(IReadOnlyList<(string Name, string Text)> files)
{
    private const string ResourcePrefix = "DeepSeek.Dapr.Inference.Corpus.";

    public IReadOnlyList<(string Name, string Text)> Files { get; } = files;

    public long SizeBytes => Files.Sum(f => (long)Encoding.UTF8.GetByteCount(f.Text));

    public static CorpusSource Embedded()
    {
        var assembly = typeof(CorpusSource).Assembly;
        var files = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => (n[ResourcePrefix.Length..], Read(assembly, n)))
            .ToList();
        return files.Count > 0
            ? new CorpusSource(files)
            : throw new InvalidOperationException("the built-in model's corpus is missing from the Inference assembly");
    }

    public string Hash(int order)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"ngram-v2;order={order};"));
        foreach (var (name, text) in Files)
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{name}\0{text}\0"));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
