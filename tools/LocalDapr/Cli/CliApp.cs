using LocalDapr.Launcher;

namespace LocalDapr.Cli;

/// <summary>Entry point logic: parse, dispatch, and map usage errors to exit code 1.</summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return CliParser.Parse(args) switch
            {
                RunCliCommand run => await Launch.RunAsync(run.Options),
                AdminCliCommand admin => await AdminClient.RunAsync(admin, Console.Out, Console.Error),
                _ => Help(),
            };
        }
        catch (CliUsageException ex)
        {
            await Console.Error.WriteLineAsync($"local-dapr: {ex.Message}");
            return 1;
        }
    }

    private static int Help()
    {
        Console.WriteLine(CliParser.Usage);
        return 0;
    }
}
