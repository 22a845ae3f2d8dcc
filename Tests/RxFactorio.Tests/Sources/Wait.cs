using System.Diagnostics;

namespace RxFactorio.Tests.Sources;

/// <summary>Condition waits with a deadline: tests never sleep for a fixed time.</summary>
internal static class Wait
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public static async Task UntilAsync(Func<bool> condition, Func<string> describe, TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? Timeout;
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s: {describe()}");
            }

            await Task.Delay(10);
        }
    }

    public static async Task ForAsync(Task task, string what, TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? Timeout;
        try
        {
            await task.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting for {what}");
        }
    }

    public static async Task<T> ForAsync<T>(Task<T> task, string what, TimeSpan? timeout = null)
    {
        await ForAsync((Task)task, what, timeout);
        return await task;
    }
}
