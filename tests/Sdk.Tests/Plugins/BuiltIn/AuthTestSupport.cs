using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Plugins.BuiltIn;

/// <summary>
/// A scripted token provider for <see cref="ApiCredential.FromTokenProvider"/> on a <see cref="ManualTimeProvider"/>: call n
/// returns <c>tok-n</c>, valid for <see cref="Lifetime"/> from the clock reading when it answers, unless the test held it
/// (<see cref="Hold"/>), gave it another answer or made it fail (<see cref="Answer"/>, <see cref="Fail"/>). Counts its calls
/// and lets a test await the moment call n began (and read the clock at that moment).
/// </summary>
internal sealed class AuthTokenSource
{
    private readonly ManualTimeProvider _time;
    private readonly ConcurrentDictionary<int, Task> _holds = new();
    private readonly ConcurrentDictionary<int, Func<DateTimeOffset, AccessToken>> _answers = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<DateTimeOffset>> _began = new();
    private int _calls;

    public AuthTokenSource(ManualTimeProvider time, TimeSpan? lifetime = null)
    {
        _time = time;
        Lifetime = lifetime ?? TimeSpan.FromMinutes(10);
    }

    /// <summary>How long a token is valid from the moment the provider answers.</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>How many times the provider was called.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>The token call <paramref name="call"/> returns by default.</summary>
    public static string TokenOf(int call) => "tok-" + call;

    /// <summary>The <c>Authorization</c> header that carries <see cref="TokenOf"/>.</summary>
    public static string HeaderOf(int call) => "Bearer " + TokenOf(call);

    /// <summary>A credential backed by this provider.</summary>
    public ApiCredential Credential(TimeSpan? refreshAhead = null) => ApiCredential.FromTokenProvider(GetTokenAsync, refreshAhead);

    /// <summary>Call <paramref name="call"/> waits for <paramref name="gate"/> before it answers.</summary>
    public AuthTokenSource Hold(int call, Task gate)
    {
        _holds[call] = gate;
        return this;
    }

    /// <summary>Call <paramref name="call"/> answers <paramref name="answer"/>(the clock reading).</summary>
    public AuthTokenSource Answer(int call, Func<DateTimeOffset, AccessToken> answer)
    {
        _answers[call] = answer;
        return this;
    }

    /// <summary>Call <paramref name="call"/> throws <paramref name="error"/> (asynchronously, from the provider's task).</summary>
    public AuthTokenSource Fail(int call, Exception error) => Answer(call, _ => throw error);

    /// <summary>Completes, within <see cref="CoreAsync.Bound"/>, with the clock reading when call <paramref name="call"/> began.</summary>
    public Task<DateTimeOffset> BeganAsync(int call) => Began(call).Task.WaitAsync(CoreAsync.Bound);

    private TaskCompletionSource<DateTimeOffset> Began(int call) =>
        _began.GetOrAdd(call, static _ => new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously));

    private async ValueTask<AccessToken> GetTokenAsync(CancellationToken cancellationToken)
    {
        int call = Interlocked.Increment(ref _calls);
        Began(call).TrySetResult(_time.GetUtcNow());
        if (_holds.TryGetValue(call, out Task? gate))
        {
            await gate.WaitAsync(cancellationToken);
        }
        else
        {
            await Task.Yield(); // a provider is asynchronous (a token endpoint)
        }

        DateTimeOffset now = _time.GetUtcNow();
        return _answers.TryGetValue(call, out Func<DateTimeOffset, AccessToken>? answer) ? answer(now) : new AccessToken(TokenOf(call), now + Lifetime);
    }
}

/// <summary>
/// A real Kestrel server on 127.0.0.1 that checks bearer tokens like an API would: a request whose <c>Authorization</c>
/// header is one of the accepted values gets 200 with an <see cref="Item"/> (its id is the request number); any other gets
/// 401 with <c>WWW-Authenticate: Bearer</c> and an error body that echoes the header it refused (so tests can check that the
/// SDK keeps the token out of the exception). Tokens can be accepted and revoked while it runs.
/// </summary>
internal sealed class AuthServer : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _accepted = new(StringComparer.Ordinal);
    private TestServer? _server;

    private AuthServer()
    {
    }

    /// <summary>Every request, in arrival order.</summary>
    public CoreRequestLog Log { get; } = new();

    /// <summary>The server's base address, ending with a slash.</summary>
    public Uri BaseAddress => _server!.BaseAddress;

    /// <summary>The <c>Authorization</c> header of every request, in arrival order (<see langword="null"/> when absent).</summary>
    public IReadOnlyList<string?> Authorizations => [.. Log.Requests.Select(static r => r.Header("Authorization"))];

    /// <summary>Starts a server that accepts the <c>Authorization</c> values <paramref name="accepted"/>.</summary>
    public static async Task<AuthServer> StartAsync(params string[] accepted)
    {
        var auth = new AuthServer();
        auth.Accept(accepted);
        auth._server = await TestServer.StartAsync(app =>
        {
            auth.Log.Attach(app);
            app.Run(auth.HandleAsync);
        });
        return auth;
    }

    /// <summary>Accepts these <c>Authorization</c> values from now on.</summary>
    public void Accept(params string[] values)
    {
        lock (_lock)
        {
            _accepted.UnionWith(values);
        }
    }

    /// <summary>Refuses this <c>Authorization</c> value from now on.</summary>
    public void Revoke(string value)
    {
        lock (_lock)
        {
            _accepted.Remove(value);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private Task HandleAsync(HttpContext context)
    {
        string sent = context.Request.Headers.Authorization.ToString();
        bool accepted;
        lock (_lock)
        {
            accepted = _accepted.Contains(sent);
        }

        int number = Log.Requests.Count;
        if (accepted)
        {
            return Results.Json(new Item(number, "ok"), TestJson.Default.Item).ExecuteAsync(context);
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync($$$"""{"error":{"message":"the token in '{{{sent}}}' was refused","type":"auth"}}""");
    }
}

/// <summary>Helpers shared by the authentication tests.</summary>
internal static class AuthTestSupport
{
    /// <summary>
    /// Sends GETs to <paramref name="path"/> of a chaos endpoint until one reaches it with <paramref name="expected"/> as its
    /// <c>Authorization</c> header (a background refresh has landed), within <see cref="CoreAsync.Bound"/>. Every request
    /// before it must carry <paramref name="meanwhile"/>. Returns how many calls it made.
    /// </summary>
    public static async Task<int> SendUntilAuthorizationAsync(SdkClient client, ChaosScript script, string path, string expected, string meanwhile)
    {
        using var bound = new CancellationTokenSource(CoreAsync.Bound);
        for (int calls = 1; ; calls++)
        {
            await client.SendAsync(ApiRequest.Get(path), TestJson.Default.Item, bound.Token);
            string? sent = script.Log[script.Log.Count].Header("Authorization");
            if (sent == expected)
            {
                return calls;
            }

            Assert.Equal(meanwhile, sent);
            await Task.Yield();
        }
    }
}
