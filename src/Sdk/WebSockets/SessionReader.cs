namespace Sdk.WebSockets;

/// <summary>
/// The enumerable and enumerator behind <see cref="WebSocketSession{TSend, TReceive}.ReadAllAsync"/> and
/// <see cref="WebSocketSession{TSend, TReceive}.ReadMessagesAsync"/>: <c>MoveNextAsync</c> is the session's receive itself,
/// so a message already buffered is delivered without any state machine. The read is claimed on the first
/// <c>MoveNextAsync</c> and released by <c>DisposeAsync</c>.
/// </summary>
internal sealed class SessionReader<TSend, TReceive, TItem>(
    WebSocketSession<TSend, TReceive> session,
    Func<WebSocketSession<TSend, TReceive>, TItem> current,
    CancellationToken cancellationToken) : IAsyncEnumerable<TItem>, IAsyncEnumerator<TItem>
{
    private CancellationToken _callerToken = cancellationToken;
    private CancellationTokenSource? _linked;
    private CancellationTokenSource? _readLink;
    private CancellationToken _token;
    private int _state; // 0 new, 1 enumerator handed out, 2 reading, 3 done

    public TItem Current { get; private set; } = default!;

    public IAsyncEnumerator<TItem> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            return new SessionReader<TSend, TReceive, TItem>(session, current, _callerToken).GetAsyncEnumerator(cancellationToken);
        }

        if (cancellationToken.CanBeCanceled && cancellationToken != _callerToken)
        {
            if (_callerToken.CanBeCanceled)
            {
                _linked = CancellationTokenSource.CreateLinkedTokenSource(_callerToken, cancellationToken);
                _callerToken = _linked.Token;
            }
            else
            {
                _callerToken = cancellationToken;
            }
        }

        return this;
    }

    public ValueTask<bool> MoveNextAsync()
    {
        if (_state != 2)
        {
            if (_state == 3)
            {
                return new ValueTask<bool>(false);
            }

            session.BeginRead();
            _state = 2;
            _token = session.ReadToken(_callerToken, out _readLink);
        }

        ValueTask<bool> next = session.ReceiveNextAsync(_token, _callerToken);
        if (next.IsCompletedSuccessfully)
        {
            return new ValueTask<bool>(Advance(next.Result));
        }

        return AwaitAsync(next);
    }

    public ValueTask DisposeAsync()
    {
        if (_state == 2)
        {
            session.EndRead();
        }

        _state = 3;
        Current = default!;
        _readLink?.Dispose();
        _readLink = null;
        _linked?.Dispose();
        _linked = null;
        return ValueTask.CompletedTask;
    }

    private async ValueTask<bool> AwaitAsync(ValueTask<bool> next) => Advance(await next.ConfigureAwait(false));

    private bool Advance(bool has)
    {
        if (has)
        {
            Current = current(session);
        }

        return has;
    }
}
