using DeepSeek.Dapr.Contracts.Internal;

namespace DeepSeek.Dapr.Inference.Backends;

/// <summary>
/// One way of generating a chat reply (see docs/decisions/0002-inference-backend-interface.md). Implementations are
/// registered as keyed services under their <see cref="ModelBackend.Kind"/>. Failures a caller must see with a
/// status (bad parameters, upstream errors, backend down) are thrown as <see cref="BackendException"/>; streams
/// throw them before their first update so the reply can still carry the right status.
/// </summary>
public interface IChatBackend
{
    Task<BackendCompletion> CompleteAsync(GenerateRequest input, CancellationToken cancellationToken);

    IAsyncEnumerable<BackendUpdate> StreamAsync(GenerateRequest input, CancellationToken cancellationToken);
}
