using System.Buffers.Binary;
using Sdk.Tests.Infrastructure;
using Sdk.Tests.Infrastructure.WebSockets;
using Sdk.WebSockets;

namespace Sdk.Tests.WebSockets;

/// <summary>
/// The connection stream under a session (<see cref="WebSocketStream"/>): the SDK's own dead-peer detection on the manual
/// clock, against a raw server that shows every ping frame on the wire and answers it, or not, as the test says; and the
/// read-ahead buffer.
/// </summary>
public sealed class WebSocketStreamTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_waiting_read_pings_after_the_interval_a_pong_keeps_the_socket_and_no_answer_aborts_it()
    {
        var time = new ManualTimeProvider();
        var answeredFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using RawWsServer server = RawWsServer.Start(async (connection, ct) =>
        {
            RawWsFrame ping = await connection.WaitForClientFrameAsync(f => f.Opcode == Frames.PingOpcode, WsTestClient.Limit);
            await connection.WriteAsync(Frames.Pong(ping.Payload), ct); // the first ping is answered, the second is not
            answeredFirst.TrySetResult();
        });
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = CreateClient(server.BaseAddress, time);
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws", cancellationToken: cts.Token);
        WebSocketStream keepAlive = Assert.IsType<WebSocketStream>(session.Stream);
        Task<(List<WsMessage> Received, WebSocketSessionException Failure)> reading = WsTestClient.ReadUntilFailureAsync(session, cts.Token);
        await UntilAsync(() => keepAlive.ReadPending, cts.Token);

        time.Advance(Interval - TimeSpan.FromSeconds(5));
        Assert.Equal(0, keepAlive.PingsSent); // quiet for less than the interval
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, keepAlive.PingsSent);

        RawWsConnection wire = await server.WaitForConnectionAsync(0, WsTestClient.Limit);
        RawWsFrame first = await wire.WaitForClientFrameAsync(f => f.Opcode == Frames.PingOpcode, WsTestClient.Limit);
        Assert.True(first.Masked);
        Assert.True(first.Fin);
        Assert.Equal(1, BinaryPrimitives.ReadInt64BigEndian(first.Payload));
        await answeredFirst.Task.WaitAsync(cts.Token);
        await UntilAsync(() => keepAlive.WaitsEnded >= 1 && keepAlive.ReadPending, cts.Token); // the pong was read

        // The clock is at 30 s. The first tick after the pong (35 s) starts a new quiet period; 55 s is past the first
        // ping's timeout (50 s), which does not apply: it was answered.
        time.Advance(TimeSpan.FromSeconds(25));
        Assert.False(keepAlive.TimedOut);
        Assert.False(reading.IsCompleted);
        Assert.True(session.IsOpen);
        Assert.Equal(1, keepAlive.PingsSent);

        time.Advance(TimeSpan.FromSeconds(10)); // 65 s: quiet for an interval again, the second ping, never answered
        Assert.Equal(2, keepAlive.PingsSent);
        time.Advance(Timeout - TimeSpan.FromSeconds(5));
        Assert.False(keepAlive.TimedOut);
        Assert.False(reading.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(5)); // 85 s: its timeout
        Assert.True(keepAlive.TimedOut);

        (List<WsMessage> received, WebSocketSessionException failure) = await reading.WaitAsync(cts.Token);
        Assert.Empty(received);
        Assert.Equal(WebSocketFailureReason.KeepAliveTimeout, failure.Reason);
        Assert.Contains("within 20 s", failure.Message, StringComparison.Ordinal);
        Assert.True(keepAlive.TimedOut);
        await wire.ClientGone.WaitAsync(cts.Token);
    }

    [Fact]
    public async Task Nothing_is_pinged_while_nobody_reads()
    {
        var time = new ManualTimeProvider();
        await using RawWsServer server = RawWsServer.Start((_, _) => Task.CompletedTask);
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = CreateClient(server.BaseAddress, time);
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws", cancellationToken: cts.Token);
        WebSocketStream keepAlive = Assert.IsType<WebSocketStream>(session.Stream);

        time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(0, keepAlive.PingsSent);
        Assert.True(session.IsOpen);
        Assert.False(keepAlive.TimedOut);
    }

    [Fact]
    public async Task Messages_arriving_within_the_interval_mean_no_ping()
    {
        var time = new ManualTimeProvider();
        var send = System.Threading.Channels.Channel.CreateUnbounded<int>();
        await using RawWsServer server = RawWsServer.Start(async (connection, ct) =>
        {
            for (int i = 0; i < 4; i++) // then the script ends, so the client's close is answered
            {
                int seq = await send.Reader.ReadAsync(ct);
                await connection.WriteAsync(Frames.Text($"{{\"seq\":{seq}}}"), ct);
            }
        });
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = CreateClient(server.BaseAddress, time);
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws", cancellationToken: cts.Token);
        WebSocketStream keepAlive = Assert.IsType<WebSocketStream>(session.Stream);
        await using IAsyncEnumerator<WsMessage> reader = session.ReadAllAsync(cts.Token).GetAsyncEnumerator(cts.Token);

        for (int seq = 1; seq <= 4; seq++)
        {
            ValueTask<bool> next = reader.MoveNextAsync();
            await UntilAsync(() => keepAlive.ReadPending, cts.Token);
            time.Advance(Interval - TimeSpan.FromSeconds(10)); // less than the interval since the last message
            await send.Writer.WriteAsync(seq, cts.Token);
            Assert.True(await next.AsTask().WaitAsync(cts.Token));
            Assert.Equal(seq, reader.Current.Seq);
        }

        Assert.Equal(0, keepAlive.PingsSent); // 80 s of waiting reads, never an interval without a message
        RawWsConnection wire = await server.WaitForConnectionAsync(0, WsTestClient.Limit);
        Assert.DoesNotContain(wire.ClientFrames, f => f.Opcode == Frames.PingOpcode);
    }

    [Theory]
    [InlineData(false, true)] // no timeout: .NET's unsolicited pongs, nothing to detect
    [InlineData(true, false)] // no pings at all
    public async Task Without_a_timeout_or_an_interval_there_is_no_dead_peer_detection(bool interval, bool timeout)
    {
        var time = new ManualTimeProvider();
        await using RawWsServer server = RawWsServer.Start((_, _) => Task.CompletedTask);
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress, o =>
        {
            o.TimeProvider = time;
            o.WebSockets.KeepAliveInterval = interval ? Interval : TimeSpan.Zero;
            o.WebSockets.KeepAliveTimeout = timeout ? Timeout : System.Threading.Timeout.InfiniteTimeSpan;
        });
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws", cancellationToken: cts.Token);
        WebSocketStream stream = Assert.IsType<WebSocketStream>(session.Stream);
        await using IAsyncEnumerator<WsMessage> reader = session.ReadAllAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        ValueTask<bool> next = reader.MoveNextAsync();
        await UntilAsync(() => stream.ReadPending, cts.Token);

        time.Advance(TimeSpan.FromMinutes(10));

        Assert.False(stream.DetectsDeadPeer);
        Assert.Equal(0, stream.PingsSent);
        Assert.False(next.IsCompleted);
        Assert.True(session.IsOpen);
    }

    [Fact]
    public async Task Small_messages_are_read_ahead_and_large_ones_pass_through_whole()
    {
        // 2,000 small messages in one write, then one larger than the read-ahead buffer, split over frames.
        string big = new('b', ClientDefaults.WebSocketReadAheadBytes * 3);
        byte[] script = Frames.Concat(
            Frames.Concat([.. Enumerable.Range(1, 2000).Select(i => Frames.Text($"{{\"seq\":{i}}}"))]),
            Frames.Text($"{{\"seq\":2001,\"text\":\"{big[..1000]}", fin: false),
            Frames.Continue(big[1000..] + "\"}"));
        await using RawWsServer server = RawWsServer.Start(script);
        using var cts = new CancellationTokenSource(WsTestClient.Limit);
        await using SdkClient client = WsTestClient.Create(server.BaseAddress);
        await using WebSocketSession<WsMessage, WsMessage> session = await WsTestClient.ConnectAsync(client, "ws", cancellationToken: cts.Token);

        List<WsMessage> received = await WsTestClient.ReadAsync(session, 2001, cts.Token);

        Assert.Equal(Enumerable.Range(1, 2001).Select(i => (long?)i), received.Select(m => m.Seq));
        Assert.Equal(big, received[^1].Text);
    }

    private static SdkClient CreateClient(Uri baseAddress, ManualTimeProvider time) => WsTestClient.Create(baseAddress, o =>
    {
        o.TimeProvider = time;
        o.WebSockets.KeepAliveInterval = Interval;
        o.WebSockets.KeepAliveTimeout = Timeout;
        o.WebSockets.Reconnect.Enabled = false;
    });

    /// <summary>Awaits a condition of the socket's reads (a read reaching the network happens on another thread), bounded by the token.</summary>
    private static async Task UntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }
}
