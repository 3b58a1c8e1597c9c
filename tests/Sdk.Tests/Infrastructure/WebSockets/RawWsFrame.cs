using System.Buffers.Binary;
using System.Text;

namespace Sdk.Tests.Infrastructure.WebSockets;

/// <summary>A frame <see cref="RawWsServer"/> read from the client, unmasked.</summary>
public sealed record RawWsFrame(bool Fin, bool Rsv1, bool Rsv2, bool Rsv3, byte Opcode, bool Masked, byte[] Payload)
{
    public bool IsClose => Opcode == Frames.CloseOpcode;

    /// <summary>The status code of a close frame with one, else <see langword="null"/>.</summary>
    public ushort? CloseCode => IsClose && Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : null;

    /// <summary>The reason of a close frame (may be empty), else <see langword="null"/>.</summary>
    public string? CloseReason => IsClose && Payload.Length >= 2 ? Encoding.UTF8.GetString(Payload.AsSpan(2)) : null;

    /// <summary>The payload as UTF-8 text.</summary>
    public string Text => Encoding.UTF8.GetString(Payload);

    public override string ToString() =>
        $"opcode=0x{Opcode:X} fin={Fin} masked={Masked} len={Payload.Length}" + (IsClose ? $" code={CloseCode} reason='{CloseReason}'" : "");
}
