return await LocalDapr.Cli.CliApp.RunAsync(args);
