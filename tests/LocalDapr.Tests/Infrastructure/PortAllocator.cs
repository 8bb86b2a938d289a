using System.Net;
using System.Net.Sockets;

namespace LocalDapr.Tests.Infrastructure;

/// <summary>
/// Free loopback ports for sidecars (which must know their ports before they listen). Each port is handed out
/// once per test run, so parallel tests in this process never collide with each other. Ports come from below the
/// kernel's ephemeral range (32768+ on Linux): a port taken from that range and released could be grabbed as the
/// source port of any outgoing connection on the machine before the test binds it.
/// </summary>
public static class PortAllocator
{
    private const int First = 20000;
    private const int Last = 32000;
    private static readonly HashSet<int> Handed = [];

    public static int Next()
    {
        while (true)
        {
            var port = Random.Shared.Next(First, Last);
            lock (Handed)
            {
                if (!Handed.Add(port))
                {
                    continue;
                }
            }

            if (IsFree(port))
            {
                return port;
            }
        }
    }

    private static bool IsFree(int port)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
