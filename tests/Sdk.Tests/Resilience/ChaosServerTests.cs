using System.Net;
using System.Text;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Resilience;

/// <summary>
/// The chaos server itself (tests/Sdk.Tests/Infrastructure/Chaos*.cs), read with a plain <see cref="HttpClient"/>: the
/// resilience tests and the chaos benchmark rely on it doing exactly what its script says.
/// </summary>
public sealed class ChaosServerTests
{
    private static async Task<(HttpStatusCode Status, string Body, Exception? Error)> GetAsync(HttpClient http, string path, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(CoreAsync.Bound);
        var body = new StringBuilder();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        try
        {
            while (await reader.ReadLineAsync().WaitAsync(CoreAsync.Bound) is { } line)
            {
                body.Append(line).Append('\n');
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return (response.StatusCode, body.ToString(), ex);
        }

        return (response.StatusCode, body.ToString(), null);
    }

    [Fact]
    public async Task Unary_ScriptedReplies_AnswerByRequestNumberAndLogEachRequest()
    {
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosScript script = server.Unary("r", ChaosReply.Status(503).WithRetryAfter(2).WithShouldRetry(true), ChaosReply.Status(429).WithRetryAfterMs(1500), ChaosReply.Ok());
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using HttpResponseMessage first = await http.PostAsync("r?x=1", new StringContent("body-1"));
        using HttpResponseMessage second = await http.GetAsync("r");
        using HttpResponseMessage third = await http.GetAsync("r");
        using HttpResponseMessage fourth = await http.GetAsync("r");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal("2", first.Headers.GetValues("Retry-After").Single());
        Assert.Equal("true", first.Headers.GetValues("x-should-retry").Single());
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal("1500", second.Headers.GetValues("retry-after-ms").Single());
        Assert.Equal("""{"id":3,"text":"ok"}""", await third.Content.ReadAsStringAsync());
        Assert.Equal("""{"id":4,"text":"ok"}""", await fourth.Content.ReadAsStringAsync()); // the last reply repeats
        Assert.Equal(4, script.Log.Count);
        ChaosRequest logged = await script.Log.WaitForAsync(1);
        Assert.Equal(("POST", "r", "?x=1", "body-1"), (logged.Method, logged.Path, logged.Query, logged.Body));
        Assert.Equal(4, server.Log.Count);
    }

    [Fact]
    public async Task Unary_ResetAndStall_AnswerNoHeaders()
    {
        await using ChaosServer server = await ChaosServer.StartAsync();
        server.Unary("reset", ChaosReply.Reset());
        ChaosScript stall = server.Unary("stall", ChaosReply.Stall());
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        HttpRequestException reset = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("reset").WaitAsync(CoreAsync.Bound));
        using var cts = new CancellationTokenSource();
        Task<HttpResponseMessage> stalled = http.GetAsync("stall", cts.Token);
        await stall.Log.WaitForAsync(1);
        Assert.False(stalled.IsCompleted);
        await cts.CancelAsync();

        Assert.NotEqual(HttpRequestError.ConnectionError, reset.HttpRequestError); // the connection was made, then broken
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stalled.WaitAsync(CoreAsync.Bound));
    }

    [Fact]
    public async Task Unary_UnknownPath_Is404AndLogged()
    {
        await using ChaosServer server = await ChaosServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using HttpResponseMessage response = await http.GetAsync("nowhere");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("nowhere", Assert.Single(server.Log.Requests).Path);
    }

    [Fact]
    public async Task Sse_Plain_SendsIdsDataAndDone()
    {
        await using ChaosServer server = await ChaosServer.StartAsync();
        server.Sse("s", new ChaosSse { Events = 2, RetryMilliseconds = 1500 });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        (HttpStatusCode status, string body, Exception? error) = await GetAsync(http, "s");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(error);
        Assert.Equal("retry: 1500\n\nid: 1\ndata: {\"id\":1,\"text\":\"event 1\"}\n\nid: 2\ndata: {\"id\":2,\"text\":\"event 2\"}\n\ndata: [DONE]\n\n", body);
    }

    [Fact]
    public async Task Sse_DropEvery_EndsEachConnectionAfterExactlyThatManyEventsAndResumesAfterLastEventId()
    {
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("s", new ChaosSse { Events = 5, DropEvery = 2 });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        for (int round = 0; round < 20; round++)
        {
            (_, string first, Exception? dropped) = await GetAsync(http, "s");
            Assert.NotNull(dropped);
            Assert.Equal("id: 1\ndata: {\"id\":1,\"text\":\"event 1\"}\n\nid: 2\ndata: {\"id\":2,\"text\":\"event 2\"}\n\n", first);
        }

        (_, string middle, Exception? again) = await GetAsync(http, "s", lastEventId: "2");
        (_, string last, Exception? end) = await GetAsync(http, "s", lastEventId: "4");

        Assert.NotNull(again);
        Assert.StartsWith("id: 3\n", middle, StringComparison.Ordinal);
        Assert.EndsWith("id: 4\ndata: {\"id\":4,\"text\":\"event 4\"}\n\n", middle, StringComparison.Ordinal);
        Assert.Null(end);
        Assert.Equal("id: 5\ndata: {\"id\":5,\"text\":\"event 5\"}\n\ndata: [DONE]\n\n", last);
        Assert.Equal(21, sse.Drops);
        Assert.Equal(22, sse.Connections);
    }

    [Fact]
    public async Task Sse_DropGate_HoldsTheDropUntilOpened()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("s", new ChaosSse { Events = 5, DropEvery = 1, DropGate = _ => gate.Task });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using HttpResponseMessage response = await http.GetAsync("s", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("id: 1", await reader.ReadLineAsync().WaitAsync(CoreAsync.Bound));
        Assert.Equal(0, sse.Drops);
        gate.SetResult();

        await Assert.ThrowsAnyAsync<IOException>(() => reader.ReadToEndAsync().WaitAsync(CoreAsync.Bound));
        Assert.Equal(1, sse.Drops);
    }

    [Fact]
    public async Task Sse_NoContentOnResume_Answers204ToALastEventId()
    {
        await using ChaosServer server = await ChaosServer.StartAsync();
        server.Sse("s", new ChaosSse { Events = 3, NoContentOnResume = true });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        (HttpStatusCode status, string body, _) = await GetAsync(http, "s", lastEventId: "1");

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal("", body);
    }

    [Fact]
    public async Task Sse_OmitIdsGarbageAndStall_WriteWhatTheScriptSays()
    {
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("s", new ChaosSse { Events = 3, OmitIds = true, GarbageAfter = 1, StallAfter = 2 });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var cts = new CancellationTokenSource();

        using HttpResponseMessage response = await http.GetAsync("s", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        var lines = new List<string>();
        for (int i = 0; i < 6; i++)
        {
            lines.Add((await reader.ReadLineAsync(cts.Token).AsTask().WaitAsync(CoreAsync.Bound))!);
        }

        Assert.Equal(["data: {\"id\":1,\"text\":\"event 1\"}", "", "data: {\"id\": this is not json", "", "data: {\"id\":2,\"text\":\"event 2\"}", ""], lines);
        Task<string?> next = reader.ReadLineAsync(cts.Token).AsTask();
        await Task.Yield();
        Assert.False(next.IsCompleted); // stalled after 2 events
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => next.WaitAsync(CoreAsync.Bound));
        Assert.Equal(2, sse.EventsWritten);
    }

    [Fact]
    public async Task Sse_Prelude_AnswersTheFirstRequestsThenStreams()
    {
        await using ChaosServer server = await ChaosServer.StartAsync();
        ChaosSse sse = server.Sse("s", new ChaosSse { Events = 1, Prelude = [ChaosReply.Status(503).WithRetryAfter(1)] });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        (HttpStatusCode first, _, _) = await GetAsync(http, "s");
        (HttpStatusCode second, string body, _) = await GetAsync(http, "s");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first);
        Assert.Equal(HttpStatusCode.OK, second);
        Assert.Contains("data: [DONE]", body, StringComparison.Ordinal);
        Assert.Equal(1, sse.Connections);
    }

    [Fact]
    public async Task Sse_DropPlan_VariesEventsPerConnection()
    {
        await using ChaosServer server = await ChaosServer.StartAsync();
        server.Sse("s", new ChaosSse { Events = 10, DropPlan = connection => connection == 1 ? 3 : null });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        (_, string first, Exception? dropped) = await GetAsync(http, "s");
        (_, string rest, Exception? clean) = await GetAsync(http, "s", lastEventId: "3");

        Assert.NotNull(dropped);
        Assert.Equal(3, first.Split("data: ").Length - 1);
        Assert.Null(clean);
        Assert.Equal(8, rest.Split("data: ").Length - 1); // events 4..10 and [DONE]
    }
}
