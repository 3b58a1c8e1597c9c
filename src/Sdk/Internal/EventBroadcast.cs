using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Sdk;

/// <summary>
/// Fans events out to any number of <see cref="IAsyncEnumerable{T}"/> subscribers. Publishing never blocks: each subscriber
/// has a bounded buffer that drops its oldest events when it falls behind. Nothing is kept when nobody subscribes.
/// </summary>
internal sealed class EventBroadcast<T>
{
    private const int Capacity = 256;
    private Channel<T>[] _subscribers = [];

    public void Publish(T value)
    {
        foreach (Channel<T> subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.Writer.TryWrite(value);
        }
    }

    public async IAsyncEnumerable<T> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Channel<T> channel = Channel.CreateBounded<T>(new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        Update(channel, add: true);
        try
        {
            await foreach (T value in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return value;
            }
        }
        finally
        {
            Update(channel, add: false);
        }
    }

    /// <summary>Ends every subscription (their enumerations finish normally).</summary>
    public void Complete()
    {
        foreach (Channel<T> subscriber in Interlocked.Exchange(ref _subscribers, []))
        {
            subscriber.Writer.TryComplete();
        }
    }

    private void Update(Channel<T> channel, bool add)
    {
        while (true)
        {
            Channel<T>[] current = Volatile.Read(ref _subscribers);
            Channel<T>[] next = add ? [.. current, channel] : [.. current.Where(c => c != channel)];
            if (Interlocked.CompareExchange(ref _subscribers, next, current) == current)
            {
                return;
            }
        }
    }
}
