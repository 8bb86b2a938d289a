namespace Platform.Tests.Infrastructure;

/// <summary>
/// Every line a process printed, kept for searching (e.g. inference's cancellation log line) and mirrored to a log
/// file so a failed CI run can be read afterwards.
/// </summary>
public sealed class ProcessOutput(string logFile) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly StreamWriter _log = CreateLog(logFile);
    private TaskCompletionSource _changed = NewSignal();
    private bool _disposed;

    public string LogFile { get; } = logFile;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _lines.Count;
            }
        }
    }

    public void Add(string line)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _lines.Add(line);
            if (!_disposed)
            {
                _log.WriteLine(line);
            }

            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    /// <summary>The lines from index <paramref name="from"/> on.</summary>
    public IReadOnlyList<string> Since(int from)
    {
        lock (_gate)
        {
            return _lines.Skip(from).ToList();
        }
    }

    public string Tail(int count)
    {
        lock (_gate)
        {
            return string.Join('\n', _lines.Skip(Math.Max(0, _lines.Count - count)));
        }
    }

    /// <summary>Waits until a line printed at or after <paramref name="from"/> matches, or the timeout passes.</summary>
    public async Task<string?> WaitForLineAsync(Func<string, bool> match, int from, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                var hit = _lines.Skip(from).FirstOrDefault(match);
                if (hit is not null)
                {
                    return hit;
                }

                changed = _changed.Task;
            }

            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            await Task.WhenAny(changed, Task.Delay(remaining));
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _log.Dispose();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static StreamWriter CreateLog(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return new StreamWriter(path, append: false) { AutoFlush = true };
    }
}
