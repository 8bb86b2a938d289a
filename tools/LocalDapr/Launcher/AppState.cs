namespace LocalDapr.Launcher;

public enum AppState
{
    /// <summary>Not started yet, or stopped on request.</summary>
    Stopped,
    Starting,
    Healthy,
    Unhealthy,

    /// <summary>The process ended without being asked to (crash or exit).</summary>
    Exited,
}

/// <summary>How the wait for one app's first healthy probe ended.</summary>
public enum StartOutcome
{
    Ready,
    Exited,
    TimedOut,
    Canceled,
}

/// <summary>One app instance as <c>GET /admin/apps</c> reports it.</summary>
public sealed record InstanceStatus(string AppId, string Name, int AppPort, int? Pid, AppState State, int? ExitCode, double? ReadySeconds);
