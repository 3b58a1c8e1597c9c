namespace Sdk;

/// <summary>What was wrong with a response in an <see cref="InvalidResponseException"/>.</summary>
public enum InvalidResponseReason
{
    /// <summary>A body, an event or an element was not valid JSON for the requested type.</summary>
    InvalidJson,

    /// <summary>The response had a content type the call cannot decode.</summary>
    UnexpectedContentType,

    /// <summary>A line exceeded <see cref="StreamingOptions.MaxLineBytes"/>.</summary>
    LineTooLong,

    /// <summary>An event or element exceeded <see cref="StreamingOptions.MaxEventBytes"/>.</summary>
    EventTooLarge,

    /// <summary>A unary or page body exceeded <see cref="ClientOptions.MaxResponseBytes"/>.</summary>
    ResponseTooLarge,

    /// <summary>The body could not be decoded: a corrupt compressed stream, or a content encoding the SDK does not know.</summary>
    CorruptBody,

    /// <summary>A body the call needs was empty.</summary>
    EmptyBody,

    /// <summary>A paginated list did not advance (a repeated cursor or next link, or an empty page that claims more).</summary>
    PaginationStalled,

    /// <summary>A next-page link pointed to another origin than the base address; it was not followed, so credentials stay with the API.</summary>
    CrossOriginLink,
}
