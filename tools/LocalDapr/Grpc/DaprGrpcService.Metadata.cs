using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace LocalDapr.Grpc;

public sealed partial class DaprGrpcService
{
    public Task<GetMetadataResponse> GetMetadata(GetMetadataRequest request, ServerCallContext context)
    {
        var model = metadata.Build(Caller(context));
        var response = new GetMetadataResponse
        {
            Id = model.Id,
            RuntimeVersion = model.RuntimeVersion,
            AppConnectionProperties = new AppConnectionProperties
            {
                Port = model.AppConnectionProperties.Port ?? 0,
                Protocol = model.AppConnectionProperties.Protocol,
                ChannelAddress = model.AppConnectionProperties.ChannelAddress,
            },
        };
        response.ExtendedMetadata.Add(new Dictionary<string, string>(model.Extended));
        response.EnabledFeatures.Add(model.EnabledFeatures);
        response.RegisteredComponents.Add(model.Components.Select(c => new RegisteredComponents
        {
            Name = c.Name,
            Type = c.Type,
            Version = c.Version,
            Capabilities = { c.Capabilities },
        }));
        response.HttpEndpoints.Add(model.HttpEndpoints.Select(e => new MetadataHTTPEndpoint { Name = e.Name }));
        response.Subscriptions.Add(model.Subscriptions.Select(s => new PubsubSubscription
        {
            PubsubName = s.PubsubName,
            Topic = s.Topic,
            DeadLetterTopic = s.DeadLetterTopic ?? string.Empty,
            Rules = new PubsubSubscriptionRules { Rules = { s.Rules.Select(r => new PubsubSubscriptionRule { Match = r.Match ?? string.Empty, Path = r.Path }) } },
            Type = System.Enum.TryParse<PubsubSubscriptionType>(s.Type, ignoreCase: true, out var type) ? type : PubsubSubscriptionType.Unknown,
        }));
        return Task.FromResult(response);
    }

    public Task<Empty> SetMetadata(SetMetadataRequest request, ServerCallContext context)
    {
        extendedMetadata.Set(Caller(context).AppId, request.Key, request.Value);
        return Task.FromResult(EmptyReply);
    }

    /// <summary>One runtime serves every app, so an app asking its sidecar to stop must not stop the others.</summary>
    public Task<Empty> Shutdown(ShutdownRequest request, ServerCallContext context)
    {
        LogShutdownIgnored(Caller(context).AppId);
        return Task.FromResult(EmptyReply);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId} asked its sidecar to shut down; ignored because the local runtime is shared by all apps")]
    private partial void LogShutdownIgnored(string appId);
}
