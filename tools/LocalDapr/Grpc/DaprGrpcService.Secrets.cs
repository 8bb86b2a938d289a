using Dapr.Client.Autogen.Grpc.v1;
using Grpc.Core;

namespace LocalDapr.Grpc;

public sealed partial class DaprGrpcService
{
    public Task<GetSecretResponse> GetSecret(GetSecretRequest request, ServerCallContext context) => Guard(async () =>
    {
        var secret = await secrets.GetAsync(Caller(context).AppId, request.StoreName, request.Key, new Dictionary<string, string>(request.Metadata), context.CancellationToken);
        var response = new GetSecretResponse();
        response.Data.Add(new Dictionary<string, string>(secret));
        return response;
    });

    public Task<GetBulkSecretResponse> GetBulkSecret(GetBulkSecretRequest request, ServerCallContext context) => Guard(async () =>
    {
        var all = await secrets.GetBulkAsync(Caller(context).AppId, request.StoreName, new Dictionary<string, string>(request.Metadata), context.CancellationToken);
        var response = new GetBulkSecretResponse();
        foreach (var (name, values) in all)
        {
            var secret = new SecretResponse();
            secret.Secrets.Add(new Dictionary<string, string>(values));
            response.Data[name] = secret;
        }

        return response;
    });
}
