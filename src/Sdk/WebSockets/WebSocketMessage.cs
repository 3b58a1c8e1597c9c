using System.Net.WebSockets;

namespace Sdk.WebSockets;

/// <summary>
/// One received message, raw and decoded (<see cref="WebSocketSession{TSend, TReceive}.ReadMessagesAsync"/>).
/// <see cref="Data"/> is valid only until the reader asks for the next message: copy it to keep it.
/// </summary>
/// <typeparam name="T">The session's receive type.</typeparam>
public readonly struct WebSocketMessage<T>
{
    internal WebSocketMessage(WebSocketMessageType messageType, ReadOnlyMemory<byte> data, T value, long? sequence)
    {
        MessageType = messageType;
        Data = data;
        Value = value;
        Sequence = sequence;
    }

    /// <summary>Text or binary.</summary>
    public WebSocketMessageType MessageType { get; }

    /// <summary>The message's bytes, valid until the next message is read.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The decoded value (after any stream-event hook replaced it).</summary>
    public T Value { get; }

    /// <summary>The message's sequence number (<see cref="WebSocketSessionOptions{TSend, TReceive}.SequenceOf"/>), or <see langword="null"/>.</summary>
    public long? Sequence { get; }
}
