using System.Buffers;

namespace Sdk;

/// <summary>The base of the decoders that frame the body themselves (NDJSON, JSON array): a pooled buffer over the body.</summary>
internal abstract class BufferedStreamDecoder<T> : StreamDecoder<T>
{
    protected const int InitialBufferSize = 16 * 1024;
    private readonly Stream _body;
    private readonly CancellationToken _cancellationToken;

    protected BufferedStreamDecoder(Stream body, DecoderSettings<T> settings, CancellationToken cancellationToken)
        : base(settings)
    {
        _body = body;
        _cancellationToken = cancellationToken;
        Buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
    }

    /// <summary>The pooled buffer; replaced (and the old one returned) by <see cref="MoveTo"/>.</summary>
    protected byte[] Buffer { get; private set; }

    public sealed override ValueTask DisposeAsync()
    {
        byte[] buffer = Buffer;
        Buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return _body.DisposeAsync();
    }

    /// <summary>Reads more of the body into <see cref="Buffer"/> from <paramref name="offset"/> on; 0 is the end of the body.</summary>
    protected ValueTask<int> ReadAsync(int offset) => _body.ReadAsync(Buffer.AsMemory(offset), _cancellationToken);

    /// <summary>Moves <paramref name="count"/> bytes from <paramref name="from"/> to the front, into a buffer of at least <paramref name="size"/> bytes.</summary>
    protected void MoveTo(int from, int count, int size)
    {
        byte[] target = Buffer.Length >= size ? Buffer : ArrayPool<byte>.Shared.Rent(size);
        System.Buffer.BlockCopy(Buffer, from, target, 0, count);
        if (!ReferenceEquals(target, Buffer))
        {
            ArrayPool<byte>.Shared.Return(Buffer);
            Buffer = target;
        }
    }
}
