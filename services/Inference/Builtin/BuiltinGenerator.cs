using DeepSeek.Dapr.Inference.Backends;
using Microsoft.ML.Tokenizers;

namespace DeepSeek.Dapr.Inference.Builtin;

/// <summary>
/// The generation loop of the built-in model: seeds the context with the prompt and a role marker, samples one
/// token at a time, decodes it safely, applies stop sequences and the token budget, and reports each step as a
/// <see cref="BackendUpdate"/>. The last update carries the finish reason and the completion token counts.
/// Cancellation is checked before every token, so an abandoned request stops within one step.
/// </summary>
public sealed class BuiltinGenerator(NGramModel model, Tokenizer tokenizer)
{
    public IEnumerable<BackendUpdate> Generate(GenerationSettings settings, CancellationToken cancellationToken)
    {
        var history = new List<int> { model.LocalOf(SpecialTokens.End), model.LocalOf(SpecialTokens.User) };
        foreach (var id in settings.Prompt)
        {
            // Tokens the corpus never contained have no statistics: dropping them lets the context fall back gracefully.
            if (model.TryGetLocal(id, out var local))
            {
                history.Add(local);
            }
        }

        var random = settings.Seed is { } seed ? new Random(unchecked((int)seed ^ (int)(seed >> 32))) : new Random();
        var sampler = new TokenSampler(model, settings.Sampling, random, history.Skip(2));
        var budget = Math.Max(settings.MaxTokens, 0);
        var reasoningTokens = 0;

        if (settings.Reasoning)
        {
            history.Add(model.LocalOf(SpecialTokens.Think));
            var reasoningBudget = Math.Min(settings.MaxReasoningTokens, budget / 2);
            var decoder = new TokenTextDecoder(tokenizer);
            while (reasoningTokens < reasoningBudget)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var next = sampler.Next(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(history));
                if (SpecialTokens.IsSpecial(model.Vocabulary[next]))
                {
                    break;
                }

                history.Add(next);
                reasoningTokens++;
                var text = decoder.Append(model.Vocabulary[next]);
                if (text.Length > 0)
                {
                    yield return new BackendUpdate(Reasoning: text);
                }
            }
        }

        history.Add(model.LocalOf(SpecialTokens.Assistant));
        var answerDecoder = new TokenTextDecoder(tokenizer);
        var stops = new StopSequenceFilter(settings.Stop);
        var answerTokens = 0;
        string finish;
        while (true)
        {
            if (reasoningTokens + answerTokens >= budget)
            {
                finish = FinishReasons.Length;
                break;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var next = sampler.Next(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(history));
            if (SpecialTokens.IsSpecial(model.Vocabulary[next]))
            {
                finish = FinishReasons.Stop;
                break;
            }

            history.Add(next);
            answerTokens++;
            var emitted = stops.Push(answerDecoder.Append(model.Vocabulary[next]));
            if (emitted.Length > 0)
            {
                yield return new BackendUpdate(Content: emitted);
            }

            if (stops.Stopped)
            {
                finish = FinishReasons.Stop;
                break;
            }
        }

        var rest = stops.Flush();
        yield return new BackendUpdate(
            Content: rest.Length > 0 ? rest : null,
            FinishReason: finish,
            Usage: new Contracts.OpenAi.Usage
            {
                CompletionTokens = reasoningTokens + answerTokens,
                CompletionTokensDetails = settings.Reasoning ? new Contracts.OpenAi.CompletionTokensDetails { ReasoningTokens = reasoningTokens } : null,
            });
    }
}
