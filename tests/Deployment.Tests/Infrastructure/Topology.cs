using System.Reflection;
using DeepSeek.Dapr.Contracts;

namespace Deployment.Tests.Infrastructure;

/// <summary>The app-ids and component names the code uses (the constants in Contracts).</summary>
public static class Topology
{
    public static IReadOnlyList<string> AppIds { get; } = Constants(typeof(DeepSeek.Dapr.Contracts.AppIds));

    public static IReadOnlyList<string> ComponentNames { get; } = Constants(typeof(Components));

    private static string[] Constants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToArray();
}
