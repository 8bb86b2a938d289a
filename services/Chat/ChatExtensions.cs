using DeepSeek.Dapr.Chat.Context;
using DeepSeek.Dapr.Contracts;
using DeepSeek.Dapr.ServiceDefaults.State;

namespace DeepSeek.Dapr.Chat;

public static class ChatExtensions
{
    public static WebApplicationBuilder AddChat(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<ChatOptions>(builder.Configuration.GetSection("Chat"));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddJsonStateStore(Components.ChatDb);
        builder.Services.AddSingleton<ConversationStore>();
        return builder;
    }
}
