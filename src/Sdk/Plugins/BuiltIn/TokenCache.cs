namespace Sdk.Plugins.BuiltIn;

/// <summary>
/// The tokens of a token provider for one client: the current one is handed out without a wait until its refresh time; then
/// it is still handed out while one shared background refresh runs; once expired (or rejected with a 401), callers wait for
/// the shared refresh. Every token obtained is registered as a secret.
/// </summary>
internal sealed class TokenCache
{
    private readonly Func<CancellationToken, ValueTask<AccessToken>> _provider;
    private readonly TimeSpan _refreshAhead;
    private readonly string? _headerPrefix;
    private readonly TimeProvider _time;
    private readonly SecretRedactor _secrets;
    private readonly CancellationToken _lifetime;
    private readonly Lock _lock = new();
    private volatile Entry? _current;
    private Task<Entry>? _refreshing;

    public TokenCache(ApiCredential credential, TimeProvider time, SecretRedactor secrets, CancellationToken lifetime)
    {
        _provider = credential.Provider!;
        _refreshAhead = credential.RefreshAhead;
        _headerPrefix = credential.HeaderPrefix;
        _time = time;
        _secrets = secrets;
        _lifetime = lifetime;
    }

    /// <summary>The token to send now.</summary>
    public ValueTask<Entry> GetAsync(CancellationToken cancellationToken)
    {
        Entry? current = _current;
        if (current is not null)
        {
            DateTimeOffset now = _time.GetUtcNow();
            if (now < current.RefreshAt)
            {
                return new ValueTask<Entry>(current);
            }

            if (now < current.ExpiresOn)
            {
                _ = Refresh(current); // in the background: the current token is still good
                return new ValueTask<Entry>(current);
            }
        }

        return new ValueTask<Entry>(Refresh(current).WaitAsync(cancellationToken));
    }

    /// <summary>The server refused <paramref name="headerValue"/>: forget it (unless a newer token replaced it already) and get a new one.</summary>
    public Task<Entry> RefreshAfterRejectionAsync(string? headerValue, CancellationToken cancellationToken)
    {
        // Under the lock, so that a refresh that finishes meanwhile is either joined or seen, never followed by a second one.
        Task<Entry> refresh;
        lock (_lock)
        {
            if (_current is { } current)
            {
                if (headerValue is not null && current.HeaderValue != headerValue)
                {
                    return Task.FromResult(current);
                }

                _current = null;
            }

            refresh = RefreshLocked();
        }

        return refresh.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The refresh in progress, or a new one, for a caller that found <paramref name="seen"/> (or no token) not good enough;
    /// the token that replaced <paramref name="seen"/> if a refresh finished since the caller looked (no second refresh).
    /// </summary>
    private Task<Entry> Refresh(Entry? seen)
    {
        DateTimeOffset now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_current is { } latest && !ReferenceEquals(latest, seen) && now < latest.ExpiresOn)
            {
                return Task.FromResult(latest);
            }

            return RefreshLocked();
        }
    }

    /// <summary>The refresh in progress, or a new one; the caller holds <see cref="_lock"/>.</summary>
    private Task<Entry> RefreshLocked()
    {
        if (_refreshing is null)
        {
            _refreshing = RefreshCoreAsync();

            // A background refresh may fail with nobody awaiting it: observe the failure (callers that await still get it).
            _refreshing.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return _refreshing;
    }

    private async Task<Entry> RefreshCoreAsync()
    {
        await Task.Yield(); // the provider runs outside the lock and off the first caller's stack
        try
        {
            AccessToken token = await _provider(_lifetime).ConfigureAwait(false);
            DateTimeOffset now = _time.GetUtcNow();
            if (string.IsNullOrWhiteSpace(token.Token) || HeaderNames.HasLineBreak(token.Token))
            {
                throw new InvalidOperationException("The token provider returned an empty token or one with a line break.");
            }

            _secrets.Add(token.Token);
            if (token.ExpiresOn <= now)
            {
                throw new InvalidOperationException($"The token provider returned a token that expired at {token.ExpiresOn:O} (now {now:O}).");
            }

            // Refresh ahead of expiry, by at most half the token's remaining life (a 10-minute token is not refreshed at once).
            TimeSpan life = token.ExpiresOn - now;
            TimeSpan ahead = _refreshAhead < life / 2 ? _refreshAhead : life / 2;
            var entry = new Entry(_headerPrefix + token.Token, token.ExpiresOn - ahead, token.ExpiresOn);
            _current = entry;
            return entry;
        }
        catch when (_current is { } current && _time.GetUtcNow() < current.ExpiresOn)
        {
            // A background refresh failed while the token is still valid: keep it, and try again in a while (not on every call).
            DateTimeOffset now = _time.GetUtcNow();
            TimeSpan wait = (current.ExpiresOn - now) / 2;
            _current = current with { RefreshAt = now + (wait < TimeSpan.FromSeconds(30) ? wait : TimeSpan.FromSeconds(30)) };
            throw;
        }
        finally
        {
            lock (_lock)
            {
                _refreshing = null;
            }
        }
    }

    /// <summary>A token as sent, when to refresh it and when it expires.</summary>
    internal sealed record Entry(string HeaderValue, DateTimeOffset RefreshAt, DateTimeOffset ExpiresOn)
    {
        /// <inheritdoc />
        public override string ToString() => $"Token(***, refresh {RefreshAt:O}, expires {ExpiresOn:O})";
    }
}
