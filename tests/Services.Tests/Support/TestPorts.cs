using System.Net;
using System.Net.Sockets;

namespace Services.Tests.Support;

/// <summary>
/// Free loopback ports for the fixtures of this assembly, each handed out once: the kernel may give the same
/// just-released port to two quick "bind to 0" probes, and a sidecar set with one port twice does not start.
/// </summary>
public static class TestPorts
{
    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();

    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (Gate)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
