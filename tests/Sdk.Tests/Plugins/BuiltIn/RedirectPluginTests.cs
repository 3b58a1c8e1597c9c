using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Plugins.BuiltIn;
using Sdk.Tests.Infrastructure;
using Sdk.Transport;

namespace Sdk.Tests.Plugins.BuiltIn;

/// <summary>
/// The built-in redirect plugin (src/Sdk/Plugins/BuiltIn/RedirectPlugin.cs) against real Kestrel servers: two servers are two
/// origins. Same-origin hops keep the request as sent; cross-origin hops carry only the harmless headers; methods change as
/// browsers do; the number of hops is bounded.
/// </summary>
public sealed class RedirectPluginTests
{
    private static readonly EchoRequest Body = new("order", 1);

    /// <summary>An endpoint answering <paramref name="status"/> with <c>Location: <paramref name="location"/></c> and no body.</summary>
    private static RequestDelegate RedirectTo(int status, string location) => context =>
    {
        context.Response.StatusCode = status;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    };

    private static IResult Json(int id, string text) => Results.Json(new Item(id, text), TestJson.Default.Item);

    private static (ApiCredential Credential, string Header, string Value) CredentialOf(string kind) => kind switch
    {
        "bearer" => (ApiCredential.Bearer("tok-123"), "Authorization", "Bearer tok-123"),
        "apikey" => (ApiCredential.ApiKey("key-456"), "x-api-key", "key-456"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [InlineData("bearer")]
    [InlineData("apikey")]
    public async Task SameOrigin302_IsFollowedWithTheCredentialAndTheDefaultHeaders(string kind)
    {
        (ApiCredential credential, string header, string value) = CredentialOf(kind);
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.Map("/v1/old", RedirectTo(302, "/v1/new"));
            app.MapGet("/v1/new", () => Json(2, "new"));
        });
        var options = new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), Credential = credential };
        options.DefaultHeaders["X-Tenant"] = "acme";
        await using SdkClient client = SdkClient.Create(options);

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("old"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal("new", response.Value.Text);
        Assert.Equal(["/v1/old", "/v1/new"], log.Requests.Select(r => r.Path));
        CoreSeenRequest first = log.Requests[0];
        CoreSeenRequest hop = log.Requests[1];
        Assert.Equal(value, first.Header(header));
        Assert.Equal(value, hop.Header(header));
        Assert.Equal("acme", hop.Header("X-Tenant"));
        Assert.Equal(SdkHeadersPlugin.DefaultUserAgent, hop.Header("User-Agent"));
        Assert.NotNull(first.Header("X-Client-Request-Id"));
        Assert.Equal(first.Header("X-Client-Request-Id"), hop.Header("X-Client-Request-Id"));
    }

    [Theory]
    [InlineData("bearer")]
    [InlineData("apikey")]
    public async Task CrossOriginHop_CarriesOnlyTheHarmlessHeaders(string kind)
    {
        (ApiCredential credential, string header, string value) = CredentialOf(kind);
        var otherLog = new CoreRequestLog();
        await using TestServer other = await TestServer.StartAsync(app =>
        {
            otherLog.Attach(app);
            app.MapGet("/landing", () => Json(3, "other"));
        });
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.Map("/v1/old", RedirectTo(302, new Uri(other.BaseAddress, "landing").AbsoluteUri));
        });
        var options = new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), Credential = credential };
        options.DefaultHeaders["X-Tenant"] = "acme";
        await using SdkClient client = SdkClient.Create(options);

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("old").WithHeader("Cookie", "session=s3cr3t"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal("other", response.Value.Text);
        CoreSeenRequest first = log.Single;
        Assert.Equal(value, first.Header(header)); // the client's own origin got everything
        Assert.Equal("acme", first.Header("X-Tenant"));
        Assert.Equal("session=s3cr3t", first.Header("Cookie"));

        CoreSeenRequest hop = otherLog.Single;
        Assert.Null(hop.Header("Authorization"));
        Assert.Null(hop.Header("x-api-key"));
        Assert.Null(hop.Header("X-Tenant"));
        Assert.Null(hop.Header("Cookie"));
        Assert.DoesNotContain(hop.Headers.Values, v => v.Contains("tok-123", StringComparison.Ordinal) || v.Contains("key-456", StringComparison.Ordinal));
        Assert.NotNull(hop.Header("Accept"));
        Assert.Equal(first.Header("Accept"), hop.Header("Accept"));
        Assert.Equal(SdkHeadersPlugin.DefaultUserAgent, hop.Header("User-Agent"));
        Assert.NotNull(hop.Header("X-Client-Request-Id"));
        Assert.Equal(first.Header("X-Client-Request-Id"), hop.Header("X-Client-Request-Id"));
    }

    [Fact]
    public async Task ChainClientOtherClient_TheCredentialComesBackOnTheClientsOrigin()
    {
        var otherLog = new CoreRequestLog();
        var log = new CoreRequestLog();
        TestServer? server = null;
        await using TestServer other = await TestServer.StartAsync(app =>
        {
            otherLog.Attach(app);
            app.Map("/bounce", context => RedirectTo(302, new Uri(server!.BaseAddress, "v1/end").AbsoluteUri)(context));
        });
        await using TestServer started = server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.Map("/v1/start", RedirectTo(302, new Uri(other.BaseAddress, "bounce").AbsoluteUri));
            app.MapGet("/v1/end", () => Json(4, "back"));
        });
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), Credential = ApiCredential.Bearer("tok-123") });

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("start"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal("back", response.Value.Text);
        Assert.Equal(["/v1/start", "/v1/end"], log.Requests.Select(r => r.Path));
        Assert.All(log.Requests, r => Assert.Equal("Bearer tok-123", r.Header("Authorization")));
        Assert.Null(otherLog.Single.Header("Authorization"));
        string? id = log.Requests[0].Header("X-Client-Request-Id");
        Assert.NotNull(id);
        Assert.Equal(id, otherLog.Single.Header("X-Client-Request-Id"));
        Assert.Equal(id, log.Requests[1].Header("X-Client-Request-Id"));
    }

    [Fact]
    public async Task Post303_BecomesGetWithoutBody()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapPost("/v1/orders", RedirectTo(303, "/v1/orders/7"));
            app.MapGet("/v1/orders/7", () => Json(7, "created"));
        });
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Post("orders", Body, TestJson.Default.EchoRequest), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal("created", response.Value.Text);
        Assert.Equal(2, log.Requests.Count);
        Assert.Equal("POST", log.Requests[0].Method);
        Assert.Contains("order", log.Requests[0].Body, StringComparison.Ordinal);
        AssertBodylessGet(log.Requests[1], "/v1/orders/7");
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    public async Task Post301Or302_BecomesGetWithoutBody(int status)
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapPost("/v1/orders", RedirectTo(status, "/v1/moved"));
            app.MapGet("/v1/moved", () => Json(8, "moved"));
        });
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Post("orders", Body, TestJson.Default.EchoRequest), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal("moved", response.Value.Text);
        Assert.Equal(2, log.Requests.Count);
        AssertBodylessGet(log.Requests[1], "/v1/moved");
    }

    [Theory]
    [InlineData(307)]
    [InlineData(308)]
    public async Task Post307Or308_KeepsMethodBodyAndContentType(int status)
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapPost("/v1/orders", RedirectTo(status, "/v1/orders-v2"));
            app.MapPost("/v1/orders-v2", () => Json(9, "kept"));
        });
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Post("orders", Body, TestJson.Default.EchoRequest), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal("kept", response.Value.Text);
        Assert.Equal(2, log.Requests.Count);
        CoreSeenRequest first = log.Requests[0];
        CoreSeenRequest hop = log.Requests[1];
        Assert.Equal("/v1/orders-v2", hop.Path);
        Assert.Equal("POST", hop.Method);
        Assert.Contains("\"order\"", first.Body, StringComparison.Ordinal);
        Assert.Equal(first.Body, hop.Body);
        Assert.NotNull(first.Header("Content-Type"));
        Assert.Equal(first.Header("Content-Type"), hop.Header("Content-Type"));
        Assert.Equal(first.Header("Idempotency-Key"), hop.Header("Idempotency-Key")); // same origin: the request as it was sent
    }

    [Fact]
    public async Task CrossOrigin307_KeepsBodyAndContentTypeButNotTheCredential()
    {
        var otherLog = new CoreRequestLog();
        await using TestServer other = await TestServer.StartAsync(app =>
        {
            otherLog.Attach(app);
            app.MapPost("/orders", () => Json(10, "elsewhere"));
        });
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapPost("/v1/orders", RedirectTo(307, new Uri(other.BaseAddress, "orders").AbsoluteUri));
        });
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), Credential = ApiCredential.Bearer("tok-123") });

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Post("orders", Body, TestJson.Default.EchoRequest), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal("elsewhere", response.Value.Text);
        CoreSeenRequest hop = otherLog.Single;
        Assert.Equal("POST", hop.Method);
        Assert.Equal(log.Single.Body, hop.Body);
        Assert.Equal(log.Single.Header("Content-Type"), hop.Header("Content-Type"));
        Assert.Null(hop.Header("Authorization"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    public async Task MaxRedirectsReached_TheLast3xxIsTheAnswerAfterMaxRedirectsPlusOneRequests(int? maxRedirects)
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.MapGet("/v1/hop/{n:int}", (HttpContext context, int n) =>
                RedirectTo(302, string.Create(CultureInfo.InvariantCulture, $"/v1/hop/{n + 1}"))(context));
        });
        RedirectOptions redirects = maxRedirects is { } max ? new RedirectOptions { MaxRedirects = max } : new RedirectOptions();
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") })
            .AddPlugin(new RedirectPlugin(redirects))
            .Build();

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("hop/0"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        int expected = redirects.MaxRedirects;
        Assert.Equal(maxRedirects ?? 5, expected);
        Assert.Equal(HttpStatusCode.Found, error.StatusCode);
        Assert.Equal(expected + 1, log.Requests.Count);
        Assert.Equal(
            Enumerable.Range(0, expected + 1).Select(n => string.Create(CultureInfo.InvariantCulture, $"/v1/hop/{n}")),
            log.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task SameOriginLoop_IsBounded()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.Map("/v1/loop", RedirectTo(302, "/v1/loop"));
        });
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") });

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("loop"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(HttpStatusCode.Found, error.StatusCode);
        Assert.Equal(new RedirectOptions().MaxRedirects + 1, log.Requests.Count);
    }

    [Fact]
    public async Task CrossOriginPingPongLoop_IsBounded()
    {
        var otherLog = new CoreRequestLog();
        var log = new CoreRequestLog();
        TestServer? server = null;
        await using TestServer other = await TestServer.StartAsync(app =>
        {
            otherLog.Attach(app);
            app.Map("/pong", context => RedirectTo(307, new Uri(server!.BaseAddress, "v1/ping").AbsoluteUri)(context));
        });
        await using TestServer started = server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.Map("/v1/ping", RedirectTo(307, new Uri(other.BaseAddress, "pong").AbsoluteUri));
        });
        await using SdkClient client = SdkClient.Create(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), Credential = ApiCredential.Bearer("tok-123") });

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("ping"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(HttpStatusCode.TemporaryRedirect, error.StatusCode);
        Assert.Equal(new RedirectOptions().MaxRedirects + 1, log.Requests.Count + otherLog.Requests.Count);
        Assert.All(log.Requests, r => Assert.Equal("Bearer tok-123", r.Header("Authorization")));
        Assert.All(otherLog.Requests, r => Assert.Null(r.Header("Authorization")));
    }

    [Fact]
    public async Task AllowCrossOriginFalse_TheCrossOrigin302IsTheAnswerAndSameOriginIsStillFollowed()
    {
        var otherLog = new CoreRequestLog();
        await using TestServer other = await TestServer.StartAsync(app =>
        {
            otherLog.Attach(app);
            app.MapGet("/landing", () => Json(3, "other"));
        });
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.Map("/v1/away", RedirectTo(302, new Uri(other.BaseAddress, "landing").AbsoluteUri));
            app.Map("/v1/near", RedirectTo(302, "/v1/here"));
            app.MapGet("/v1/here", () => Json(5, "here"));
        });
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), Credential = ApiCredential.Bearer("tok-123") })
            .AddPlugin(new RedirectPlugin(new RedirectOptions { AllowCrossOrigin = false }))
            .Build();

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("away"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));
        ApiResponse<Item> near = await client.SendAsync(ApiRequest.Get("near"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal(HttpStatusCode.Found, error.StatusCode);
        Assert.NotNull(error.Headers);
        Assert.True(error.Headers.TryGetValue("Location", out string? location));
        Assert.Equal(new Uri(other.BaseAddress, "landing").AbsoluteUri, location);
        Assert.Empty(otherLog.Requests);
        Assert.Equal("here", near.Value.Text);
        Assert.Equal(["/v1/away", "/v1/near", "/v1/here"], log.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task RemovePlugin_The302IsTheAnswer()
    {
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.Map("/v1/old", RedirectTo(302, "/v1/new"));
            app.MapGet("/v1/new", () => Json(2, "new"));
        });
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = new Uri(server.BaseAddress, "v1/") })
            .RemovePlugin(BuiltInPlugins.Redirects)
            .Build();

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("old"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(HttpStatusCode.Found, error.StatusCode);
        Assert.False(client.Plugins.TryGet(BuiltInPlugins.Redirects, out _));
        Assert.Equal("/v1/old", log.Single.Path);
    }

    // No TLS server is at hand on 127.0.0.1, so the https cases run on the SDK's own InMemoryTransport (a product feature):
    // the plugin sees the same HttpRequestMessage/HttpResponseMessage pair it sees over the network.
    [Fact]
    public async Task HttpsToHttpDowngrade_IsRefused()
    {
        var transport = new InMemoryTransport();
        transport.Enqueue(ScriptedResponse.Create(HttpStatusCode.Found).WithHeader("Location", "http://api.example.test/v1/plain"));
        transport.Enqueue(ScriptedResponse.Json("""{"id":1,"text":"plain"}"""));
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = new Uri("https://api.example.test/v1/"), Credential = ApiCredential.Bearer("tok-123") })
            .UseTransport(transport)
            .Build();

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("secure"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(HttpStatusCode.Found, error.StatusCode);
        RecordedRequest sent = Assert.Single(transport.Requests);
        Assert.Equal(new Uri("https://api.example.test/v1/secure"), sent.Uri);
    }

    [Fact]
    public async Task HttpsToOtherHttpsOrigin_IsFollowedWithoutTheCredential()
    {
        var transport = new InMemoryTransport();
        transport.Enqueue(ScriptedResponse.Create(HttpStatusCode.Found).WithHeader("Location", "https://cdn.example.test/blob"));
        transport.Enqueue(ScriptedResponse.Json("""{"id":1,"text":"cdn"}"""));
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = new Uri("https://api.example.test/v1/"), Credential = ApiCredential.Bearer("tok-123") })
            .UseTransport(transport)
            .Build();

        ApiResponse<Item> response = await client.SendAsync(ApiRequest.Get("secure"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound);

        Assert.Equal("cdn", response.Value.Text);
        RecordedRequest[] sent = [.. transport.Requests];
        Assert.Equal(2, sent.Length);
        Assert.Equal("Bearer tok-123", sent[0].Headers["Authorization"]);
        Assert.Equal(new Uri("https://cdn.example.test/blob"), sent[1].Uri);
        Assert.False(sent[1].Headers.ContainsKey("Authorization"));
    }

    [Theory]
    [InlineData("ftp://api.example.test/v1/file")]
    [InlineData("")]
    public async Task NonHttpOrMissingLocation_The3xxIsTheAnswer(string location)
    {
        var transport = new InMemoryTransport();
        ScriptedResponse redirect = ScriptedResponse.Create(HttpStatusCode.Found);
        if (location.Length > 0)
        {
            redirect.WithHeader("Location", location);
        }

        transport.Enqueue(redirect);
        transport.Enqueue(ScriptedResponse.Json("""{"id":1,"text":"never"}"""));
        await using SdkClient client = SdkClient.CreateBuilder(new ClientOptions { BaseAddress = new Uri("http://api.example.test/v1/") })
            .UseTransport(transport)
            .Build();

        ApiException error = await Assert.ThrowsAsync<ApiException>(() => client.SendAsync(ApiRequest.Get("x"), TestJson.Default.Item).WaitAsync(CoreAsync.Bound));

        Assert.Equal(HttpStatusCode.Found, error.StatusCode);
        Assert.Single(transport.Requests);
    }

    [Fact]
    public async Task RedirectedSseConnect_DeliversTheEventsOfTheTarget()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer target = await ChaosServer.StartAsync();
        ChaosSse sse = target.Sse("events", new ChaosSse { Events = 5 });
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.Map("/v1/events", RedirectTo(307, new Uri(target.BaseAddress, "events").AbsoluteUri));
        });
        await using SdkClient client = SdkClient.Create(ChaosClient.Options(new Uri(server.BaseAddress, "v1/"), time, o => o.Credential = ApiCredential.Bearer("tok-123")));

        List<Item> items = await client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item).ToListBoundedAsync();

        Assert.Equal([1, 2, 3, 4, 5], items.Select(i => i.Id));
        Assert.Equal("event 5", items[^1].Text);
        Assert.Equal("Bearer tok-123", log.Single.Header("Authorization"));
        ChaosRequest hop = Assert.Single(sse.Log.Requests);
        Assert.Null(hop.Header("Authorization"));
        Assert.Contains("text/event-stream", hop.Header("Accept"), StringComparison.Ordinal);
        Assert.Equal(WithoutSpaces(log.Single.Header("Accept")), WithoutSpaces(hop.Header("Accept"))); // re-serialized: "a;q=0.9" may become "a; q=0.9"
    }

    [Fact]
    public async Task RedirectedSseStreamThatDrops_ResumesThroughTheRedirectFromTheLastEvent()
    {
        var time = new ManualTimeProvider();
        await using ChaosServer target = await ChaosServer.StartAsync();
        ChaosSse sse = target.Sse("events", new ChaosSse { Events = 5, DropEvery = 3 });
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.Map("/v1/events", RedirectTo(307, new Uri(target.BaseAddress, "events").AbsoluteUri));
        });
        await using SdkClient client = SdkClient.Create(ChaosClient.Options(new Uri(server.BaseAddress, "v1/"), time));
        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item);

        List<Item> items = await stream.ToListBoundedAsync();

        Assert.Equal([1, 2, 3, 4, 5], items.Select(i => i.Id));
        Assert.Equal(1, stream.Resumes);
        Assert.Equal(2, log.Requests.Count); // the resume goes to the client's origin, and is redirected again
        Assert.Equal("3", log.Requests[1].Header("Last-Event-ID"));
        Assert.Equal(2, sse.Log.Count);
        Assert.Null(sse.Log[1].Header("Last-Event-ID"));
        Assert.Equal("3", sse.Log[2].Header("Last-Event-ID")); // the target continues where the stream broke
        Assert.Equal(5, sse.EventsWritten); // nothing was sent twice
    }

    [Fact]
    public async Task RedirectedSseStreamResumedMoreTimesThanMaxRedirects_EachResumeIsRedirected()
    {
        // The limit is per attempt: 8 resumes, each redirected once, with MaxRedirects = 1.
        var time = new ManualTimeProvider();
        await using ChaosServer target = await ChaosServer.StartAsync();
        ChaosSse sse = target.Sse("events", new ChaosSse { Events = 8, DropEvery = 1 });
        var log = new CoreRequestLog();
        await using TestServer server = await TestServer.StartAsync(app =>
        {
            log.Attach(app);
            app.Map("/v1/events", RedirectTo(302, new Uri(target.BaseAddress, "events").AbsoluteUri));
        });
        await using SdkClient client = SdkClient.CreateBuilder(ChaosClient.Options(new Uri(server.BaseAddress, "v1/"), time))
            .AddPlugin(new RedirectPlugin(new RedirectOptions { MaxRedirects = 1 }))
            .Build();
        StreamResult<Item> stream = client.StreamAsync(ApiRequest.Get("events"), TestJson.Default.Item);

        List<Item> items = await stream.ToListBoundedAsync();

        Assert.Equal(Enumerable.Range(1, 8), items.Select(i => i.Id));
        Assert.Equal(8, stream.Resumes);
        Assert.Equal(9, log.Requests.Count);
        Assert.Equal(9, sse.Log.Count);
        Assert.Equal(8, sse.EventsWritten);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(9)]
    [InlineData(int.MaxValue)]
    public void Constructor_MaxRedirectsOutOfRange_Throws(int maxRedirects)
    {
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => new RedirectPlugin(new RedirectOptions { MaxRedirects = maxRedirects }));

        Assert.Equal("options", error.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(8)]
    public void Constructor_MaxRedirectsInRange_IsAccepted(int maxRedirects)
    {
        var plugin = new RedirectPlugin(new RedirectOptions { MaxRedirects = maxRedirects });

        Assert.Equal(BuiltInPlugins.Redirects, plugin.Manifest.Id);
        Assert.Equal(BuiltInPlugins.Order, plugin.Manifest.Order);
    }

    private static string? WithoutSpaces(string? value) => value?.Replace(" ", "", StringComparison.Ordinal);

    private static void AssertBodylessGet(CoreSeenRequest request, string path)
    {
        Assert.Equal("GET", request.Method);
        Assert.Equal(path, request.Path);
        Assert.Equal("", request.Body);
        Assert.Null(request.Header("Content-Type"));
        Assert.True(request.Header("Content-Length") is null or "0", $"Content-Length {request.Header("Content-Length")}");
    }
}
