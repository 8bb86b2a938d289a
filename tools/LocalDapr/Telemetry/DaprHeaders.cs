namespace LocalDapr.Telemetry;

/// <summary>Header names daprd reads or writes.</summary>
public static class DaprHeaders
{
    public const string ApiToken = "dapr-api-token";
    public const string AppId = "dapr-app-id";
    public const string CallerAppId = "dapr-caller-app-id";
    public const string CalleeAppId = "dapr-callee-app-id";
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";
}
