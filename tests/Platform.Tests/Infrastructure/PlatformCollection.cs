namespace Platform.Tests.Infrastructure;

/// <summary>Every end-to-end test shares one running platform (starting it costs tens of seconds).</summary>
[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
