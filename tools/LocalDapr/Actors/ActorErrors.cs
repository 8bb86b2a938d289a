using Grpc.Core;
using LocalDapr.Components;
using Microsoft.AspNetCore.Http;

namespace LocalDapr.Actors;

/// <summary>daprd's actor API errors (dapr/dapr pkg/messages), thrown as <see cref="DaprApiException"/>.</summary>
internal static class ActorErrors
{
    public const string ReentrancyHeader = "Dapr-Reentrancy-Id";
    public const string ReminderCancelHeader = "X-DaprReminderCancel";

    public static DaprApiException NoStateStore() => new(new DaprApiError(
        StatusCodes.Status500InternalServerError,
        StatusCode.Internal,
        "ERR_ACTOR_RUNTIME_NOT_FOUND",
        "the state store is not configured to use the actor runtime. Have you set the - name: actorStateStore value: \"true\" in your state store component file?"));

    public static DaprApiException UnknownType(ActorKey actor) => new(new DaprApiError(
        StatusCodes.Status500InternalServerError,
        StatusCode.Internal,
        "ERR_ACTOR_INVOKE_METHOD",
        $"error invoke actor method: did not find address for actor {actor}: no app hosts actor type {actor.Type} (it must be listed in the app's GET /dapr/config entities)"));

    public static DaprApiException InvokeFailed(ActorKey actor, string reason) => new(new DaprApiError(
        StatusCodes.Status500InternalServerError, StatusCode.Internal, "ERR_ACTOR_INVOKE_METHOD", $"error invoke actor method {actor}: {reason}"));

    /// <summary>The app answered a method call with a failed status (daprd: "error from actor service", 404 = no such method).</summary>
    public static DaprApiException AppFailed(ActorKey actor, string method, int status, string body) => new(new DaprApiError(
        StatusCodes.Status500InternalServerError,
        StatusCode.Internal,
        "ERR_ACTOR_INVOKE_METHOD",
        status == StatusCodes.Status404NotFound
            ? $"error invoke actor method {actor}: actor method not found: {method}"
            : $"error invoke actor method {actor}: error from actor service: ({status}) {body}"));

    public static DaprApiException Malformed(string message) => new(DaprApiError.Malformed(message));

    public static DaprApiException ReminderCreate(string reason) => new(new DaprApiError(
        StatusCodes.Status500InternalServerError, StatusCode.Internal, "ERR_ACTOR_REMINDER_CREATE", $"error creating actor reminder: {reason}"));

    public static DaprApiException ReminderGet(string reason) => new(new DaprApiError(
        StatusCodes.Status500InternalServerError, StatusCode.Internal, "ERR_ACTOR_REMINDER_GET", $"error getting actor reminder: {reason}"));

    public static DaprApiException TimerCreate(string reason) => new(new DaprApiError(
        StatusCodes.Status500InternalServerError, StatusCode.Internal, "ERR_ACTOR_TIMER_CREATE", $"error creating actor timer: {reason}"));

    public static DaprApiException StateTransaction(string reason) => new(new DaprApiError(
        StatusCodes.Status500InternalServerError, StatusCode.Internal, "ERR_ACTOR_STATE_TRANSACTION_SAVE", $"error saving actor transaction state: {reason}"));

    public static DaprApiException StateGet(string reason) => new(new DaprApiError(
        StatusCodes.Status500InternalServerError, StatusCode.Internal, "ERR_ACTOR_STATE_GET", $"error getting actor state: {reason}"));
}
