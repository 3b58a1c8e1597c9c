namespace Sdk.Transport;

/// <summary>A read-only stream that plays <see cref="ScriptStep"/>s: bytes, delays, a stall, a drop.</summary>
internal sealed class ScriptedStream : Stream
{
    private readonly IReadOnlyList<ScriptStep> _steps;
    private readonly TimeProvider _time;
    private int _step;
    private int _offset;

    public ScriptedStream(IReadOnlyList<ScriptStep> steps, TimeProvider time)
    {
        _steps = steps;
        _time = time;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_step < _steps.Count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ScriptStep step = _steps[_step];
            switch (step.Kind)
            {
                case ScriptStepKind.Bytes:
                    int count = Math.Min(buffer.Length, step.Bytes.Length - _offset);
                    step.Bytes.AsSpan(_offset, count).CopyTo(buffer.Span);
                    _offset += count;
                    if (_offset == step.Bytes.Length)
                    {
                        _step++;
                        _offset = 0;
                    }

                    if (count > 0)
                    {
                        return count;
                    }

                    break;
                case ScriptStepKind.Delay:
                    await Task.Delay(step.Delay, _time, cancellationToken).ConfigureAwait(false);
                    _step++;
                    break;
                case ScriptStepKind.Stall:
                    await Task.Delay(Timeout.InfiniteTimeSpan, _time, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new IOException("The scripted connection was dropped.");
            }
        }

        return 0;
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
