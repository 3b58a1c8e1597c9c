namespace Sdk.Tests.Infrastructure;

/// <summary>Enumerates streams in tests, always within a real-time bound so a bug fails the test instead of hanging it.</summary>
public static class StreamCollect
{
    /// <summary>The bound on any single wait in a streaming test.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    /// <summary>Every item until the end; throws what the stream throws.</summary>
    public static Task<List<T>> AllAsync<T>(IAsyncEnumerable<T> source) => CollectAsync(source, []).WaitAsync(Limit);

    /// <summary>The items until the end or the first exception, and that exception (or <see langword="null"/>).</summary>
    public static async Task<(List<T> Items, Exception? Error)> UntilErrorAsync<T>(IAsyncEnumerable<T> source)
    {
        var items = new List<T>();
        try
        {
            await CollectAsync(source, items).WaitAsync(Limit);
            return (items, null);
        }
        catch (TimeoutException)
        {
            throw;
        }
        catch (Exception ex)
        {
            return (items, ex);
        }
    }

    /// <summary>Enumerates until the end or an exception, which must be a <typeparamref name="TException"/>; returns the items and it.</summary>
    public static async Task<(List<T> Items, TException Error)> UntilAsync<T, TException>(IAsyncEnumerable<T> source)
        where TException : Exception
    {
        (List<T> items, Exception? error) = await UntilErrorAsync(source);
        Assert.NotNull(error);
        return (items, Assert.IsType<TException>(error));
    }

    /// <summary>One <c>MoveNextAsync</c>, bounded.</summary>
    public static Task<bool> NextAsync<T>(IAsyncEnumerator<T> enumerator) => enumerator.MoveNextAsync().AsTask().WaitAsync(Limit);

    private static async Task<List<T>> CollectAsync<T>(IAsyncEnumerable<T> source, List<T> items)
    {
        await foreach (T item in source)
        {
            items.Add(item);
        }

        return items;
    }
}
