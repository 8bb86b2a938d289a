using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.Contracts.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepSeek.Dapr.Training.Apis;

/// <summary>
/// Fine-tuning is not built yet: every route under <c>/internal/fine_tuning</c> answers 501 in the OpenAI error
/// shape, so clients get a plain answer instead of a 404 that looks like a wrong URL.
/// </summary>
public static class FineTuningApi
{
    public const string NotImplementedMessage =
        "Fine-tuning jobs are not implemented yet in DeepSeek.Dapr: the training service starts and answers health, " +
        "but cannot create, list, inspect or cancel jobs.";

    public static IEndpointRouteBuilder MapFineTuningApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/internal/fine_tuning");
        api.Map("/", NotImplemented).WithName("FineTuningRoot").WithSummary("501: fine-tuning jobs are not implemented yet");
        api.Map("/{**path}", NotImplemented).WithName("FineTuning").WithSummary("501: fine-tuning jobs are not implemented yet");
        return app;
    }

    public static JsonHttpResult<ErrorResponse> NotImplemented() =>
        TypedResults.Json(
            ErrorResponse.Create(NotImplementedMessage, ErrorTypes.InvalidRequest, "not_implemented"),
            ContractsJsonContext.Default.ErrorResponse,
            statusCode: StatusCodes.Status501NotImplemented);
}
