using System.Net.Sockets;

namespace DeepSeek.Dapr.ServiceDefaults.Http;

/// <summary>
/// Outgoing connections with Nagle's algorithm off. A request whose headers and body leave in two small writes
/// otherwise waits for the peer's delayed ACK: measured on loopback, a users quota check took 3.2 ms p50 instead of
/// 0.7 ms and a cache hit through gateway-ai 30 ms instead of 11 ms. Every hop here is a small request, so every
/// client the services create uses this.
/// </summary>
public static class TcpNoDelay
{
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A pooled handler for service-to-service calls: no proxy, Nagle off.</summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        ConnectCallback = ConnectAsync,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };
}
