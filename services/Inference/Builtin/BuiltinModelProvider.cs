using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using DeepSeek.Dapr.Inference.Backends;
using DeepSeek.Dapr.ServiceDefaults.Tokens;
using Microsoft.Extensions.Options;

namespace DeepSeek.Dapr.Inference.Builtin;

/// <summary>
/// Loads built-in model artifacts from the data directory, once each. The default artifact is trained from the shipped
/// corpus on first use and saved; later starts load the file unless the corpus (or order) changed, then it retrains.
/// Other artifacts (e.g. written by the training service) must already exist as <c>{DataDir}/{name}.ngram</c>.
/// </summary>
public sealed partial class BuiltinModelProvider(IOptions<BuiltinOptions> options, CorpusSource corpus, ILogger<BuiltinModelProvider> logger)
{
    public const string DefaultArtifact = "builtin";
    public const string FileExtension = ".ngram";

    private readonly ConcurrentDictionary<string, Lazy<Task<NGramModel>>> _models = new(StringComparer.Ordinal);

    /// <summary>Facts about the last time the default model was made ready (trained or loaded).</summary>
    public ModelLoadReport? LastReport { get; private set; }

    public bool IsDefaultReady =>
        _models.TryGetValue(DefaultArtifact, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully;

    public async Task<NGramModel> GetAsync(string? artifact, CancellationToken cancellationToken)
    {
        var name = string.IsNullOrWhiteSpace(artifact) ? DefaultArtifact : artifact;
        if (!ArtifactName().IsMatch(name))
        {
            throw BackendException.BadRequest($"Invalid built-in model artifact name '{name}'.", "model");
        }

        var lazy = _models.GetOrAdd(name, n => new Lazy<Task<NGramModel>>(() => Task.Run(() => Load(n), CancellationToken.None)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken);
        }
        catch (BackendException)
        {
            // A missing artifact may appear later (training writes it), so failures are not cached.
            _models.TryRemove(new KeyValuePair<string, Lazy<Task<NGramModel>>>(name, lazy));
            throw;
        }
    }

    private NGramModel Load(string name)
    {
        var path = Path.Combine(options.Value.DataDir, name + FileExtension);
        if (name != DefaultArtifact)
        {
            if (!File.Exists(path))
            {
                throw BackendException.Unavailable($"The model artifact '{name}' is not available on this inference instance.");
            }

            try
            {
                return LoadFile(path);
            }
            catch (InvalidDataException ex)
            {
                LogUnreadable(logger, ex, path);
                throw BackendException.Unavailable($"The model artifact '{name}' could not be read.");
            }
        }

        var order = options.Value.Order;
        var hash = corpus.Hash(order);
        if (File.Exists(path))
        {
            var stopwatch = Stopwatch.StartNew();
            try
            {
                var saved = LoadFile(path);
                if (saved.CorpusHash == hash)
                {
                    LastReport = new ModelLoadReport(false, stopwatch.Elapsed, new FileInfo(path).Length, saved.VocabularySize, saved.ContextCount, 0);
                    LogLoaded(logger, path, stopwatch.ElapsedMilliseconds, saved.VocabularySize);
                    return saved;
                }

                LogCorpusChanged(logger, path);
            }
            catch (InvalidDataException ex)
            {
                LogUnreadable(logger, ex, path);
            }
        }

        return Train(path, order, hash);
    }

    private NGramModel Train(string path, int order, string hash)
    {
        var stopwatch = Stopwatch.StartNew();
        var parser = new CorpusParser(TokenCounter.Tokenizer);
        var sequences = corpus.Files.SelectMany(f => parser.Parse(f.Text)).ToList();
        var trainingTokens = sequences.Sum(s => (long)s.Length);
        var model = NGramTrainer.Train(sequences, order, hash);
        var trained = stopwatch.Elapsed;

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp-" + Environment.ProcessId;
        using (var file = File.Create(temporary))
        {
            NGramModelSerializer.Save(model, file);
        }

        // Rename last, so a concurrent reader never sees a half-written model.
        File.Move(temporary, path, overwrite: true);
        var size = new FileInfo(path).Length;
        LastReport = new ModelLoadReport(true, trained, size, model.VocabularySize, model.ContextCount, trainingTokens);
        LogTrained(logger, order, corpus.SizeBytes, trainingTokens, trained.TotalMilliseconds, model.VocabularySize, model.ContextCount, path, size);
        return model;
    }

    private static NGramModel LoadFile(string path)
    {
        using var file = File.OpenRead(path);
        return NGramModelSerializer.Load(file);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex ArtifactName();

    [LoggerMessage(Level = LogLevel.Information, Message = "Trained the built-in {Order}-gram model from {CorpusBytes} corpus bytes ({TrainingTokens} tokens) in {Milliseconds:F0} ms: {Vocabulary} token types, {Contexts} contexts; saved {Path} ({FileBytes} bytes)")]
    private static partial void LogTrained(ILogger logger, int order, long corpusBytes, long trainingTokens, double milliseconds, int vocabulary, int contexts, string path, long fileBytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded the built-in model from {Path} in {Milliseconds} ms ({Vocabulary} token types)")]
    private static partial void LogLoaded(ILogger logger, string path, long milliseconds, int vocabulary);

    [LoggerMessage(Level = LogLevel.Information, Message = "The corpus or model order changed since {Path} was written: retraining")]
    private static partial void LogCorpusChanged(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the saved model {Path}: retraining")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string path);
}

/// <summary>How the default model became ready: trained (with duration) or loaded from its file.</summary>
public sealed record ModelLoadReport(bool Trained, TimeSpan Duration, long FileBytes, int Vocabulary, int Contexts, long TrainingTokens);
