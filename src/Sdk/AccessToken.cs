namespace Sdk;

/// <summary>A token a token provider returned (<see cref="ApiCredential.FromTokenProvider"/>) and when it expires.</summary>
public readonly struct AccessToken : IEquatable<AccessToken>
{
    /// <summary>Creates a token.</summary>
    /// <param name="token">The token, sent as <c>Authorization: Bearer &lt;token&gt;</c>.</param>
    /// <param name="expiresOn">When the server stops accepting it.</param>
    public AccessToken(string token, DateTimeOffset expiresOn)
    {
        Token = token;
        ExpiresOn = expiresOn;
    }

    /// <summary>The token.</summary>
    public string Token { get; }

    /// <summary>When the server stops accepting it.</summary>
    public DateTimeOffset ExpiresOn { get; }

    /// <summary>Whether two tokens are the same token with the same expiry.</summary>
    /// <param name="left">A token.</param>
    /// <param name="right">Another.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(AccessToken left, AccessToken right) => left.Equals(right);

    /// <summary>Whether two tokens differ.</summary>
    /// <param name="left">A token.</param>
    /// <param name="right">Another.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(AccessToken left, AccessToken right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(AccessToken other) => string.Equals(Token, other.Token, StringComparison.Ordinal) && ExpiresOn == other.ExpiresOn;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is AccessToken other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Token is null ? 0 : StringComparer.Ordinal.GetHashCode(Token), ExpiresOn);

    /// <summary>Describes the token without its value.</summary>
    /// <returns><c>AccessToken(***, expires …)</c>.</returns>
    public override string ToString() => $"AccessToken(***, expires {ExpiresOn:O})";
}
