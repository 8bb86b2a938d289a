namespace LocalDapr.Actors;

/// <summary>
/// Turn-based concurrency: one call at a time per actor. A call carrying the <c>Dapr-Reentrancy-Id</c> of the call
/// currently holding the actor (its own call chain) enters without waiting when the type allows reentrancy.
/// Entries exist only while someone holds or waits for them.
/// </summary>
internal sealed class ActorLocks
{
    private readonly Dictionary<ActorKey, Entry> _entries = [];

    public async Task<IDisposable> AcquireAsync(ActorKey key, string? reentrancyId, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out entry!))
            {
                entry = new Entry();
                _entries[key] = entry;
            }

            entry.References++;
            if (reentrancyId is not null && entry.HolderChain == reentrancyId)
            {
                return new Release(this, key, entry, owner: false);
            }
        }

        try
        {
            await entry.Gate.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Forget(key, entry);
            throw;
        }

        lock (_entries)
        {
            entry.HolderChain = reentrancyId;
        }

        return new Release(this, key, entry, owner: true);
    }

    /// <summary>Actors that currently have a lock entry (held or awaited); for tests and metadata.</summary>
    public int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    private void Forget(ActorKey key, Entry entry)
    {
        lock (_entries)
        {
            if (--entry.References == 0)
            {
                _entries.Remove(key);
                entry.Gate.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public int References;
        public string? HolderChain;
    }

    /// <summary>Ends one turn: frees the actor when this call owned it, and drops the entry when nobody else uses it.</summary>
    private sealed class Release(ActorLocks locks, ActorKey key, Entry entry, bool owner) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
            {
                return;
            }

            if (owner)
            {
                lock (locks._entries)
                {
                    entry.HolderChain = null;
                }

                entry.Gate.Release();
            }

            locks.Forget(key, entry);
        }
    }
}
