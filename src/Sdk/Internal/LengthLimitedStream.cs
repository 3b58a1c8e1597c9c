namespace Sdk;

/// <summary>A read-only wrapper that fails once more than a limit of bytes was read.</summary>
internal sealed class LengthLimitedStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly long _limit;

    public LengthLimitedStream(Stream inner, long limit)
    {
        _inner = inner;
        _limit = limit;
    }

    public long BytesRead { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Count(read);
        return read;
    }

    public override int Read(Span<byte> buffer)
    {
        int read = _inner.Read(buffer);
        Count(read);
        return read;
    }


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
