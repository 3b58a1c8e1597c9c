namespace Sdk;

/// <summary>Random identifiers for idempotency keys and request ids.</summary>
internal static class RandomIds
{
    /// <summary>
    /// A random (version 4) UUID. Such ids only have to be unique, not secret, so they come from <see cref="Random.Shared"/>
    /// (122 random bits) rather than <see cref="Guid.NewGuid"/>, whose call into the operating system's secure generator was
    /// the largest single cost of a POST's first attempt.
    /// </summary>
    public static string NewUuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 (Guid's little-endian layout: byte 7 holds the version)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes).ToString();
    }
}
