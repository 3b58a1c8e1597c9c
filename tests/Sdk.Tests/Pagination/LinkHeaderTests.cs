namespace Sdk.Tests.Pagination;

/// <summary>LinkHeader: finding rel="next" in RFC 8288 Link header values as real APIs send them.</summary>
public sealed class LinkHeaderTests
{
    [Theory]
    [InlineData("<https://api.example.com/items?page=2>; rel=\"next\"", "https://api.example.com/items?page=2")]
    [InlineData("<https://a/?page=2>; rel=next", "https://a/?page=2")]
    [InlineData("<https://a/?page=1>; rel=\"prev\", <https://a/?page=3>; rel=\"next\", <https://a/?page=9>; rel=\"last\"", "https://a/?page=3")]
    [InlineData("<https://a/?page=9>; rel=\"last\",<https://a/?page=3>;rel=\"next\"", "https://a/?page=3")]
    [InlineData("<https://a/?page=3>; rel=\"next last\"", "https://a/?page=3")]
    [InlineData("<https://a/?page=3>; title=\"Next page\"; rel=\"NEXT\"", "https://a/?page=3")]
    [InlineData("< /items?page=3 >; rel=\"next\"", "/items?page=3")]
    [InlineData("<https://a/?ids=1,2,3&page=2>; rel=\"next\"", "https://a/?ids=1,2,3&page=2")]
    public void FindTarget_NextRelation_ReturnsItsTarget(string header, string expected)
    {
        Assert.Equal(expected, LinkHeader.FindTarget([header], "next"));
    }

    [Theory]
    [InlineData("<https://a/?page=1>; rel=\"prev\", <https://a/?page=1>; rel=\"first\"")]
    [InlineData("<https://a/?page=2>; rel=\"nextpage\"")]
    [InlineData("<https://a/?page=2>; relation=\"next\"")]
    [InlineData("<https://a/?page=2")]
    [InlineData("")]
    public void FindTarget_NoNextRelation_ReturnsNull(string header)
    {
        Assert.Null(LinkHeader.FindTarget([header], "next"));
    }

    [Fact]
    public void FindTarget_SeveralHeaderValues_SearchesAll()
    {
        Assert.Equal("/p3", LinkHeader.FindTarget(["</p1>; rel=\"prev\"", "</p3>; rel=\"next\""], "next"));
        Assert.Null(LinkHeader.FindTarget([], "next"));
    }
}
