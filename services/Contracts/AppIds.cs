namespace DeepSeek.Dapr.Contracts;

/// <summary>Dapr app-ids. The same names are used in dapr.yaml, tye.yaml and k8s/.</summary>
public static class AppIds
{
    public const string Router = "router";
    public const string GatewayAi = "gateway-ai";
    public const string GatewayPlatform = "gateway-platform";
    public const string Auth = "auth";
    public const string Users = "users";
    public const string Chat = "chat";
    public const string Models = "models";
    public const string Inference = "inference";
    public const string Training = "training";
    public const string Monitoring = "monitoring";
}
