namespace Sdk.Tests.Infrastructure.WebSockets;

/// <summary>
/// Lets a test await a condition on a server's state without polling: the server calls <see cref="Notify"/> on every
/// change and <see cref="WaitUntilAsync"/> re-checks the condition after each one, failing with a
/// <see cref="TimeoutException"/> once the time is up.
/// </summary>
public sealed class ChangeSignal
{
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes every waiter so it re-checks its condition.</summary>
    public void Notify() => Interlocked.Exchange(ref _changed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Completes when <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> with <paramref name="describe"/>'s text after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed = Volatile.Read(ref _changed).Task;
            if (condition())
            {
                return;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                if (condition())
                {
                    return;
                }

                throw new TimeoutException($"Waited {timeout.TotalSeconds:0.###} s: {describe()}.");
            }
        }
    }
}
