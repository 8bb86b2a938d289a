using Google.Protobuf;
using Grpc.Core;
using DaprProto = Dapr.Client.Autogen.Grpc.v1.Dapr;

namespace LocalDapr.Grpc;

/// <summary>
/// <c>Method</c> descriptors for <c>dapr.proto.runtime.v1.Dapr</c>, built from the message types of Dapr.Protos
/// (which ships no server base class). Names come from the proto descriptor, and each method's request/response
/// types are checked against it, so a Dapr.Protos upgrade that changes a signature fails at start-up, not on a call.
/// </summary>
public static class DaprGrpcMethods
{
    public static string ServiceName => DaprProto.Descriptor.FullName;

    /// <summary>Null when this Dapr.Protos version has no such method.</summary>
    public static Method<TRequest, TResponse>? Unary<TRequest, TResponse>(string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var method = DaprProto.Descriptor.FindMethodByName(name);
        if (method is null)
        {
            return null;
        }

        if (method.InputType.ClrType != typeof(TRequest) || method.OutputType.ClrType != typeof(TResponse))
        {
            throw new InvalidOperationException(
                $"{ServiceName}/{name} is {method.InputType.ClrType?.Name} → {method.OutputType.ClrType?.Name} in Dapr.Protos, not {typeof(TRequest).Name} → {typeof(TResponse).Name}");
        }

        return new Method<TRequest, TResponse>(MethodType.Unary, ServiceName, name, MarshallerFor<TRequest>(), MarshallerFor<TResponse>());
    }

    private static Marshaller<T> MarshallerFor<T>()
        where T : class, IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        return Marshallers.Create<T>(
            (message, context) =>
            {
                context.SetPayloadLength(message.CalculateSize());
                message.WriteTo(context.GetBufferWriter());
                context.Complete();
            },
            context => parser.ParseFrom(context.PayloadAsReadOnlySequence()));
    }
}
