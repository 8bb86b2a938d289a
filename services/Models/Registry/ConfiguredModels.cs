using DeepSeek.Dapr.Contracts.Internal;

namespace DeepSeek.Dapr.Models.Registry;

/// <summary>
/// Models declared in configuration section <c>Models:Registry</c>. Entries are keyed: appsettings.json names its
/// defaults (<c>deepseek-chat</c>, ...), so environment variables with numeric keys such as
/// <c>Models__Registry__0__Id</c> add models instead of overwriting a default. An entry without an id takes its key as
/// id unless the key is a number. Invalid entries stop the service at start with every problem listed.
/// </summary>
public sealed class ConfiguredModels
{
    public const string Section = "Models:Registry";

    public ConfiguredModels(IReadOnlyList<ModelDescriptor> models) => Models = models;

    public IReadOnlyList<ModelDescriptor> Models { get; }

    public static ConfiguredModels Load(IConfiguration configuration, long defaultCreated)
    {
        var models = new List<ModelDescriptor>();
        var problems = new List<string>();
        foreach (var entry in configuration.GetSection(Section).GetChildren())
        {
            ModelDescriptor? model;
            try
            {
                model = entry.Get<ModelDescriptor>();
            }
            catch (InvalidOperationException ex)
            {
                problems.Add($"{entry.Path}: {ex.Message}");
                continue;
            }

            if (model is null)
            {
                continue;
            }

            if (string.IsNullOrWhiteSpace(model.Id) && !int.TryParse(entry.Key, out _))
            {
                model = model with { Id = entry.Key };
            }

            model = model with { Aliases = model.Aliases ?? [], Created = model.Created > 0 ? model.Created : defaultCreated };
            var invalid = ModelDescriptorValidator.Validate(model);
            if (invalid.Count > 0)
            {
                problems.AddRange(invalid.Select(p => $"{entry.Path}.{p.Param}: {p.Message}"));
                continue;
            }

            models.Add(model);
        }

        foreach (var duplicate in models.GroupBy(m => m.Id, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add($"{Section}: model id '{duplicate.Key}' is declared {duplicate.Count()} times.");
        }

        foreach (var model in models)
        {
            problems.AddRange(new ModelCatalog(models.Where(m => m != model), []).Conflicts(model).Select(p => $"{Section} '{model.Id}'.{p.Param}: {p.Message}"));
        }

        return problems.Count == 0
            ? new ConfiguredModels(models)
            : throw new InvalidOperationException($"Invalid model registry configuration:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", problems)}");
    }
}
