using DeepSeek.Dapr.Contracts.Internal;

namespace DeepSeek.Dapr.Models.Registry;

/// <summary>
/// The registry at one moment: configured models with runtime registrations merged over them (a runtime model with
/// a configured id replaces it). Lookups by id or alias ignore case, as model names are typed by people.
/// </summary>
public sealed class ModelCatalog
{
    private readonly Dictionary<string, ModelDescriptor> _byName = new(StringComparer.OrdinalIgnoreCase);

    public ModelCatalog(IEnumerable<ModelDescriptor> configured, IEnumerable<ModelDescriptor> runtime)
    {
        var merged = new Dictionary<string, ModelDescriptor>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in configured.Concat(runtime))
        {
            merged[model.Id] = model;
        }

        Models = merged.Values.OrderBy(m => m.Id, StringComparer.Ordinal).ToList();
        foreach (var model in Models)
        {
            _byName[model.Id] = model;
        }

        // Ids win over aliases: an alias can never hide a real model.
        foreach (var model in Models)
        {
            foreach (var alias in model.Aliases ?? [])
            {
                _byName.TryAdd(alias, model);
            }
        }
    }

    public IReadOnlyList<ModelDescriptor> Models { get; }

    public ModelDescriptor? Find(string idOrAlias) => _byName.GetValueOrDefault(idOrAlias);

    /// <summary>Names of <paramref name="candidate"/> (id and aliases) already used by a different model.</summary>
    public IReadOnlyList<ModelProblem> Conflicts(ModelDescriptor candidate)
    {
        var problems = new List<ModelProblem>();
        foreach (var alias in candidate.Aliases ?? [])
        {
            if (Find(alias) is { } other && !string.Equals(other.Id, candidate.Id, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add(new("aliases", $"alias '{alias}' is already used by model '{other.Id}'."));
            }
        }

        var owner = Models.FirstOrDefault(m => !string.Equals(m.Id, candidate.Id, StringComparison.OrdinalIgnoreCase)
            && (m.Aliases ?? []).Contains(candidate.Id, StringComparer.OrdinalIgnoreCase));
        if (owner is not null)
        {
            problems.Add(new("id", $"id '{candidate.Id}' is already an alias of model '{owner.Id}'."));
        }

        return problems;
    }
}
