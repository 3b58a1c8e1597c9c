using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Streaming;

/// <summary>
/// The same SSE body, with every line ending style (LF, CR, CRLF), delivered in one write, one byte at a time, cut at
/// each boundary of interest, and read by a client that gets one byte per socket read: every combination must decode
/// to the same events.
/// </summary>
public sealed class SseParsingMatrixTests : IClassFixture<SseParsingMatrixTests.Server>
{
    // "\n" stands for the line ending under test.
    private const string Template =
        ": the stream starts\n" +
        "id: 1\n" +
        "data: {\"id\":1,\"text\":\"a\"}\n" +
        "\n" +
        "event: item\n" +
        "id: 2\n" +
        "data: {\"id\":2,\n" +
        "data: \"text\":\"b\"}\n" +
        "\n" +
        "retry: 2500\n" +
        ": a comment inside an event\n" +
        "data:{\"id\":3,\"text\":\"c\"}\n" +
        "\n";

    private static readonly string[] Endings = ["LF", "CR", "CRLF"];

    private static readonly string[] Deliveries =
    [
        "one-write",
        "server-trickle",
        "client-one-byte-reads",
        "split-after-first-line-break-char",
        "split-inside-field-name",
        "split-inside-json",
        "split-before-blank-line",
        "split-between-data-lines",
        "split-at-every-point-of-interest",
    ];

    private readonly Server _server;

    public SseParsingMatrixTests(Server server)
    {
        _server = server;
    }

    public static TheoryData<string, string> Matrix()
    {
        var data = new TheoryData<string, string>();
        foreach (string ending in Endings)
        {
            foreach (string delivery in Deliveries)
            {
                data.Add(ending, delivery);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task StreamAsync_SameEventsWhateverLineEndingAndChunking(string ending, string delivery)
    {
        await using SdkClient client = StreamTestClient.Create(_server.Http, oneByteReads: delivery == "client-one-byte-reads");
        StreamResult<Item> result = client.StreamAsync(ApiRequest.Get($"sse/{ending}/{delivery}"), TestJson.Default.Item);

        List<StreamEvent<Item>> events = await StreamCollect.AllAsync(result.Events);

        Assert.Equal(["message", "item", "message"], events.Select(e => e.EventType));
        Assert.Equal(["1", "2", "2"], events.Select(e => e.Id));
        Assert.All(events, e => Assert.True(e.IsKnown));
        Assert.Equal([new Item(1, "a"), new Item(2, "b"), new Item(3, "c")], events.Select(e => e.Value));
        Assert.Equal("{\"id\":2,\n\"text\":\"b\"}", Encoding.UTF8.GetString(events[1].Data.Span));
        Assert.Equal(TimeSpan.FromMilliseconds(2500), result.ReconnectionInterval);
        Assert.Equal("2", result.LastEventId);
        Assert.Equal(3, result.ItemCount);
    }

    private static string Render(string ending) => Template.Replace("\n", ending switch
    {
        "LF" => "\n",
        "CR" => "\r",
        _ => "\r\n",
    }, StringComparison.Ordinal);

    /// <summary>Offsets in the rendered body where a delivery cuts it.</summary>
    private static int[] Cuts(string body, string delivery)
    {
        int firstBreak = body.IndexOfAny(['\r', '\n']) + 1;
        int insideField = body.IndexOf("data:", StringComparison.Ordinal) + 2;
        int insideJson = body.IndexOf("\"text\":\"a\"", StringComparison.Ordinal) + 3;
        string firstData = "\"text\":\"a\"}";
        int afterFirstData = body.IndexOf(firstData, StringComparison.Ordinal) + firstData.Length;
        int beforeBlank = afterFirstData + (body[afterFirstData] == '\r' && body[afterFirstData + 1] == '\n' ? 2 : 1);
        int betweenDataLines = body.IndexOf("data: \"text\":\"b\"", StringComparison.Ordinal);
        return delivery switch
        {
            "split-after-first-line-break-char" => [firstBreak],
            "split-inside-field-name" => [insideField],
            "split-inside-json" => [insideJson],
            "split-before-blank-line" => [beforeBlank],
            "split-between-data-lines" => [betweenDataLines],
            "split-at-every-point-of-interest" => [firstBreak, insideField, insideJson, beforeBlank, betweenDataLines],
            _ => [],
        };
    }

    public sealed class Server : IAsyncLifetime
    {
        public TestServer Http { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Http = await TestServer.StartAsync(app => app.MapGet("/sse/{ending}/{delivery}", async (HttpContext context, string ending, string delivery) =>
            {
                string text = Render(ending);
                byte[] body = StreamServer.Utf8(text);
                await StreamServer.SendHeadersAsync(context, StreamServer.Sse);
                if (delivery == "server-trickle")
                {
                    await StreamServer.TrickleAsync(context, body);
                }
                else
                {
                    await StreamServer.WriteSplitAsync(context, body, Cuts(text, delivery));
                }
            }));
        }

        public async Task DisposeAsync() => await Http.DisposeAsync();
    }
}
