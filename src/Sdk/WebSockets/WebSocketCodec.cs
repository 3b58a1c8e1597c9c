using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Sdk.WebSockets;

/// <summary>
/// Turns a session's messages into values and back: JSON text through a <see cref="JsonTypeInfo{T}"/>
/// (<see cref="WebSocketCodec.Json{T}(JsonTypeInfo{T})"/>), plain text, raw binary, or your own format (derive from this class).
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
public abstract class WebSocketCodec<T>
{
    /// <summary>Writes <paramref name="value"/> as one message into <paramref name="output"/>.</summary>
    /// <param name="value">The value.</param>
    /// <param name="output">Where the message's bytes go.</param>
    /// <returns>Whether the message is text or binary.</returns>
    public abstract WebSocketMessageType Encode(T value, IBufferWriter<byte> output);

    /// <summary>Reads one whole message. Throw (any exception) for a message that is not valid: the reader gets <see cref="WebSocketSessionException"/> with <see cref="WebSocketFailureReason.InvalidMessage"/>.</summary>
    /// <param name="data">The message's bytes, valid only during the call.</param>
    /// <param name="messageType">Text or binary.</param>
    /// <returns>The value.</returns>
    public abstract T Decode(ReadOnlySpan<byte> data, WebSocketMessageType messageType);
}

/// <summary>The codecs the SDK ships.</summary>
public static class WebSocketCodec
{
    /// <summary>JSON text messages through source-generated metadata (binary messages holding JSON are read too).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="typeInfo">The metadata.</param>
    /// <returns>The codec.</returns>
    public static WebSocketCodec<T> Json<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return new JsonCodec<T>(typeInfo);
    }

    /// <summary>JSON text messages through reflection-based serialization (not trimming or AOT safe; prefer the <see cref="JsonTypeInfo{T}"/> overload).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="options">The serializer options.</param>
    /// <returns>The codec.</returns>
    [RequiresUnreferencedCode("JSON serialization of T may need types the trimmer removes; use the JsonTypeInfo<T> overload.")]
    [RequiresDynamicCode("JSON serialization of T may need runtime code generation; use the JsonTypeInfo<T> overload.")]
    public static WebSocketCodec<T> Json<T>(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return new JsonCodec<T>((JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)));
    }

    /// <summary>Text messages as strings (UTF-8).</summary>
    public static WebSocketCodec<string> Text { get; } = new TextCodec();

    /// <summary>Binary messages as byte arrays (a text message's UTF-8 bytes too).</summary>
    public static WebSocketCodec<byte[]> Binary { get; } = new BinaryCodec();

    private sealed class JsonCodec<T>(JsonTypeInfo<T> typeInfo) : WebSocketCodec<T>
    {
        [ThreadStatic]
        private static Utf8JsonWriter? t_writer;

        public override WebSocketMessageType Encode(T value, IBufferWriter<byte> output)
        {
            Utf8JsonWriter writer = t_writer ??= new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
            writer.Reset(output);
            try
            {
                JsonSerializer.Serialize(writer, value, typeInfo);
                writer.Flush();
            }
            finally
            {
                writer.Reset(NullBufferWriter.Instance);
            }

            return WebSocketMessageType.Text;
        }

        public override T Decode(ReadOnlySpan<byte> data, WebSocketMessageType messageType) =>
            JsonSerializer.Deserialize(data, typeInfo)!;
    }

    private sealed class TextCodec : WebSocketCodec<string>
    {
        public override WebSocketMessageType Encode(string value, IBufferWriter<byte> output)
        {
            ArgumentNullException.ThrowIfNull(value);
            Encoding.UTF8.GetBytes(value, output);
            return WebSocketMessageType.Text;
        }

        public override string Decode(ReadOnlySpan<byte> data, WebSocketMessageType messageType) => Encoding.UTF8.GetString(data);
    }

    private sealed class BinaryCodec : WebSocketCodec<byte[]>
    {
        public override WebSocketMessageType Encode(byte[] value, IBufferWriter<byte> output)
        {
            ArgumentNullException.ThrowIfNull(value);
            output.Write(value);
            return WebSocketMessageType.Binary;
        }

        public override byte[] Decode(ReadOnlySpan<byte> data, WebSocketMessageType messageType) => data.ToArray();
    }

    /// <summary>Where an idle cached writer points, so it holds no reference to a finished message's buffer.</summary>
    private sealed class NullBufferWriter : IBufferWriter<byte>
    {
        public static readonly NullBufferWriter Instance = new();

        public void Advance(int count)
        {
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => Array.Empty<byte>();

        public Span<byte> GetSpan(int sizeHint = 0) => Array.Empty<byte>();
    }
}
