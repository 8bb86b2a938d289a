namespace LocalDapr.Tests.RunFile;

/// <summary>A temporary folder holding a run file, app folders and a fake $HOME; deleted on dispose.</summary>
internal sealed class RunFileScratch : IDisposable
{
    public RunFileScratch()
    {
        Root = Directory.CreateTempSubdirectory("runfile-").FullName;
        Home = Dir("home");
    }

    public string Root { get; }

    public string Home { get; }

    public string Path(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>Creates the folder (and parents) and returns its absolute path.</summary>
    public string Dir(string relative) => Directory.CreateDirectory(Path(relative)).FullName;

    public string File(string relative, string content = "")
    {
        var path = Path(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public string RunFile(string yaml) => File("dapr.yaml", yaml);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
