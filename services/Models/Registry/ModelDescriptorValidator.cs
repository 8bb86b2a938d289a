using System.Text.RegularExpressions;
using DeepSeek.Dapr.Contracts.Internal;

namespace DeepSeek.Dapr.Models.Registry;

/// <summary>One rule a descriptor broke: the field (OpenAI <c>param</c> style) and a sentence saying what is wrong.</summary>
public sealed record ModelProblem(string Param, string Message);

/// <summary>Checks a model descriptor on its own, before it enters the registry (configured or registered at runtime).</summary>
public static partial class ModelDescriptorValidator
{
    public static readonly IReadOnlySet<string> Statuses = new HashSet<string>(StringComparer.Ordinal) { "active", "disabled", "training" };

    public static IReadOnlyList<ModelProblem> Validate(ModelDescriptor model)
    {
        var problems = new List<ModelProblem>();
        if (string.IsNullOrWhiteSpace(model.Id) || !ModelName().IsMatch(model.Id))
        {
            problems.Add(new("id", $"id '{model.Id}' must be 1-128 characters of letters, digits and . _ : / - starting with a letter or digit."));
        }

        foreach (var alias in model.Aliases ?? [])
        {
            if (string.IsNullOrWhiteSpace(alias) || !ModelName().IsMatch(alias))
            {
                problems.Add(new("aliases", $"alias '{alias}' must be 1-128 characters of letters, digits and . _ : / -."));
            }
            else if (string.Equals(alias, model.Id, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add(new("aliases", $"alias '{alias}' repeats the model id."));
            }
        }

        if ((model.Aliases ?? []).GroupBy(a => a, StringComparer.OrdinalIgnoreCase).Any(g => g.Count() > 1))
        {
            problems.Add(new("aliases", "aliases must be unique."));
        }

        if (model.ContextWindow <= 0)
        {
            problems.Add(new("context_window", "context_window must be greater than 0."));
        }

        if (model.MaxOutputTokens <= 0 || model.MaxOutputTokens > model.ContextWindow)
        {
            problems.Add(new("max_output_tokens", "max_output_tokens must be greater than 0 and at most context_window."));
        }

        if (!Statuses.Contains(model.Status ?? string.Empty))
        {
            problems.Add(new("status", $"status '{model.Status}' must be one of: {string.Join(", ", Statuses)}."));
        }

        if (model.Pricing is { } p && (p.InputCacheHit < 0 || p.InputCacheMiss < 0 || p.Output < 0))
        {
            problems.Add(new("pricing", "prices must not be negative."));
        }

        ValidateBackend(model.Backend, problems);
        return problems;
    }

    private static void ValidateBackend(ModelBackend? backend, List<ModelProblem> problems)
    {
        if (backend is null)
        {
            problems.Add(new("backend", "backend is required (kind builtin or openai)."));
            return;
        }

        switch (backend.Kind)
        {
            case BackendKinds.Builtin:
                if (backend.Artifact is { } artifact && !ArtifactName().IsMatch(artifact))
                {
                    problems.Add(new("backend.artifact", $"artifact '{artifact}' must be a plain file name (letters, digits, . _ -)."));
                }

                break;
            case BackendKinds.OpenAi:
                ValidateEndpoint(backend.Endpoint, problems);
                break;
            default:
                problems.Add(new("backend.kind", $"backend.kind '{backend.Kind}' must be '{BackendKinds.Builtin}' or '{BackendKinds.OpenAi}'."));
                break;
        }
    }

    /// <summary>An HTTPEndpoint resource name, or an absolute http(s) URL for FQDN invocation.</summary>
    private static void ValidateEndpoint(string? endpoint, List<ModelProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            problems.Add(new("backend.endpoint", "backend.endpoint is required for kind 'openai' (an HTTPEndpoint resource name or an http(s) URL)."));
        }
        else if (endpoint.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.Query))
            {
                problems.Add(new("backend.endpoint", $"backend.endpoint '{endpoint}' must be an absolute http(s) URL without a query."));
            }
        }
        else if (!ResourceName().IsMatch(endpoint))
        {
            problems.Add(new("backend.endpoint", $"backend.endpoint '{endpoint}' is neither an http(s) URL nor a valid HTTPEndpoint resource name."));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$")]
    private static partial Regex ModelName();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex ArtifactName();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")]
    private static partial Regex ResourceName();
}
