using System.Net;
using System.Net.Sockets;

namespace LocalDapr.Tests.Infrastructure;

/// <summary>
/// Free loopback ports for sidecars (which must know their ports before they listen). Each port is handed out
/// once per test run, so parallel tests in this process never collide with each other.
/// </summary>
public static class PortAllocator
{
    private static readonly HashSet<int> Handed = [];

    public static int Next()
    {
        while (true)
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            lock (Handed)
            {
                if (Handed.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
