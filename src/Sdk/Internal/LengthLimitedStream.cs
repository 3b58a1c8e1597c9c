namespace Sdk;

/// <summary>A read-only wrapper that fails once more than a limit of bytes was read.</summary>
internal sealed class LengthLimitedStream : Stream
{
    private readonly Stream _inner;
    private readonly long _limit;

    public LengthLimitedStream(Stream inner, long limit)
    {
        _inner = inner;
        _limit = limit;
    }

    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Count(read);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        int read = _inner.Read(buffer, offset, count);
        Count(read);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void Count(int read)
    {
        BytesRead += read;
        if (BytesRead > _limit)
        {
            throw new LengthLimitExceededException();
        }
    }
}

/// <summary>Raised by <see cref="LengthLimitedStream"/>; callers turn it into <see cref="InvalidResponseException"/>.</summary>
internal sealed class LengthLimitExceededException : IOException
{
    public LengthLimitExceededException()
        : base("The body exceeded its size limit.")
    {
    }

    public LengthLimitExceededException(string message)
        : base(message)
    {
    }

    public LengthLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
