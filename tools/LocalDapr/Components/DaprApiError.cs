using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace LocalDapr.Components;

/// <summary>
/// One daprd API error: the HTTP status and <c>{"errorCode","message"}</c> body of the HTTP API and the gRPC
/// status of the gRPC API (dapr/dapr pkg/messages). Thrown as <see cref="DaprApiException"/> by the shared
/// operations and turned into a response by each API surface.
/// </summary>
public sealed record DaprApiError(int HttpStatus, StatusCode GrpcStatus, string ErrorCode, string Message)
{
    public IResult ToHttpResult() => Results.Json(new DaprErrorBody(ErrorCode, Message), DaprJsonContext.Default.DaprErrorBody, statusCode: HttpStatus);

    public RpcException ToRpcException() => new(new Status(GrpcStatus, Message));

    public static DaprApiError Malformed(string message) =>
        new(StatusCodes.Status400BadRequest, StatusCode.InvalidArgument, "ERR_MALFORMED_REQUEST", message);

    /// <summary>daprd answers an unknown transaction operation with Unimplemented over gRPC and 400 over HTTP.</summary>
    public static DaprApiError UnsupportedStateOperation(string operation) =>
        new(StatusCodes.Status400BadRequest, StatusCode.Unimplemented, "ERR_NOT_SUPPORTED_STATE_OPERATION", $"operation type {operation} not supported");

    public static DaprApiError StateStoreNotFound(string name) =>
        new(StatusCodes.Status400BadRequest, StatusCode.InvalidArgument, "ERR_STATE_STORE_NOT_FOUND", $"state store {name} is not found");

    public static DaprApiError SecretStoreNotFound(string name) =>
        new(StatusCodes.Status401Unauthorized, StatusCode.InvalidArgument, "ERR_SECRET_STORE_NOT_FOUND", $"failed finding secret store with key {name}");

    public static DaprApiError PubSubNotFound(string name) =>
        new(StatusCodes.Status400BadRequest, StatusCode.InvalidArgument, "ERR_PUBSUB_NOT_FOUND", $"pubsub {name} not found");

    /// <summary>The not-found error daprd gives for the category of the missing component.</summary>
    public static DaprApiError NotFound(Abstractions.ComponentNotFoundException ex) => ex.Category switch
    {
        var c when c.Contains("secret", StringComparison.OrdinalIgnoreCase) => SecretStoreNotFound(ex.ComponentName),
        var c when c.Contains("pubsub", StringComparison.OrdinalIgnoreCase) => PubSubNotFound(ex.ComponentName),
        _ => StateStoreNotFound(ex.ComponentName),
    };
}

public sealed class DaprApiException(DaprApiError error) : Exception(error.Message)
{
    public DaprApiError Error { get; } = error;
}

public sealed record DaprErrorBody(string ErrorCode, string Message);
