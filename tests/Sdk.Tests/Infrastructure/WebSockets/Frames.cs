using System.Buffers.Binary;
using System.Text;

namespace Sdk.Tests.Infrastructure.WebSockets;

/// <summary>
/// Builds raw WebSocket frames (RFC 6455 §5.2) byte for byte, valid or not, for <see cref="RawWsServer"/> scripts.
/// Server frames are unmasked unless <c>masked</c> is set (which is itself a protocol violation from a server).
/// </summary>
public static class Frames
{
    public const byte Continuation = 0x0;
    public const byte TextOpcode = 0x1;
    public const byte BinaryOpcode = 0x2;
    public const byte CloseOpcode = 0x8;
    public const byte PingOpcode = 0x9;
    public const byte PongOpcode = 0xA;

    /// <summary>The masking key used when <c>masked</c> is set.</summary>
    public static ReadOnlySpan<byte> MaskKey => [0x37, 0xFA, 0x21, 0x3D];

    /// <summary>
    /// One frame: FIN/RSV bits, a 4-bit <paramref name="opcode"/> (any value, reserved ones included), the 7-bit, 16-bit or
    /// 64-bit payload length as the payload needs, an optional mask, then the payload.
    /// </summary>
    public static byte[] Frame(byte opcode, ReadOnlySpan<byte> payload, bool fin = true, bool rsv1 = false, bool rsv2 = false, bool rsv3 = false, bool masked = false)
    {
        int lengthBytes = payload.Length <= 125 ? 0 : payload.Length <= ushort.MaxValue ? 2 : 8;
        int headerLength = 2 + lengthBytes + (masked ? 4 : 0);
        byte[] frame = new byte[headerLength + payload.Length];
        frame[0] = (byte)((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | (rsv2 ? 0x20 : 0) | (rsv3 ? 0x10 : 0) | (opcode & 0x0F));
        byte maskBit = masked ? (byte)0x80 : (byte)0;
        switch (lengthBytes)
        {
            case 0:
                frame[1] = (byte)(maskBit | payload.Length);
                break;
            case 2:
                frame[1] = (byte)(maskBit | 126);
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
                break;
            default:
                frame[1] = (byte)(maskBit | 127);
                BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)payload.Length);
                break;
        }

        Span<byte> body = frame.AsSpan(headerLength);
        payload.CopyTo(body);
        if (masked)
        {
            MaskKey.CopyTo(frame.AsSpan(2 + lengthBytes));
            for (int i = 0; i < body.Length; i++)
            {
                body[i] ^= MaskKey[i % 4];
            }
        }

        return frame;
    }

    /// <summary>A text frame of <paramref name="text"/>'s UTF-8 bytes (<paramref name="fin"/> false starts a fragmented message).</summary>
    public static byte[] Text(string text, bool fin = true) => Frame(TextOpcode, Encoding.UTF8.GetBytes(text), fin);

    /// <summary>A binary frame.</summary>
    public static byte[] Binary(ReadOnlySpan<byte> payload, bool fin = true) => Frame(BinaryOpcode, payload, fin);

    /// <summary>A continuation frame of a fragmented message.</summary>
    public static byte[] Continue(ReadOnlySpan<byte> payload, bool fin = true) => Frame(Continuation, payload, fin);

    /// <inheritdoc cref="Continue(ReadOnlySpan{byte}, bool)"/>
    public static byte[] Continue(string text, bool fin = true) => Frame(Continuation, Encoding.UTF8.GetBytes(text), fin);

    /// <summary>A close frame with a 2-byte status code and a UTF-8 reason (not validated: any code, any length).</summary>
    public static byte[] Close(ushort code, string reason = "")
    {
        byte[] reasonBytes = Encoding.UTF8.GetBytes(reason);
        byte[] payload = new byte[2 + reasonBytes.Length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, code);
        reasonBytes.CopyTo(payload, 2);
        return Frame(CloseOpcode, payload);
    }

    /// <summary>A close frame with an empty payload (no status: the peer sees 1005 / <c>Empty</c>).</summary>
    public static byte[] CloseEmpty() => Frame(CloseOpcode, []);

    /// <summary>A ping frame.</summary>
    public static byte[] Ping(ReadOnlySpan<byte> payload = default) => Frame(PingOpcode, payload);

    /// <summary>A pong frame.</summary>
    public static byte[] Pong(ReadOnlySpan<byte> payload = default) => Frame(PongOpcode, payload);

    /// <summary>The frames one after the other, to write in one go.</summary>
    public static byte[] Concat(params byte[][] frames) => [.. frames.SelectMany(f => f)];
}
