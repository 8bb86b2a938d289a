namespace DeepSeek.Dapr.GatewayAi.Completions;

internal static class TaskGroup
{
    /// <summary>
    /// Waits until every task has finished, successfully or not. The caller then awaits each task in the order it wants
    /// its failures reported (a key failure before a model failure), and no task is left running unobserved.
    /// </summary>
    public static async Task SettleAsync(params Task[] tasks)
    {
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (Exception) when (tasks.All(t => t.IsCompleted))
        {
            // Each task's own await reports its failure; WhenAll would only surface the first one.
        }
    }
}
